import { hex, servedWidths } from "./access.js";
import { ResourceConflictError } from "./errors.js";
import { type InterruptController, NO_INTERRUPT_CONTROLLER } from "./irq/interrupt-controller.js";
import { IrqLines } from "./irq/irq-lines.js";
import { MemoryMap } from "./memory/memory-map.js";
import { PortSpace } from "./ports/port-space.js";

/** Sizes of a new bus. */
export interface BusOptions {
  /** Bytes of RAM buffer (mapped by the machine's address-space layout). */
  ramSize: number;
  /** Number of IRQ lines; 16 on a PC/AT. */
  irqLines?: number;
}

/** What one owner holds on the bus, for `ringlab devices` and reports. */
export interface OwnerResources {
  /** The owner name the claims were made with: a device id (`"pit"`, `"uart1"`) or a machine part (`"ram"`). */
  owner: string;
  /** Its port claims, in the order made. */
  ports: {
    /** First port of the claim, 0..0xFFFF. */
    base: number;
    /** Number of consecutive ports claimed. */
    count: number;
    /** The access widths its handlers serve, in bits, joined by slashes: `"8"`, `"8/16"`, `"8/16/32"`. */
    widths: string;
  }[];
  /** Its memory mappings (RAM, ROM, MMIO), lowest address first. */
  memory: {
    /** First physical address of the mapping. */
    base: number;
    /** Size of the mapping in bytes. */
    size: number;
    /** What backs it: a {@link RegionKind}, `"ram"`, `"rom"` or `"mmio"`. */
    kind: string;
  }[];
  /** The IRQ line numbers it claimed, lowest first (0..15 on a PC/AT). */
  irqs: number[];
  /** Whether it installed the bus's interrupt controller ({@link Bus.setInterruptController}). */
  interruptController: boolean;
}

/**
 * The contract between the CPU and the devices: physical memory, I/O ports, IRQ lines and
 * the interrupt controller the CPU acknowledges interrupts from. Devices see only this.
 */
export class Bus {
  /**
   * The 4 GiB physical address space: RAM, ROM and MMIO mappings, and the A20 gate. A device
   * maps its windows here in `attach` ({@link MemoryMap.mapMmio}, {@link MemoryMap.mapDeviceRam}).
   */
  readonly memory: MemoryMap;
  /** The 64 Ki I/O ports (0..0xFFFF) the guest reaches with `IN`/`OUT`; a device claims its ports here in `attach`. */
  readonly ports: PortSpace;
  /** The board's IRQ lines (`irqLines` of them, 16 by default); a device claims the lines it drives here. */
  readonly irqs: IrqLines;
  private controller: InterruptController = NO_INTERRUPT_CONTROLLER;
  private controllerOwner: string | undefined;
  private intrListener: (() => void) | undefined;

  /**
   * A bus with `options.ramSize` bytes of RAM buffer (not yet mapped at any address: the
   * machine maps it around the PC's holes), no ports claimed, `options.irqLines` IRQ lines
   * and no interrupt controller ({@link NO_INTERRUPT_CONTROLLER} until one is installed).
   */
  constructor(options: BusOptions) {
    this.memory = new MemoryMap(options.ramSize);
    this.ports = new PortSpace();
    this.irqs = new IrqLines(options.irqLines ?? 16);
  }

  /** The interrupt controller the CPU asks for vectors. */
  get interrupts(): InterruptController {
    return this.controller;
  }

  /** Installs the interrupt controller. A second one is an error naming both. */
  setInterruptController(owner: string, controller: InterruptController): void {
    if (this.controllerOwner !== undefined) {
      throw new ResourceConflictError(
        `the interrupt controller is claimed by both '${this.controllerOwner}' and '${owner}'`,
      );
    }
    this.controller = controller;
    this.controllerOwner = owner;
  }

  /**
   * The interrupt controller's INTR output may have changed: the CPU samples it at the next
   * instruction boundary (see {@link InterruptController}). Call it from inside a port or
   * memory handler, an IRQ-line change or a timer callback alike; it never runs guest code.
   */
  interruptRequestChanged(): void {
    this.intrListener?.();
  }

  /**
   * Installs the processor's side of {@link interruptRequestChanged} (one per bus: the CPU).
   * Null removes it.
   */
  setInterruptRequestListener(listener: (() => void) | null): void {
    this.intrListener = listener ?? undefined;
  }

  /** Everything each owner claimed, in order of first claim. */
  resources(): OwnerResources[] {
    const byOwner = new Map<string, OwnerResources>();
    const get = (owner: string) => {
      let r = byOwner.get(owner);
      if (!r) byOwner.set(owner, (r = { owner, ports: [], memory: [], irqs: [], interruptController: false }));
      return r;
    };
    for (const c of this.ports.claims()) {
      const widths = servedWidths(c.handlers).map((w) => w * 8).join("/");
      get(c.owner).ports.push({ base: c.base, count: c.count, widths });
    }
    for (const r of this.memory.regions()) get(r.owner).memory.push({ base: r.base, size: r.size, kind: r.kind });
    for (const { line, owner } of this.irqs.claims()) get(owner).irqs.push(line);
    if (this.controllerOwner !== undefined) get(this.controllerOwner).interruptController = true;
    return [...byOwner.values()];
  }
}

/** `0x40-0x43` or `0xE9` for a port range. */
export function formatPortRange(base: number, count: number): string {
  return count === 1 ? hex(base, 2) : `${hex(base, 2)}-${hex(base + count - 1, 2)}`;
}
