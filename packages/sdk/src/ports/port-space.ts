import { type AccessHandlers, type AccessWidth, ALL_ONES, hex, servedWidths } from "../access.js";
import { ResourceConflictError, RinglabError } from "../errors.js";
import { asDeviceError } from "../device/device-error.js";

/** Number of I/O ports on IA-32: 0..0xFFFF (SDM vol.1 §18.2). */
export const PORT_COUNT = 0x10000;

/** One device's claim on a run of ports. */
export interface PortClaim {
  /** Who owns the ports: a device id, shown in conflicts and in `ringlab devices`. */
  readonly owner: string;
  /** First port of the range. */
  readonly base: number;
  /** Number of consecutive ports. */
  readonly count: number;
  /**
   * What the guest's `IN`/`OUT` to these ports calls, with `offset` = port − {@link base}.
   * At least one handler is required; see {@link AccessHandlers} for how unserved widths
   * are split or read as all-ones.
   */
  readonly handlers: AccessHandlers;
}

/** How often the guest touched a port that no device claims. */
export interface UnclaimedPortCount {
  /** The port, 0..0xFFFF. */
  port: number;
  /**
   * Reads of it nothing answered, each of which read all-ones: an `IN` from a port no device
   * claims (a wide one is split into bytes and counts at each of its ports), or of a width
   * its owner serves neither itself nor by splitting.
   */
  reads: number;
  /** Writes to it nothing answered (each dropped), counted as {@link reads} are. */
  writes: number;
}

/**
 * The 64 KiB I/O port space. Like v86's port table it keeps one entry per port, so a guest
 * `IN`/`OUT` costs one array load and one call.
 */
export class PortSpace {
  private readonly table: (PortClaim | undefined)[] = new Array(PORT_COUNT).fill(undefined);
  private readonly claimList: PortClaim[] = [];
  private readonly unclaimed = new Map<number, { reads: number; writes: number }>();

  /**
   * Claims `count` ports from `base` for `owner`. Throws {@link ResourceConflictError} naming
   * both owners when any of them is already claimed.
   */
  claim(claim: PortClaim): void {
    const { owner, base, count } = claim;
    if (!Number.isInteger(base) || !Number.isInteger(count) || count < 1 || base < 0 || base + count > PORT_COUNT) {
      throw new RinglabError(
        "bad-claim",
        `${owner}: port range ${hex(base)}+${count} is not inside the port space 0x0..0xFFFF`,
      );
    }
    if (servedWidths(claim.handlers).length === 0) {
      throw new RinglabError("bad-claim", `${owner}: port range ${hex(base)}+${count} has no read or write handler`);
    }
    for (let p = base; p < base + count; p++) {
      const other = this.table[p];
      if (other) {
        throw new ResourceConflictError(
          `port ${hex(p, 2)} is claimed by both '${other.owner}' and '${owner}'`,
          { owners: [other.owner, owner] },
        );
      }
    }
    for (let p = base; p < base + count; p++) this.table[p] = claim;
    this.claimList.push(claim);
  }

  /**
   * Removes `owner`'s claim that starts at `base` (a PCI function whose I/O BAR moves or stops
   * decoding gives its ports back). Releasing nothing is no error.
   */
  release(owner: string, base: number): void {
    const i = this.claimList.findIndex((c) => c.owner === owner && c.base === base);
    if (i < 0) return;
    const c = this.claimList[i]!;
    for (let p = c.base; p < c.base + c.count; p++) if (this.table[p] === c) this.table[p] = undefined;
    this.claimList.splice(i, 1);
  }

  /** Every claim, in the order made. */
  claims(): readonly PortClaim[] {
    return this.claimList;
  }

  /** The owner of `port`, or undefined. */
  ownerOf(port: number): string | undefined {
    return this.table[port & 0xffff]?.owner;
  }

  /**
   * Reads `width` bytes at `port` from its owner (all-ones, counted, where nobody owns it).
   * An error thrown by the owner's handler comes out as a `DeviceError` naming it.
   */
  read(port: number, width: AccessWidth): number {
    try {
      return this.dispatchRead(port, width);
    } catch (e) {
      throw asDeviceError(e, this.ownerOf(port), `its ${width * 8}-bit read handler of port ${hex(port & 0xffff, 4)}`);
    }
  }

  /** Writes `width` bytes to `port`'s owner; errors as for {@link read}. */
  write(port: number, width: AccessWidth, value: number): void {
    try {
      this.dispatchWrite(port, width, value);
    } catch (e) {
      throw asDeviceError(e, this.ownerOf(port), `its ${width * 8}-bit write handler of port ${hex(port & 0xffff, 4)}`);
    }
  }

  private dispatchRead(port: number, width: AccessWidth): number {
    port &= 0xffff;
    const c = this.table[port];
    const h = c?.handlers;
    if (width === 1) {
      if (h?.read8) return h.read8(port - c!.base) & 0xff;
    } else if (width === 2) {
      if (h?.read16) return h.read16(port - c!.base) & 0xffff;
      if (!h || h.read8 || this.splitTarget(port, 2)) return this.read(port, 1) | (this.read(port + 1, 1) << 8);
    } else {
      if (h?.read32) return h.read32(port - c!.base) >>> 0;
      if (!h || h.read16 || h.read8 || this.splitTarget(port, 4)) {
        return (this.read(port, 2) | (this.read(port + 2, 2) << 16)) >>> 0;
      }
    }
    this.count(port, "reads");
    return ALL_ONES[width];
  }

  private dispatchWrite(port: number, width: AccessWidth, value: number): void {
    port &= 0xffff;
    const c = this.table[port];
    const h = c?.handlers;
    if (width === 1) {
      if (h?.write8) return h.write8(port - c!.base, value & 0xff);
    } else if (width === 2) {
      if (h?.write16) return h.write16(port - c!.base, value & 0xffff);
      if (!h || h.write8 || this.splitTarget(port, 2)) {
        this.write(port, 1, value);
        this.write(port + 1, 1, value >>> 8);
        return;
      }
    } else {
      if (h?.write32) return h.write32(port - c!.base, value >>> 0);
      if (!h || h.write16 || h.write8 || this.splitTarget(port, 4)) {
        this.write(port, 2, value);
        this.write(port + 2, 2, value >>> 16);
        return;
      }
    }
    this.count(port, "writes");
  }

  /** Unclaimed accesses per port, lowest port first (what `--stats` lists). */
  unclaimedAccesses(): UnclaimedPortCount[] {
    return [...this.unclaimed.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([port, c]) => ({ port, reads: c.reads, writes: c.writes }));
  }

  /** Sets the unclaimed-access counts to {@link unclaimedAccesses}'s (a restored machine snapshot). */
  restoreUnclaimed(counts: readonly UnclaimedPortCount[]): void {
    this.unclaimed.clear();
    for (const c of counts) this.unclaimed.set(c.port, { reads: c.reads, writes: c.writes });
  }

  /** Forgets the unclaimed-access counts. */
  resetCounters(): void {
    this.unclaimed.clear();
  }

  /** A wide access whose later bytes fall on another owner is split too. */
  private splitTarget(port: number, width: AccessWidth): boolean {
    const first = this.table[port];
    for (let i = 1; i < width; i++) if (this.table[(port + i) & 0xffff] !== first) return true;
    return false;
  }

  private count(port: number, kind: "reads" | "writes"): void {
    let c = this.unclaimed.get(port);
    if (!c) this.unclaimed.set(port, (c = { reads: 0, writes: 0 }));
    c[kind]++;
  }
}
