import { DEFAULT_LOWEST_PRIORITY, highestPriorityLevel, priorityRank } from "./priority.js";
import type { InitStep, PicChipState } from "./pic-state.js";

/**
 * Which way a chip is wired. On the PC/AT both 8259As run unbuffered, so the SP/EN pin
 * fixes the role (tied high on the master, low on the slave); ICW4's BUF and M/S bits are
 * kept but do not change it.
 */
export type PicRole = "master" | "slave";

// ICW1 bits (8259A datasheet, "Initialization command word format").
const ICW1_IC4 = 0x01;
const ICW1_SNGL = 0x02;
const ICW1_LTIM = 0x08;
const ICW1_INIT = 0x10;
// ICW4 bits.
const ICW4_AEOI = 0x02;
const ICW4_SFNM = 0x10;
// OCW3 bits.
const OCW3_SELECT = 0x08;
const OCW3_RIS = 0x01;
const OCW3_RR = 0x02;
const OCW3_POLL = 0x04;
const OCW3_SMM = 0x20;
const OCW3_ESMM = 0x40;
/** ICW1 step d: "the slave mode address is set to 7". */
const DEFAULT_SLAVE_ADDRESS = 7;

/**
 * One Intel 8259A programmable interrupt controller: eight IR inputs, the IRR/ISR/IMR
 * registers, the priority resolver and the initialisation/operation command words.
 *
 * It knows nothing of the bus: the PIC pair feeds it pin levels and port accesses, asks it
 * which level its INT output requests, and runs the INTA cycle through {@link acknowledge}.
 * No method throws, whatever the guest wrote.
 */
export class PicChip {
  private pins = 0;
  private irr = 0;
  private isr = 0;
  private imr = 0;
  private elcr = 0;
  private icw1 = 0;
  private icw2 = 0;
  private icw3 = 0;
  private icw4 = 0;
  private initStep: InitStep = "done";
  private initialised = false;
  private lowestPriority = DEFAULT_LOWEST_PRIORITY;
  private readIsr = false;
  private pollPending = false;
  private specialMask = false;
  private rotateOnAutoEoi = false;

  constructor(readonly role: PicRole) {}

  /**
   * Power-on state. The datasheet defines no power-on state: the chip must be initialised
   * with ICW1..ICW4 before use. ringlab models it as uninitialised (its INT output stays low
   * until a full ICW sequence completes), with every register zero as in QEMU's reset,
   * IR7 lowest priority and the ELCR all edge (PIIX ELCR default 00h). The input pin levels
   * are kept: other devices drive them, and a reset of the PIC does not change them.
   */
  powerOn(): void {
    this.irr = 0;
    this.isr = 0;
    this.imr = 0;
    this.elcr = 0;
    this.icw1 = 0;
    this.icw2 = 0;
    this.icw3 = 0;
    this.icw4 = 0;
    this.initStep = "done";
    this.initialised = false;
    this.lowestPriority = DEFAULT_LOWEST_PRIORITY;
    this.readIsr = false;
    this.pollPending = false;
    this.specialMask = false;
    this.rotateOnAutoEoi = false;
  }

  /**
   * A change of input pin IR`ir`. Level-triggered inputs put their level straight into the
   * IRR. Edge-triggered ones set the IRR bit on a rising edge, and it stays set when the
   * pin falls until the request is acknowledged. That is what QEMU's i8259 does and what
   * ringlab's `IrqLine.pulse()` relies on; the real chip's request latch is transparent
   * (datasheet, "Edge and level triggered modes": the IR input must stay high until the
   * first INTA or a default IR7 occurs), which Bochs follows by clearing the IRR bit.
   */
  setInput(ir: number, high: boolean): void {
    const bit = 1 << ir;
    const wasHigh = (this.pins & bit) !== 0;
    this.pins = high ? this.pins | bit : this.pins & ~bit;
    if (this.levelMask() & bit) {
      this.irr = high ? this.irr | bit : this.irr & ~bit;
    } else if (high && !wasHigh) {
      this.irr |= bit;
    }
  }

  /** The ELCR half for this chip (bit n = IRn level-triggered); read-only bits already masked. */
  get edgeLevelControl(): number {
    return this.elcr;
  }

  set edgeLevelControl(bits: number) {
    this.elcr = bits & 0xff;
    // A line switched to level mode reports its pin at once; one switched to edge mode keeps
    // whatever request it had latched (QEMU does the same).
    const level = this.levelMask();
    this.irr = (this.irr & ~level) | (this.pins & level);
  }

  /** A write with A0=0: ICW1, OCW2 or OCW3, told apart by D4 and D3. */
  writeCommand(value: number): void {
    value &= 0xff;
    if (value & ICW1_INIT) this.writeIcw1(value);
    else if (value & OCW3_SELECT) this.writeOcw3(value);
    else this.writeOcw2(value);
  }

  /** A write with A0=1: the next ICW while initialising, OCW1 (the IMR) otherwise. */
  writeData(value: number): void {
    value &= 0xff;
    switch (this.initStep) {
      case "icw2":
        this.icw2 = value;
        // Datasheet, "Initialization sequence" flowchart: ICW3 only in cascade mode, ICW4
        // only when ICW1 asked for it.
        if (!(this.icw1 & ICW1_SNGL)) this.initStep = "icw3";
        else if (this.icw1 & ICW1_IC4) this.initStep = "icw4";
        else this.finishInit();
        break;
      case "icw3":
        this.icw3 = value;
        if (this.icw1 & ICW1_IC4) this.initStep = "icw4";
        else this.finishInit();
        break;
      case "icw4":
        this.icw4 = value;
        this.finishInit();
        break;
      case "done":
        this.imr = value;
        break;
    }
  }

  /**
   * A read at A0=`a0`. After a poll command (OCW3 P=1) the next read at either address is
   * the poll (datasheet, "The poll command": the chip treats the next RD pulse as an
   * interrupt acknowledge). Otherwise A0=0 reads the IRR or ISR as OCW3 last chose, and
   * A0=1 reads the IMR.
   */
  read(a0: number): number {
    if (this.pollPending) return this.poll();
    if (a0 & 1) return this.imr;
    return this.readIsr ? this.isr : this.irr;
  }

  /**
   * The level the chip's INT output requests, or -1 when INT is low: the highest-priority
   * unmasked request that the in-service levels do not lock out.
   */
  requestedLevel(): number {
    if (!this.initialised || this.initStep !== "done") return -1;
    const requests = this.irr & ~this.imr;
    if (requests === 0) return -1;
    const level = highestPriorityLevel(requests, this.lowestPriority);
    const current = highestPriorityLevel(this.effectiveInService(), this.lowestPriority);
    if (current < 0) return level;
    const lowest = this.lowestPriority;
    // Fully nested mode: only a level of higher priority than every one in service may
    // interrupt (datasheet, "Fully nested mode").
    if (priorityRank(level, lowest) < priorityRank(current, lowest)) return level;
    // Special fully nested mode (datasheet, "The special fully nest mode", a.): while a
    // slave's level is the highest one in service, that slave is not locked out, so a new
    // higher-priority request inside the slave reaches the CPU. Other master levels of
    // lower priority stay locked out (QEMU's model instead drops the slave's ISR bit from
    // the comparison altogether).
    if (level === current && this.sfnm && this.hasSlaveOn(level)) return level;
    return -1;
  }

  /**
   * Whether a request on some of the IR inputs in `inputs` (bit n = IRn) could raise INT from
   * the chip's present state, with no command from the CPU: not when the chip is
   * uninitialised, when IMR masks them all, or when the levels in service lock them all out
   * (fully nested mode: the highest unmasked level is the one that would win, so if it is
   * locked out, every lower one is too).
   */
  couldRequest(inputs: number): boolean {
    const saved = this.irr;
    this.irr = inputs & 0xff;
    try {
      return this.requestedLevel() >= 0;
    } finally {
      this.irr = saved;
    }
  }

  /** The INT output pin. */
  get intOutput(): boolean {
    return this.requestedLevel() >= 0;
  }

  /**
   * The INTA cycle's commit for `level`: the ISR bit is set and the edge request cleared
   * (datasheet, "Interrupt sequence", step 4). In AEOI mode the EOI that would follow at the
   * end of the last INTA pulse leaves the ISR bit clear, rotating first if "rotate in AEOI"
   * is on (datasheet, "Automatic end of interrupt mode", "Automatic rotation").
   * A level-triggered request stays in the IRR while its pin is high.
   */
  acknowledge(level: number): void {
    const bit = 1 << level;
    if (this.icw4 & ICW4_AEOI) {
      if (this.rotateOnAutoEoi) this.lowestPriority = level;
    } else {
      this.isr |= bit;
    }
    if (!(this.levelMask() & bit)) this.irr &= ~bit;
  }

  /** The vector for `level`: ICW2 T7-T3 with the level in the low three bits (8086 mode). */
  vector(level: number): number {
    return (this.icw2 & 0xf8) | (level & 7);
  }

  /** Whether this master has a slave on input IR`ir` (cascade mode, ICW3 bit set). */
  hasSlaveOn(ir: number): boolean {
    return this.role === "master" && !(this.icw1 & ICW1_SNGL) && (this.icw3 & (1 << ir)) !== 0;
  }

  /**
   * Whether this slave puts its vector on the bus when the master selects cascade address
   * `id` on CAS0-2: its ICW3 slave ID matches (datasheet, "Cascade mode"), or it was set up
   * in single mode and so ignores the CAS lines.
   */
  answersCascade(id: number): boolean {
    if (!this.initialised || this.initStep !== "done") return false;
    return (this.icw1 & ICW1_SNGL) !== 0 || (this.icw3 & 7) === id;
  }

  /** The whole chip state as plain JSON. */
  saveState(): PicChipState {
    return {
      pins: this.pins,
      irr: this.irr,
      isr: this.isr,
      imr: this.imr,
      elcr: this.elcr,
      icw1: this.icw1,
      icw2: this.icw2,
      icw3: this.icw3,
      icw4: this.icw4,
      initStep: this.initStep,
      initialised: this.initialised,
      lowestPriority: this.lowestPriority,
      readIsr: this.readIsr,
      pollPending: this.pollPending,
      specialMask: this.specialMask,
      rotateOnAutoEoi: this.rotateOnAutoEoi,
    };
  }

  /** Restores a state from {@link saveState}; `state` must already be validated. */
  loadState(state: PicChipState): void {
    this.pins = state.pins;
    this.irr = state.irr;
    this.isr = state.isr;
    this.imr = state.imr;
    this.elcr = state.elcr;
    this.icw1 = state.icw1;
    this.icw2 = state.icw2;
    this.icw3 = state.icw3;
    this.icw4 = state.icw4;
    this.initStep = state.initStep;
    this.initialised = state.initialised;
    this.lowestPriority = state.lowestPriority;
    this.readIsr = state.readIsr;
    this.pollPending = state.pollPending;
    this.specialMask = state.specialMask;
    this.rotateOnAutoEoi = state.rotateOnAutoEoi;
  }

  /**
   * ICW1 starts the initialisation sequence. Datasheet, "Initialization command words":
   * (a) the edge sense circuit is reset, so an edge input must go low-to-high again to
   * request; (b) the IMR is cleared; (c) IR7 gets the lowest priority; (d) the slave mode
   * address is set to 7; (e) special mask mode is cleared and status read is set to IRR;
   * (f) without IC4 every ICW4 function is zero (non-buffered, no AEOI, MCS-80/85 mode).
   * The ISR is cleared too, as QEMU and Bochs do. A pending poll is dropped and "rotate in
   * AEOI" cleared, as in QEMU.
   */
  private writeIcw1(value: number): void {
    this.icw1 = value;
    this.icw3 = DEFAULT_SLAVE_ADDRESS;
    this.icw4 = 0;
    this.imr = 0;
    this.isr = 0;
    this.lowestPriority = DEFAULT_LOWEST_PRIORITY;
    this.specialMask = false;
    this.readIsr = false;
    this.pollPending = false;
    this.rotateOnAutoEoi = false;
    // Edge requests are forgotten; a level input that is high is a request at once.
    this.irr = this.pins & this.levelMask();
    this.initStep = "icw2";
  }

  private finishInit(): void {
    this.initStep = "done";
    this.initialised = true;
  }

  /**
   * OCW2: R, SL, EOI in D7-D5 and a level in L2-L0 (datasheet, "Operation command word
   * format", OCW2 table).
   */
  private writeOcw2(value: number): void {
    const level = value & 7;
    switch (value >> 5) {
      case 0b000: // rotate in automatic EOI mode (clear)
        this.rotateOnAutoEoi = false;
        break;
      case 0b100: // rotate in automatic EOI mode (set)
        this.rotateOnAutoEoi = true;
        break;
      case 0b001: // non-specific EOI
        this.nonSpecificEoi(false);
        break;
      case 0b101: // rotate on non-specific EOI
        this.nonSpecificEoi(true);
        break;
      case 0b011: // specific EOI
        this.isr &= ~(1 << level);
        break;
      case 0b111: // rotate on specific EOI: the level EOI'd becomes the lowest priority
        this.isr &= ~(1 << level);
        this.lowestPriority = level;
        break;
      case 0b110: // set priority command: L2-L0 becomes the lowest priority
        this.lowestPriority = level;
        break;
      case 0b010: // no operation
        break;
    }
  }

  /**
   * Clears the highest-priority ISR bit, which in fully nested mode is the level last
   * acknowledged (datasheet, "End of interrupt"). In special mask mode an ISR bit masked by
   * the IMR is not cleared by a non-specific EOI (same section). With `rotate`, the level
   * cleared becomes the lowest priority ("Automatic rotation").
   */
  private nonSpecificEoi(rotate: boolean): void {
    const level = highestPriorityLevel(this.effectiveInService(), this.lowestPriority);
    if (level < 0) return;
    this.isr &= ~(1 << level);
    if (rotate) this.lowestPriority = level;
  }

  /** OCW3: special mask mode (with ESMM), poll (P) and the read register select (RR, RIS). */
  private writeOcw3(value: number): void {
    if (value & OCW3_ESMM) this.specialMask = (value & OCW3_SMM) !== 0;
    if (value & OCW3_RR) this.readIsr = (value & OCW3_RIS) !== 0;
    // With both P and RR set the poll wins the next read (the OCW3 description gives poll
    // precedence); the register select still applies to the reads after it, as in QEMU.
    if (value & OCW3_POLL) this.pollPending = true;
  }

  /**
   * The poll read: I (D7) set and the highest requesting level in W2-W0 when there is a
   * request, which is then acknowledged as by an INTA; 0 when there is none (datasheet,
   * "The poll command", poll word format).
   */
  private poll(): number {
    this.pollPending = false;
    const level = this.requestedLevel();
    if (level < 0) return 0;
    this.acknowledge(level);
    return 0x80 | level;
  }

  /**
   * The in-service levels that lock out lower priorities. In special mask mode a level
   * masked in the IMR no longer does: "when a mask bit is set in OCW1, it inhibits further
   * interrupts at that level and enables interrupts from all other levels (lower as well
   * as higher) that are not masked" (datasheet, "Special mask mode").
   */
  private effectiveInService(): number {
    return this.specialMask ? this.isr & ~this.imr : this.isr;
  }

  /** Inputs that are level-triggered: all of them with ICW1 LTIM, else those set in the ELCR. */
  private levelMask(): number {
    return this.icw1 & ICW1_LTIM ? 0xff : this.elcr;
  }

  private get sfnm(): boolean {
    return (this.icw4 & ICW4_SFNM) !== 0;
  }
}
