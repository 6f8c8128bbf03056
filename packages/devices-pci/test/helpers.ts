import { DeviceTestKit } from "@ringlab/sdk/testing";
import { I440fxHostBridge, Piix3IsaBridge, piix3Plugin } from "../src/index.js";

/** A kit with the host bridge and the ISA bridge installed, and config-space helpers as a guest does them. */
export function platform(kitOptions: ConstructorParameters<typeof DeviceTestKit>[0] = {}) {
  const kit = new DeviceTestKit(kitOptions);
  const host = kit.install(new I440fxHostBridge("i440fx", kit.pci));
  const isa = kit.install(new Piix3IsaBridge("piix3", kit.options(piix3Plugin), kit.pci));
  /** CONFIG_ADDRESS for bus 0, device `dev`, function `fn`, register `reg`, enable set. */
  const addr = (dev: number, fn: number, reg: number) => (0x8000_0000 | (dev << 11) | (fn << 8) | (reg & 0xfc)) >>> 0;
  const cfgRead = (dev: number, fn: number, reg: number, width: 1 | 2 | 4 = 4) => {
    kit.out32(0xcf8, addr(dev, fn, reg));
    const port = 0xcfc + (reg & 3);
    return width === 1 ? kit.in8(port) : width === 2 ? kit.in16(port) : kit.in32(port);
  };
  const cfgWrite = (dev: number, fn: number, reg: number, value: number, width: 1 | 2 | 4 = 4) => {
    kit.out32(0xcf8, addr(dev, fn, reg));
    const port = 0xcfc + (reg & 3);
    if (width === 1) kit.out8(port, value);
    else if (width === 2) kit.out16(port, value);
    else kit.out32(port, value);
  };
  return { kit, host, isa, addr, cfgRead, cfgWrite };
}
