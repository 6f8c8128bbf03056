import type { BootableProcessor } from "../src/index.js";

/** A processor stand-in for loader tests: records the entry EIP and registers a loader sets. */
export class EntryRecorder implements BootableProcessor {
  eip = -1;
  regs = new Array<number>(8).fill(-1);
  codeSel = -1;
  dataSel = -1;
  gdtrBase = 0;
  gdtrLimit = 0xffff;
  setFlat32(eip: number, codeSel = 0x08, dataSel = 0x10): void {
    this.eip = eip;
    this.codeSel = codeSel;
    this.dataSel = dataSel;
  }
  setReg32(i: number, v: number): void {
    this.regs[i] = v >>> 0;
  }
  run() {
    return { kind: "halt" as const };
  }
  interruptsEnabled(): boolean {
    return false;
  }
}
