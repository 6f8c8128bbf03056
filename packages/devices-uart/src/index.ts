/**
 * `@ringlab/devices-uart`: the National Semiconductor 16550A UART of a PC COM port, timed at
 * its baud rate on the virtual clock, with a small host back-end interface.
 */
export { COM_PORTS, type ModemInputs, POWER_ON_DIVISOR, Uart, type UartOptions, defaultIrqFor, uartPlugin } from "./uart.js";
export { BufferSerialBackend, ConsoleSerialBackend, NullSerialBackend, type SerialBackend } from "./serial-backend.js";
export { FrameTiming, frameHalfBits } from "./frame-timing.js";
