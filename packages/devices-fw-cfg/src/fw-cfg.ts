import { inject, injectable } from "tsyringe";
import {
  ioPortOption,
  type Bus,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  ConfigError,
  type JsonValue,
  decodeBase64,
  defineDevicePlugin,
  deviceState,
  stateInt,
  z,
} from "@ringlab/sdk";
import { ARCH_LOCAL, FILE_NAME_BYTES, MAX_FILES, WRITE_CHANNEL, buildItems } from "./fw-cfg-items.js";

/** A file's bytes in the options: base64 text (what the CLI passes) or an array of bytes. */
const fileBytes = z.unknown().transform((value, ctx) => {
  const bytes =
    typeof value === "string"
      ? decodeBase64(value)
      : Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)
        ? Uint8Array.from(value as number[])
        : undefined;
  if (bytes === undefined) ctx.addIssue({ code: "custom", message: "expected base64 text or an array of bytes 0-255" });
  return bytes ?? new Uint8Array(0);
});

const options = z
  .object({
    /** The selector port; the data port is the next one. 0x510 on x86 (fw_cfg.rst, "Register Locations"). */
    port: ioPortOption(0x510, 2),
    /**
     * The named files ("vgaroms/vgabios-isavga.bin", "etc/...", "opt/..."), name → bytes. A name
     * is printable ASCII of at most 55 characters: it must fit the directory's 56-byte field.
     */
    files: z
      .record(z.string(), fileBytes)
      .superRefine((files, ctx) => {
        const names = Object.keys(files);
        if (names.length > MAX_FILES) ctx.addIssue({ code: "custom", message: `expected at most ${MAX_FILES} files` });
        for (const name of names) {
          if (!/^[\x20-\x7e]{1,55}$/.test(name)) {
            const message = `expected a file name of 1 to ${FILE_NAME_BYTES - 1} printable ASCII characters`;
            ctx.addIssue({ code: "custom", path: [name], message });
          }
        }
      })
      .default({}),
    /** FW_CFG_RAM_SIZE in bytes; by default the size of the machine's RAM. */
    ramSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

export type FwCfgOptions = z.output<typeof options>;

/**
 * Saved state: the selector and the data offset. The items are rebuilt from the options,
 * so the offset's bound (the selected item's length) is checked after the schema, in
 * {@link FwCfg.loadState}.
 */
const state = deviceState(z.object({ selector: stateInt(0, 0xffff), offset: stateInt(0, 0xffff_ffff) }).strict());

/**
 * QEMU's firmware configuration device, the x86 I/O-port interface (QEMU docs/specs/fw_cfg.rst):
 * a 16-bit write to the selector port (0x510) picks an item and rewinds its data offset; each
 * 8-bit read of the data port (0x511) returns the item's next byte, and 0 once past its end.
 * SeaBIOS built for QEMU finds its machine through it — the RAM size, the CPU count and the
 * files such as "vgaroms/*" (VGA option ROMs it loads at 0xC0000).
 *
 * Left out on purpose: the DMA interface (FW_CFG_ID bit 1 clear, nothing at 0x514), so firmware
 * uses the port interface (SeaBIOS: `rep insb`); data-port writes, which QEMU ignores since
 * v2.4 outside DMA; and the architecture-specific items (keys with bit 15), which read as empty
 * like every key this device does not know. Bit 14 (write channel) selects the same item.
 */
@injectable()
export class FwCfg implements Device {
  private items = new Map<number, Uint8Array>();
  private readonly files: Map<string, Uint8Array>;
  /** The selector as last written (16 bits). */
  private selector = 0;
  /** The data offset inside the selected item; it stops at the item's end. */
  private offset = 0;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: FwCfgOptions,
  ) {
    this.files = new Map(Object.entries(options.files));
  }

  attach(bus: Bus): void {
    // QEMU's ram_size: the whole RAM, which on a PC runs from 0 to the top of RAM.
    const ramSize = this.options.ramSize ?? bus.memory.ram8.length;
    this.items = buildItems({ ramSize, cpus: 1 }, this.files);
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 2,
      handlers: {
        // The selector is write-only; the data register is 8 bits wide on the port interface.
        read8: (offset) => (offset === 1 ? this.readData() : 0xff),
        write16: (offset, value) => {
          if (offset === 0) this.select(value);
        },
        // Byte writes are data-register writes, which QEMU ignores outside DMA.
        write8: () => {},
      },
    });
  }

  /** A selector write: picks item `key` and rewinds to its first byte. */
  select(key: number): void {
    this.selector = key & 0xffff;
    this.offset = 0;
  }

  /** A data-port read: the selected item's next byte, or 0 past its end (or for no item). */
  readData(): number {
    const item = this.selected();
    if (item === undefined || this.offset >= item.length) return 0;
    return item[this.offset++]!;
  }

  reset(): void {
    // QEMU's reset selects the signature (fw_cfg_reset → select 0).
    this.select(0);
  }

  saveState(): JsonValue {
    return state.save({ selector: this.selector, offset: this.offset });
  }

  loadState(json: JsonValue): void {
    const where = `${this.id} state`;
    const s = state.load(json, where);
    const length = this.item(s.selector)?.length ?? 0;
    if (s.offset > length) throw new ConfigError(`${where}: field 'offset': expected a whole number from 0 to ${length}, got ${s.offset}`);
    this.selector = s.selector;
    this.offset = s.offset;
  }

  private selected(): Uint8Array | undefined {
    return this.item(this.selector);
  }

  /** The item a selector value picks, if any. */
  private item(selector: number): Uint8Array | undefined {
    if (selector & ARCH_LOCAL) return undefined;
    return this.items.get(selector & ~WRITE_CHANNEL);
  }
}

/** The `fw-cfg` device plugin: options `port` (0x510), `files` (name → base64 or bytes), `ramSize`. */
export const fwCfgPlugin = defineDevicePlugin({
  name: "fw-cfg",
  description: "QEMU firmware configuration device (fw_cfg) at ports 0x510/0x511: signature, RAM size, CPU count and named files, no DMA",
  options,
  device: FwCfg,
});
