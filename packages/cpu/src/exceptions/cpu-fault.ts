/**
 * A processor exception raised while executing an instruction. Handlers throw it; the run
 * loop catches it, rewinds EIP to the faulting instruction and delivers the vector (through
 * the host exit hook first, then the guest IDT). Throwing keeps the fault-free path of every
 * handler free of error checks.
 */
export class CpuFault {
  constructor(
    readonly vector: number,
    /** The error code, or -1 when the vector pushes none. */
    readonly errorCode: number,
    /**
     * EIP the fault reports when it is not the current instruction's: a fault raised after a
     * task switch committed belongs to the new task (SDM vol.3 §7.3 step 12). -1 = rewind.
     */
    readonly eip = -1,
  ) {}
}

/** Raises exception `vector` (with `errorCode`, when the vector has one). */
export function fault(vector: number, errorCode = -1): never {
  throw new CpuFault(vector, errorCode);
}

/**
 * A guest did something this core does not model yet (e.g. a privilege change through an
 * interrupt gate before the system-architecture work lands). `run()` turns it into a
 * `shutdown` stop naming the feature, instead of guessing at behaviour.
 */
export class Unimplemented {
  constructor(readonly what: string) {}
}

export function unimplemented(what: string): never {
  throw new Unimplemented(what);
}
