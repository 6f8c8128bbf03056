/**
 * The Intel 8042 as a PC/AT and PS/2 keyboard controller: port numbers, status bits,
 * command-byte bits, output-port bits and commands. Sources: Intel UPI-41A/42 (8042)
 * datasheet (status register: OBF, IBF, F0 "system flag", F1 "command/data"), and the IBM
 * PC/AT and PS/2 Technical References, "Keyboard/Auxiliary Device Controller" (the
 * controller firmware's commands and the meaning of its RAM byte 0, the command byte).
 */

/** Data port: output buffer on read, input buffer (data) on write. */
export const DATA_PORT = 0x60;
/** Status register on read, input buffer (command) on write. */
export const COMMAND_PORT = 0x64;

// ---- status register -------------------------------------------------------------------
/** Output buffer full: a byte waits at port 0x60. */
export const ST_OBF = 0x01;
/** Input buffer full: the controller has not taken the last byte written (never, here: it takes each at once). */
export const ST_IBF = 0x02;
/** System flag: the command byte's bit 2 (set by a passed self-test; a BIOS tells warm from cold boots by it). */
export const ST_SYS = 0x04;
/** Command/data: the last byte written went to port 0x64 (1) or 0x60 (0). */
export const ST_CMD = 0x08;
/** Keyboard not inhibited (the keylock switch is open). */
export const ST_UNLOCKED = 0x10;
/** PS/2 controllers: the byte in the output buffer came from the auxiliary (mouse) port. */
export const ST_AUX = 0x20;
/** Timeout: a byte sent to a device got no answer (the output buffer then holds 0xFE). */
export const ST_TIMEOUT = 0x40;
/** Parity error on the last byte received. Never set here. */
export const ST_PARITY = 0x80;

// ---- command byte (controller RAM byte 0) ------------------------------------------------
/** Raise IRQ 1 when the output buffer is filled with a keyboard (or controller) byte. */
export const CB_KBD_INT = 0x01;
/** Raise IRQ 12 when the output buffer is filled with an auxiliary byte. */
export const CB_AUX_INT = 0x02;
/** The system flag. */
export const CB_SYS = 0x04;
/** Ignore the keylock switch (AT); unused on PS/2. Stored only. */
export const CB_OVERRIDE = 0x08;
/** Keyboard interface disabled (clock held low: its bytes wait in the keyboard). */
export const CB_KBD_DISABLE = 0x10;
/** Auxiliary interface disabled. */
export const CB_AUX_DISABLE = 0x20;
/** Translate keyboard bytes from set 2 to set 1. */
export const CB_XLATE = 0x40;

/**
 * The command byte a PC BIOS leaves after POST, and so what a boot without one finds:
 * keyboard interrupt on, system flag set (the self-test passed), translation on, both
 * interfaces enabled, IRQ 12 off (no BIOS mouse support).
 */
export const POWER_ON_COMMAND_BYTE = CB_KBD_INT | CB_SYS | CB_XLATE;

// ---- output port (P2) -----------------------------------------------------------------------
/** 0 holds the CPU in reset: writing it 0 resets the CPU. */
export const OP_RESET = 0x01;
/** The A20GATE line: 1 lets address bit 20 through. */
export const OP_A20 = 0x02;
/** The IRQ 12 output (auxiliary output buffer full, with its interrupt enabled). */
export const OP_AUX_IRQ = 0x20;
/** The IRQ 1 output (output buffer full with a keyboard byte, with its interrupt enabled). */
export const OP_KBD_IRQ = 0x10;
/** Keyboard clock and data lines (idle high). */
export const OP_KBD_CLOCK = 0x40;
export const OP_KBD_DATA = 0x80;
/**
 * The output port at power-on: every pin of an 8042 port is high after reset (datasheet,
 * quasi-bidirectional ports), so reset is released and A20 is enabled.
 */
export const POWER_ON_OUTPUT_PORT = 0xcf;

/**
 * The input port (P1) as 0xC0 reads it: bit 7 keyboard not inhibited (keylock open), bit 6
 * 0 = colour display (VGA), bit 5 1 = manufacturing jumper not installed, bit 4 1 = 512 KiB
 * on the system board (AT meaning); the low bits are unused.
 */
export const INPUT_PORT = 0xb0;

// ---- controller commands (written to port 0x64) -----------------------------------------------
export const CMD_READ_RAM = 0x20; // 0x20-0x3F: read RAM byte n & 0x1F (0x20: the command byte)
export const CMD_WRITE_RAM = 0x60; // 0x60-0x7F: write RAM byte n & 0x1F (next data byte)
export const CMD_PASSWORD_TEST = 0xa4;
export const CMD_AUX_DISABLE = 0xa7;
export const CMD_AUX_ENABLE = 0xa8;
export const CMD_AUX_TEST = 0xa9;
export const CMD_SELF_TEST = 0xaa;
export const CMD_KBD_TEST = 0xab;
export const CMD_KBD_DISABLE = 0xad;
export const CMD_KBD_ENABLE = 0xae;
export const CMD_READ_INPUT = 0xc0;
export const CMD_READ_OUTPUT = 0xd0;
export const CMD_WRITE_OUTPUT = 0xd1;
export const CMD_WRITE_KBD_OB = 0xd2;
export const CMD_WRITE_AUX_OB = 0xd3;
export const CMD_WRITE_AUX = 0xd4;
/** Some controllers (HP Vectra's, many chipsets): disable / enable A20 directly. */
export const CMD_A20_OFF = 0xdd;
export const CMD_A20_ON = 0xdf;
export const CMD_READ_TEST = 0xe0;
/** 0xF0-0xFF: pulse the output port bits whose bit in the low nibble is 0 (0xFE: the CPU reset line). */
export const CMD_PULSE = 0xf0;

/** Self-test passed; keyboard interface test passed; no password installed. */
export const SELF_TEST_OK = 0x55;
export const INTERFACE_OK = 0x00;
export const NO_PASSWORD = 0xf1;
/**
 * The 0xA9 result with no auxiliary device: 0x02, "clock line stuck high" (IBM PS/2
 * reference: 00 no error, 01 clock low, 02 clock high, 03 data low, 04 data high) — nothing
 * on the port ever pulls its clock low.
 */
export const AUX_TEST_NO_DEVICE = 0x02;
