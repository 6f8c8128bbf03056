// A device plugin whose attach throws.
import { DEVICE_ID, defineDevicePlugin, z } from "@ringlab/sdk";
import { inject, injectable } from "tsyringe";

class Clumsy {
  constructor(id) { this.id = id; }
  attach() { throw new RangeError("no room on the bus"); }
  reset() {}
  saveState() { return {}; }
  loadState() {}
}
inject(DEVICE_ID)(Clumsy, undefined, 0);
injectable()(Clumsy);

export default defineDevicePlugin({ name: "clumsy", description: "throws when attached", options: z.object({}).strict(), device: Clumsy });
