import { PNG } from "pngjs";

/** An RGBA image as a device renders it. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Encodes a screen image as PNG (pngjs): the front end's job, so devices stay browser-safe. */
export function encodePng(img: RgbaImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  png.data.set(img.data);
  return Uint8Array.from(PNG.sync.write(png));
}
