#!/usr/bin/python3
"""Runs a batch of x86 test cases in Unicorn (32-bit mode, flat address space).

Part of ringlab's CPU differential-testing harness (see test/diff/ and the package README).
Unicorn 2.0.1 comes from Debian's `python3-unicorn`, installed for /usr/bin/python3 only.

stdin: one JSON document
  {"regions": [{"addr": int, "size": int}, ...],      # pages to map (code, data, stack), 4 KiB aligned
   "cases": [{"id": str,
              "org": int, "code": hex,                 # code bytes placed at org
              "regs": [EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI],
              "eflags": int,
              "fill": [[addr, hex], ...],              # pre-filled memory, applied in order
              "count": int,                            # instruction budget (stop early at org+len(code))
              "gdt": [base, limit],                    # optional: GDTR, then CS=0x08, SS/DS/ES/FS/GS=0x10
                                                       # loaded from that GDT (ringlab's setFlat32 selectors)
              "paging": bool}]}                        # optional: the case enables paging itself (MOV CR3/CR4/CR0)
stdout: JSON lines, one per case as soon as it has run (flushed, so that if Unicorn kills the
process on some case, the cases before it are not lost and the crashing one is known):
  {"id": str, "regs": [...8], "eip": int, "eflags": int,
   "mem": [[addr, hex], ...],   # every run of bytes that differs from the initial memory image
   "executed": int,             # instructions Unicorn reported through its code hook
   "stop": {"kind": "end"} | {"kind": "count"} | {"kind": "exception", "vector": int}
         | {"kind": "error", "message": str},
   "sregs": [ES, CS, SS, DS, FS, GS],                    # selectors (compared for "gdt" cases only)
   "cr2": int}                                           # CR2 (compared for "paging" cases only)

See Engine for how one Unicorn instance is reused safely across the cases of a batch.
"""
import json
import sys

try:
    from unicorn import Uc, UcError, UC_ARCH_X86, UC_MODE_32, UC_HOOK_INTR, UC_HOOK_CODE
    from unicorn import (UC_ERR_INSN_INVALID, UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_UNMAPPED,
                         UC_ERR_FETCH_UNMAPPED, UC_ERR_READ_PROT, UC_ERR_WRITE_PROT, UC_ERR_FETCH_PROT)
    from unicorn import x86_const as X
except ImportError as e:  # the TS side turns this into a loud failure with the apt-get hint
    sys.stderr.write("unicorn_runner: cannot import unicorn (%s); install it with: apt-get install -y python3-unicorn\n" % e)
    sys.exit(3)

SREGS = [X.UC_X86_REG_ES, X.UC_X86_REG_CS, X.UC_X86_REG_SS, X.UC_X86_REG_DS, X.UC_X86_REG_FS, X.UC_X86_REG_GS]

GPRS = [X.UC_X86_REG_EAX, X.UC_X86_REG_ECX, X.UC_X86_REG_EDX, X.UC_X86_REG_EBX,
        X.UC_X86_REG_ESP, X.UC_X86_REG_EBP, X.UC_X86_REG_ESI, X.UC_X86_REG_EDI]

UNMAPPED = {UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_UNMAPPED, UC_ERR_FETCH_UNMAPPED,
            UC_ERR_READ_PROT, UC_ERR_WRITE_PROT, UC_ERR_FETCH_PROT}


def changed_runs(base, before, after):
    """[[addr, hex]] for every maximal run of bytes where `after` differs from `before`."""
    if before == after:
        return []
    diff = []
    chunk = 64
    for c in range(0, len(after), chunk):  # skip equal chunks quickly, then look at bytes
        if before[c:c + chunk] != after[c:c + chunk]:
            diff.extend(i for i in range(c, min(c + chunk, len(after))) if before[i] != after[i])
    runs = []
    start = prev = None
    for i in diff:
        if start is not None and i == prev + 1:
            prev = i
            continue
        if start is not None:
            runs.append([base + start, after[start:prev + 1].hex()])
        start = prev = i
    if start is not None:
        runs.append([base + start, after[start:prev + 1].hex()])
    return runs


class Engine:
    """One Unicorn instance with the regions mapped and the hooks installed.

    Reused across cases (creating one costs ~2-5 ms, more than a case): before each case the
    regions are rewritten, the translation cache is dropped (Unicorn 2.0.1 otherwise keeps
    executing stale translated code after mem_write), and registers are reset. After a case
    that stopped on an exception or error the engine is discarded, so no state can leak.
    """

    def __init__(self, regions):
        self.uc = Uc(UC_ARCH_X86, UC_MODE_32)
        self.regions = regions
        for r in regions:
            self.uc.mem_map(r["addr"], r["size"])
        self.vector = None
        self.executed = 0

        def on_intr(uc_, intno, _ud):
            # Unicorn reports CPU exceptions (#DE ...) and INT n here; the guest has no IDT, so stop.
            self.vector = intno
            uc_.emu_stop()

        def on_code(_uc, _addr, _size, _ud):
            self.executed += 1

        self.uc.hook_add(UC_HOOK_INTR, on_intr)
        self.uc.hook_add(UC_HOOK_CODE, on_code)


def run_case(engine, case):
    regions = engine.regions
    uc = engine.uc
    image = {r["addr"]: bytearray(r["size"]) for r in regions}

    def poke(addr, data):
        for base, buf in image.items():
            if base <= addr and addr + len(data) <= base + len(buf):
                buf[addr - base:addr - base + len(data)] = data
                return
        raise ValueError("fill at 0x%x+%d is outside the mapped regions" % (addr, len(data)))

    code = bytes.fromhex(case["code"])
    org = case["org"]
    poke(org, code)
    for addr, hx in case.get("fill", []):
        poke(addr, bytes.fromhex(hx))
    for base, buf in image.items():
        uc.mem_write(base, bytes(buf))
        uc.ctl_remove_cache(base, base + len(buf))
    for reg, v in zip(GPRS, case["regs"]):
        uc.reg_write(reg, v & 0xFFFFFFFF)
    uc.reg_write(X.UC_X86_REG_EFLAGS, case["eflags"] & 0xFFFFFFFF)
    if "gdt" in case:
        # Protected mode with the case's own GDT: writing a selector makes Unicorn load the
        # descriptor (checks included) from it, like ringlab's setFlat32 state (CS=08, data=10).
        base, limit = case["gdt"]
        uc.reg_write(X.UC_X86_REG_GDTR, (0, base, limit, 0))
        uc.reg_write(X.UC_X86_REG_CS, 0x08)
        for reg in (X.UC_X86_REG_SS, X.UC_X86_REG_DS, X.UC_X86_REG_ES, X.UC_X86_REG_FS, X.UC_X86_REG_GS):
            uc.reg_write(reg, 0x10)
    uc.reg_write(X.UC_X86_REG_EIP, org)
    engine.vector = None
    engine.executed = 0

    end = org + len(code)
    stop = None
    try:
        uc.emu_start(org, end, 0, case["count"])
    except UcError as e:
        if e.errno == UC_ERR_INSN_INVALID:
            stop = {"kind": "exception", "vector": 6}
        elif e.errno in UNMAPPED:
            stop = {"kind": "error", "message": "unmapped/protected access: %s" % e}
        else:
            stop = {"kind": "error", "message": str(e)}
    eip = uc.reg_read(X.UC_X86_REG_EIP)
    if stop is None:
        if engine.vector is not None:
            stop = {"kind": "exception", "vector": engine.vector}
        elif eip == end:
            stop = {"kind": "end"}
        else:
            stop = {"kind": "count"}
    mem = []
    for base, buf in image.items():
        after = bytes(uc.mem_read(base, len(buf)))
        mem.extend(changed_runs(base, bytes(buf), after))
    return {"id": case["id"], "regs": [uc.reg_read(r) for r in GPRS], "eip": eip,
            "eflags": uc.reg_read(X.UC_X86_REG_EFLAGS), "mem": mem,
            "executed": engine.executed, "stop": stop, "sregs": [uc.reg_read(r) for r in SREGS],
            "cr2": uc.reg_read(X.UC_X86_REG_CR2)}


def main():
    batch = json.load(sys.stdin)
    regions = batch["regions"]
    engine = None
    for case in batch["cases"]:
        try:
            if engine is None:
                engine = Engine(regions)
            res = run_case(engine, case)
            # A case that loaded segment registers or control registers leaves them behind:
            # start the next one on a fresh engine.
            if res["stop"]["kind"] not in ("end", "count") or "gdt" in case or case.get("paging"):
                engine = None
        except Exception as e:  # a harness bug for one case must not hide the others
            engine = None
            res = {"id": case.get("id"), "stop": {"kind": "error", "message": "runner: %r" % (e,)},
                   "regs": [0] * 8, "eip": 0, "eflags": 0, "mem": [], "executed": 0}
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
