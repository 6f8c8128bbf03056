// #region registers
/**
 * The PC parallel port's three registers in its original (SPP, "printer") mode, at offsets
 * from its base (0x378 for LPT1 on most PCs). Bit meanings as in the SMSC LPC47B34x
 * datasheet, "Parallel Port": the status bits read the printer's lines, some inverted; the
 * control bits drive them.
 */
export const DATA = 0;
export const STATUS = 1;
export const CONTROL = 2;

/** STATUS bit 7: the complement of the printer's BUSY line — 1 means ready for a byte. */
export const STATUS_NOT_BUSY = 0x80;
/** STATUS bit 6: the nACK line — 0 while the printer acknowledges a byte. */
export const STATUS_NACK = 0x40;
/** STATUS bit 5: paper end (out of paper). */
export const STATUS_PAPER_END = 0x20;
/** STATUS bit 4: the printer is selected (on line). */
export const STATUS_SELECT = 0x10;
/** STATUS bit 3: nERROR — 1 means no error. */
export const STATUS_NERROR = 0x08;

/** CONTROL bit 0: STROBE — 1 asserts the (active-low) nSTROBE line: "take the byte". */
export const CONTROL_STROBE = 0x01;
/** CONTROL bit 2: nINIT, not inverted — 0 holds the printer in reset. */
export const CONTROL_NINIT = 0x04;
/** CONTROL bit 4: IRQE — interrupt on the rising edge of nACK (the end of each acknowledge). */
export const CONTROL_IRQ_ENABLE = 0x10;
/** CONTROL bits 0-5 are the register; bits 6 and 7 are hard-wired low (read 0). */
export const CONTROL_WRITABLE = 0x3f;
// #endregion registers
