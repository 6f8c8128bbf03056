// A device plugin whose constructor throws.
import { defineDevicePlugin, z } from "@ringlab/sdk";
import { injectable } from "tsyringe";

class Broken {
  constructor() { throw new Error("cannot start"); }
}
injectable()(Broken);

export default defineDevicePlugin({ name: "broken", description: "throws when built", options: z.object({}).strict(), device: Broken });
