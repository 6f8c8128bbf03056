/**
 * `@ringlab/devices-pci`: the PC's PCI platform — configuration mechanism #1, an i440FX-class
 * host bridge and a PIIX3-class PCI-to-ISA bridge with its PCI interrupt router.
 */
export { CONFIG_ADDRESS_PORT, CONFIG_DATA_PORT, CONFIG_ENABLE, ConfigMechanism1 } from "./config-mechanism-1.js";
export {
  DRB0,
  HOST_BRIDGE_CLASS,
  I440FX_DEVICE_ID,
  I440FX_REVISION,
  I440FX_VENDOR_ID,
  I440fxHostBridge,
  PAM0,
  PAM_COUNT,
  SMRAM,
  i440fxPlugin,
} from "./host-bridge.js";
export {
  DLC,
  IORT,
  ISA_BRIDGE_CLASS,
  MBIRQ0,
  PIIX3_DEVICE_ID,
  PIIX3_VENDOR_ID,
  type Piix3Options,
  Piix3IsaBridge,
  TOM,
  XBCS,
  piix3Plugin,
} from "./isa-bridge.js";
export { PIRQRC_A, PIRQ_COUNT, PIRQ_DISABLE, PirqRouter, ROUTABLE_IRQS, pirqOf } from "./pirq-router.js";
