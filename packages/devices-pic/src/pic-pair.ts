import { inject, injectable } from "tsyringe";
import {
  type Bus,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type InterruptController,
  type IrqSink,
  type JsonValue,
  defineDevicePlugin,
  z,
} from "@ringlab/sdk";
import { PicChip } from "./pic-chip.js";
import { pairState } from "./pic-state.js";

const options = z
  .object({
    /**
     * Claim the edge/level control registers at 0x4D0/0x4D1 (PIIX/EISA ELCR). Without them
     * every line is edge-triggered unless a chip's ICW1 sets LTIM.
     */
    elcr: z.boolean().default(true),
  })
  .strict();

/** Validated options of the PIC pair. */
export type PicOptions = z.output<typeof options>;

/** I/O ports of the master and slave (PC/AT) and of the ELCR (PIIX). */
export const MASTER_PORT = 0x20;
export const SLAVE_PORT = 0xa0;
export const ELCR_PORT = 0x4d0;
/** The master input the slave's INT output is wired to, and so the slave's cascade ID. */
export const CASCADE_IR = 2;
/**
 * ELCR bits that can be written. IRQ 0 (timer), 1 (keyboard), 2 (cascade), 8 (RTC) and 13
 * (FPU error) are ISA-only edge lines whose bits read as zero (PIIX datasheet, ELCR1/ELCR2;
 * QEMU uses the same masks).
 */
const ELCR_WRITABLE = [0xf8, 0xde] as const;
/**
 * The vector an INTA returns when the master hands the cycle to a cascade address that no
 * slave answers: nobody drives the data bus, which floats high.
 */
const FLOATING_BUS_VECTOR = 0xff;

/**
 * The PC/AT's two cascaded Intel 8259A PICs: master at 0x20/0x21 taking IRQ 0-7, slave at
 * 0xA0/0xA1 taking IRQ 8-15 with its INT output on master IR2, plus the PIIX ELCR at
 * 0x4D0/0x4D1 choosing edge or level triggering per line.
 *
 * It is the bus's interrupt controller (the CPU asks {@link hasPendingInterrupt} and runs
 * the INTA cycle with {@link acknowledge}) and the IRQ sink every line change reaches.
 * Bus IRQ 2 goes to slave IR1 together with IRQ 9, as the AT wires the ISA slot's IRQ2 pin.
 */
@injectable()
export class PicPair implements Device, InterruptController, IrqSink {
  private readonly master = new PicChip("master");
  private readonly slave = new PicChip("slave");
  /** Bus IRQ levels 0..15 (bit n = IRQ n). */
  private lines = 0;
  /** The bus whose CPU is told when INTR may have risen; unset until attached. */
  private bus: Bus | undefined;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: PicOptions,
  ) {}

  attach(bus: Bus): void {
    const chipPorts = (chip: PicChip) => ({
      read8: (offset: number) => this.readChip(chip, offset),
      write8: (offset: number, value: number) => this.writeChip(chip, offset, value),
    });
    bus.ports.claim({ owner: this.id, base: MASTER_PORT, count: 2, handlers: chipPorts(this.master) });
    bus.ports.claim({ owner: this.id, base: SLAVE_PORT, count: 2, handlers: chipPorts(this.slave) });
    if (this.options.elcr) {
      bus.ports.claim({
        owner: this.id,
        base: ELCR_PORT,
        count: 2,
        handlers: {
          read8: (offset) => this.chipAt(offset).edgeLevelControl,
          write8: (offset, value) => {
            this.chipAt(offset).edgeLevelControl = value & ELCR_WRITABLE[offset & 1];
            this.updateCascade();
          },
        },
      });
    }
    this.bus = bus;
    bus.setInterruptController(this.id, this);
    bus.irqs.connect(this.id, this);
  }

  /** Power-on state of both chips (see {@link PicChip.powerOn}); bus line levels are kept. */
  reset(): void {
    this.master.powerOn();
    this.slave.powerOn();
    this.updateCascade();
  }

  /** A bus IRQ line changed level. Lines beyond 15 are not wired to the pair. */
  setIrqLevel(line: number, high: boolean): void {
    if (!Number.isInteger(line) || line < 0 || line > 15) return;
    this.lines = high ? this.lines | (1 << line) : this.lines & ~(1 << line);
    if (line === 2 || line === 9) {
      this.slave.setInput(1, (this.lines & ((1 << 2) | (1 << 9))) !== 0);
    } else if (line < 8) {
      this.master.setInput(line, high);
    } else {
      this.slave.setInput(line - 8, high);
    }
    this.updateCascade();
  }

  /** The master's INT output: the CPU's INTR pin. */
  hasPendingInterrupt(): boolean {
    return this.master.intOutput;
  }

  /**
   * Whether any IRQ line could still interrupt the CPU without the CPU reprograming the pair:
   * false when every line is masked at the master or the slave, locked out by a level in
   * service that awaits its EOI, or a chip is uninitialised. A CPU halted with IF=1 then
   * sleeps for good.
   */
  canInterrupt(): boolean {
    const slaveInputs = this.master.hasSlaveOn(CASCADE_IR) && this.slave.couldRequest(0xff) ? 1 << CASCADE_IR : 0;
    return this.master.couldRequest((0xff & ~(1 << CASCADE_IR)) | slaveInputs);
  }

  /**
   * The INTA cycle (8259A datasheet, "Interrupt sequence"). The master commits to its
   * highest request; if that input has a slave, the slave whose ID matches commits to its
   * own and supplies the vector. A request that went away before INTA gives the "default
   * IR7" of the chip concerned: vector base+7 with no ISR bit set in that chip, while the
   * master still sets its ISR bit for the cascade input when the slave is the one with
   * nothing to give (spurious IRQ 15). QEMU's pic_read_irq behaves the same.
   */
  acknowledge(): number {
    const level = this.master.requestedLevel();
    if (level < 0) return this.master.vector(7);
    let vector: number;
    if (this.master.hasSlaveOn(level)) {
      if (level === CASCADE_IR && this.slave.answersCascade(CASCADE_IR)) {
        const slaveLevel = this.slave.requestedLevel();
        if (slaveLevel >= 0) this.slave.acknowledge(slaveLevel);
        vector = this.slave.vector(slaveLevel >= 0 ? slaveLevel : 7);
      } else {
        vector = FLOATING_BUS_VECTOR;
      }
    } else {
      vector = this.master.vector(level);
    }
    this.master.acknowledge(level);
    this.updateCascade();
    return vector;
  }

  saveState(): JsonValue {
    return pairState.save({
      version: 1,
      lines: this.lines,
      master: this.master.saveState(),
      slave: this.slave.saveState(),
    });
  }

  loadState(state: JsonValue): void {
    const s = pairState.load(state, `${this.id} state`);
    this.lines = s.lines;
    this.master.loadState(s.master);
    this.slave.loadState(s.slave);
    this.updateCascade();
  }

  private chipAt(offset: number): PicChip {
    return offset & 1 ? this.slave : this.master;
  }

  private readChip(chip: PicChip, offset: number): number {
    const value = chip.read(offset);
    this.updateCascade();
    return value;
  }

  private writeChip(chip: PicChip, offset: number, value: number): void {
    if (offset & 1) chip.writeData(value);
    else chip.writeCommand(value);
    this.updateCascade();
  }

  /**
   * Carries the slave's INT output to master IR2, as the board's wire does, after anything
   * that may change what the chips request; and when the master's INT (the CPU's INTR) is
   * then high, tells the CPU, which takes it at the next instruction boundary if IF allows.
   */
  private updateCascade(): void {
    this.master.setInput(CASCADE_IR, this.slave.intOutput);
    if (this.master.intOutput) this.bus?.interruptRequestChanged();
  }
}

/** The PIC pair plugin: `{ type: "pic" }` in a machine config. */
export const picPlugin = defineDevicePlugin({
  name: "pic",
  description: "Intel 8259A PIC pair (master 0x20, slave 0xA0 on IRQ 2) with the PIIX ELCR at 0x4D0",
  options,
  device: PicPair,
});
