/** Register indexes and bits of the MC146818A (Motorola datasheet, Figure 3 and "Registers"). */

export const SECONDS = 0x00;
export const SECONDS_ALARM = 0x01;
export const MINUTES = 0x02;
export const MINUTES_ALARM = 0x03;
export const HOURS = 0x04;
export const HOURS_ALARM = 0x05;
export const DAY_OF_WEEK = 0x06;
export const DAY_OF_MONTH = 0x07;
export const MONTH = 0x08;
export const YEAR = 0x09;
export const REG_A = 0x0a;
export const REG_B = 0x0b;
export const REG_C = 0x0c;
export const REG_D = 0x0d;
/** First byte of the general-purpose RAM (114 bytes, 0x0E-0x7F). */
export const RAM_START = 0x0e;
export const CMOS_SIZE = 128;

/** Register A. */
export const A_UIP = 0x80;
export const A_DV_MASK = 0x70;
export const A_RS_MASK = 0x0f;
/** DV2-0 = 010: the 32.768 kHz time base, the only one a PC uses. */
export const DV_32K = 0x20;

/** Register B. */
export const B_SET = 0x80;
export const B_PIE = 0x40;
export const B_AIE = 0x20;
export const B_UIE = 0x10;
export const B_SQWE = 0x08;
export const B_DM_BINARY = 0x04;
export const B_24H = 0x02;
export const B_DSE = 0x01;

/** Register C (read-only; reading clears it). */
export const C_IRQF = 0x80;
export const C_PF = 0x40;
export const C_AF = 0x20;
export const C_UF = 0x10;

/** Register D: valid RAM and time (the battery is good). */
export const D_VRT = 0x80;

/** An alarm byte with bits 7-6 both set matches every value ("don't care"). */
export const ALARM_DONT_CARE = 0xc0;
/** Bit 7 of the hours byte in 12-hour mode: PM. */
export const HOURS_PM = 0x80;

/** The oscillator: 32.768 kHz. Every time in the chip is a count of its cycles. */
export const OSC_HZ = 32_768;
/**
 * UIP rises this many oscillator cycles before an update: 8 / 32768 s = 244.14 us, the
 * datasheet's tBUC for the 32.768 kHz time base.
 */
export const UIP_CYCLES = 8;

/**
 * Periodic interrupt period in oscillator cycles for rate select `rs` (32.768 kHz time base;
 * datasheet Table 5): none for 0; 1 and 2 give 256 Hz and 128 Hz; 3..15 give 32768 >> (rs - 1) Hz.
 */
export function periodCycles(rs: number): number {
  if (rs === 0) return 0;
  if (rs === 1) return 128;
  if (rs === 2) return 256;
  return 1 << (rs - 1);
}

/** The PC's CMOS map (IBM AT technical reference; QEMU and SeaBIOS use the same bytes). */
export const CMOS_SHUTDOWN_STATUS = 0x0f;
export const CMOS_EQUIPMENT = 0x14;
export const CMOS_BASE_MEMORY_LO = 0x15;
export const CMOS_BASE_MEMORY_HI = 0x16;
export const CMOS_EXT_MEMORY_LO = 0x17;
export const CMOS_EXT_MEMORY_HI = 0x18;
export const CMOS_CHECKSUM_FIRST = 0x10;
export const CMOS_CHECKSUM_LAST = 0x2d;
export const CMOS_CHECKSUM_HI = 0x2e;
export const CMOS_CHECKSUM_LO = 0x2f;
export const CMOS_EXT_MEMORY2_LO = 0x30;
export const CMOS_EXT_MEMORY2_HI = 0x31;
export const CMOS_CENTURY = 0x32;
export const CMOS_HIGH_MEMORY_LO = 0x34;
export const CMOS_HIGH_MEMORY_HI = 0x35;
