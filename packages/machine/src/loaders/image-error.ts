import { RinglabError } from "@ringlab/sdk";

/** A kernel or ROM image that cannot be loaded; the message names the image and the problem. */
export class ImageError extends RinglabError {
  constructor(image: string, problem: string) {
    super("bad-image", `${image}: ${problem}`);
    this.name = "ImageError";
  }
}
