// A device plugin whose port handler throws during the run.
import { DEVICE_ID, defineDevicePlugin, z } from "@ringlab/sdk";
import { inject, injectable } from "tsyringe";

class Grumpy {
  constructor(id) { this.id = id; }
  attach(bus) {
    bus.ports.claim({ owner: this.id, base: 0x300, count: 1, handlers: { read8: () => { throw new TypeError("grumpy has no value"); } } });
  }
  reset() {}
  saveState() { return {}; }
  loadState() {}
}
inject(DEVICE_ID)(Grumpy, undefined, 0);
injectable()(Grumpy);

export default defineDevicePlugin({ name: "grumpy", description: "throws when its port is read", options: z.object({}).strict(), device: Grumpy });
