/**
 * Offsets and bits of the PCI configuration space's type-0 header (PCI Local Bus Specification
 * 3.0, §6.1 "Configuration Space Organization", figure 6-1, and §6.2 "Configuration Space
 * Functions").
 *
 * @enum
 */
export const PciConfig = Object.freeze({
  /** Vendor ID (16 bits, read-only); 0xFFFF is never a valid vendor: "no function here". */
  VENDOR_ID: 0x00,
  /** Device ID (16 bits, read-only). */
  DEVICE_ID: 0x02,
  /** Command register (16 bits); see {@link PciCommand}. */
  COMMAND: 0x04,
  /** Status register (16 bits); error bits are write-1-to-clear; see {@link PciStatus}. */
  STATUS: 0x06,
  /** Revision ID (8 bits, read-only). */
  REVISION_ID: 0x08,
  /** Programming interface, the low byte of the 24-bit class code (read-only). */
  PROG_IF: 0x09,
  /** Sub-class (0x0A) and base class (0x0B) of the class code (read-only). */
  CLASS_CODE: 0x0a,
  /** Cache line size (8 bits, read/write). */
  CACHE_LINE_SIZE: 0x0c,
  /** Latency timer (8 bits). */
  LATENCY_TIMER: 0x0d,
  /** Header type: bits 6:0 the layout (0 for a device), bit 7 set for a multi-function device. */
  HEADER_TYPE: 0x0e,
  /** Built-in self test (8 bits); 0 when not implemented. */
  BIST: 0x0f,
  /** Base Address Register 0; BAR n is at `BAR0 + 4 * n`, n = 0..5. */
  BAR0: 0x10,
  /** Subsystem vendor ID (16 bits, read-only). */
  SUBSYSTEM_VENDOR_ID: 0x2c,
  /** Subsystem ID (16 bits, read-only). */
  SUBSYSTEM_ID: 0x2e,
  /** Expansion ROM base address (32 bits); 0 (hard-wired) when the function has none. */
  EXPANSION_ROM: 0x30,
  /** Capabilities pointer (8 bits), valid when status bit 4 is set. */
  CAPABILITIES: 0x34,
  /** Interrupt line (8 bits, read/write scratch the BIOS fills with the IRQ it routed). */
  INTERRUPT_LINE: 0x3c,
  /** Interrupt pin (8 bits, read-only): 0 none, 1..4 INTA#..INTD#. */
  INTERRUPT_PIN: 0x3d,
  /** Min_Gnt (8 bits, read-only). */
  MIN_GNT: 0x3e,
  /** Max_Lat (8 bits, read-only). */
  MAX_LAT: 0x3f,
});

/** Size of one function's configuration space in bytes (PCI 3.0 §6.1). */
export const PCI_CONFIG_SPACE_SIZE = 256;

/** Number of Base Address Registers of a type-0 header. */
export const PCI_BAR_COUNT = 6;

/**
 * Command register bits (PCI 3.0 §6.2.2, figure 6-2).
 *
 * @enum
 */
export const PciCommand = Object.freeze({
  /** Bit 0: the function responds to I/O space accesses (its I/O BARs decode). */
  IO_SPACE: 0x0001,
  /** Bit 1: the function responds to memory space accesses (its memory BARs decode). */
  MEMORY_SPACE: 0x0002,
  /** Bit 2: the function may act as a bus master (DMA). */
  BUS_MASTER: 0x0004,
  /** Bit 6: parity error response. */
  PARITY_ERROR_RESPONSE: 0x0040,
  /** Bit 8: SERR# enable. */
  SERR_ENABLE: 0x0100,
  /** Bit 10: interrupt disable — the function may not assert its INTx# pin. */
  INTX_DISABLE: 0x0400,
});

/**
 * Status register bits (PCI 3.0 §6.2.3, figure 6-3).
 *
 * @enum
 */
export const PciStatus = Object.freeze({
  /** Bit 3 (read-only): the function's INTx# is pending, whatever the interrupt-disable bit says. */
  INTERRUPT: 0x0008,
  /** Bit 4 (read-only): a capabilities list starts at offset 0x34. */
  CAPABILITIES_LIST: 0x0010,
  /** Bit 7 (read-only): fast back-to-back capable. */
  FAST_BACK_TO_BACK: 0x0080,
  /** Bits 10:9 (read-only) DEVSEL timing: medium. */
  DEVSEL_MEDIUM: 0x0200,
  /**
   * The error bits, each cleared by writing 1 to it (PCI 3.0 §6.2.3): master data parity error
   * (8), signaled target abort (11), received target abort (12), received master abort (13),
   * signaled system error (14), detected parity error (15).
   */
  WRITE_ONE_TO_CLEAR: 0xf900,
});
