/**
 * Register offsets and bits of the 16550A, as named in the National Semiconductor PC16550D
 * datasheet (Table II, "Summary of registers").
 */

/** Register offsets from the base port. */
export const RBR_THR_DLL = 0;
export const IER_DLM = 1;
export const IIR_FCR = 2;
export const LCR = 3;
export const MCR = 4;
export const LSR = 5;
export const MSR = 6;
export const SCR = 7;

/** IER: the four interrupt enables (bits 4-7 read as 0). */
export const IER_ERBFI = 0x01; // received data available (and character timeout)
export const IER_ETBEI = 0x02; // transmitter holding register empty
export const IER_ELSI = 0x04; // receiver line status
export const IER_EDSSI = 0x08; // modem status

/** IIR: interrupt identification codes (bit 0 = 1: none pending); bits 6-7 set when the FIFOs are on. */
export const IIR_NONE = 0x01;
export const IIR_LINE_STATUS = 0x06;
export const IIR_RX_DATA = 0x04;
export const IIR_CHAR_TIMEOUT = 0x0c;
export const IIR_THR_EMPTY = 0x02;
export const IIR_MODEM_STATUS = 0x00;
export const IIR_FIFOS_ENABLED = 0xc0;

/** FCR bits. */
export const FCR_ENABLE = 0x01;
export const FCR_RX_RESET = 0x02;
export const FCR_TX_RESET = 0x04;
export const FCR_DMA_MODE = 0x08;
/** Receiver FIFO trigger levels selected by FCR bits 7-6. */
export const RX_TRIGGER_LEVELS = [1, 4, 8, 14] as const;
/** Depth of each FIFO. */
export const FIFO_DEPTH = 16;

/** LCR bits. */
export const LCR_WORD_LENGTH = 0x03; // 5 + value data bits
export const LCR_STOP_BITS = 0x04; // 1.5 (5-bit words) or 2 stop bits
export const LCR_PARITY_ENABLE = 0x08;
export const LCR_BREAK = 0x40;
export const LCR_DLAB = 0x80;

/** MCR bits (bits 5-7 read as 0). */
export const MCR_DTR = 0x01;
export const MCR_RTS = 0x02;
export const MCR_OUT1 = 0x04;
export const MCR_OUT2 = 0x08;
export const MCR_LOOP = 0x10;

/** LSR bits. */
export const LSR_DR = 0x01;
export const LSR_OE = 0x02;
export const LSR_PE = 0x04;
export const LSR_FE = 0x08;
export const LSR_BI = 0x10;
export const LSR_THRE = 0x20;
export const LSR_TEMT = 0x40;
export const LSR_RX_FIFO_ERROR = 0x80;
/** The per-character error bits that travel through the receiver FIFO with their character. */
export const LSR_CHAR_ERRORS = LSR_PE | LSR_FE | LSR_BI;

/** MSR bits: deltas in 0-3, the modem input levels in 4-7. */
export const MSR_DCTS = 0x01;
export const MSR_DDSR = 0x02;
export const MSR_TERI = 0x04;
export const MSR_DDCD = 0x08;
export const MSR_CTS = 0x10;
export const MSR_DSR = 0x20;
export const MSR_RI = 0x40;
export const MSR_DCD = 0x80;

/** The baud generator's input on a PC, 1.8432 MHz, divided by 16: the baud rate at divisor 1. */
export const BAUD_BASE = 115_200;
