/**
 * `@ringlab/gdb-stub`: the GDB Remote Serial Protocol — the packet codec, the i386 target
 * description and a session over an abstract {@link DebugTarget}. It knows nothing of
 * ringlab's machine or of sockets: the machine package implements the target, the CLI
 * carries the bytes over TCP.
 */
export {
  DEFAULT_MAX_PACKET,
  INTERRUPT,
  PacketDecoder,
  type WireEvent,
  checksum,
  decodeRunLength,
  encodePacket,
  escapeBinary,
  latin1,
  latin1Text,
  unescapeBinary,
} from "./packet-codec.js";
export { fromHex, littleEndianHex, parseHexNumber, parseLittleEndianHex, toHex } from "./hex.js";
export { CORE_REGISTERS, I386_REGISTERS, type RegisterInfo, SYSTEM_REGISTERS, registerNumber, targetXml } from "./target-description.js";
export type { DebugTarget, PointKind, StopEvent, WatchKind } from "./debug-target.js";
export { GdbSession, type SessionOptions, type Transport, stopReply } from "./session.js";
