; x87 — the floating-point unit as a guest sees it.
;
; First the computations of x87-cases.inc (constants, every load/store format, arithmetic
; in every operand form and precision/rounding mode, masked responses, comparisons, FCMOV,
; the register stack and its faults, FSTENV/FLDENV/FSAVE/FRSTOR, transcendentals), whose
; output the host's own x87 also produces (host/run-host.sh; expected-host.txt). Then what
; only a kernel can see, checked against Bochs 2.7:
;
;   - #NM for every combination of CR0.EM, MP and TS, for an x87 instruction, WAIT and a
;     non-waiting FNSTSW (SDM vol.3A §2.5 and table 2-2 "Action taken by x87 FPU
;     instructions for different combinations of EM, MP and TS");
;   - lazy FPU switching as operating systems do it: on a task switch the kernel only sets
;     CR0.TS; the next x87 instruction raises #NM, whose handler does CLTS, saves the
;     owner's state with FNSAVE and loads the new task's with FRSTOR (SDM vol.3A §13.4,
;     "Designing OS facilities for saving x87 FPU state"), twice over;
;   - an unmasked exception (ZE) reported the native way, CR0.NE = 1: #MF (vector 16) at the
;     next waiting x87 instruction, not at the one that caused it nor at FNSTSW, with the
;     status, instruction pointer and opcode the handler sees (SDM vol.1 §8.6, vol.3A §6.15
;     "Interrupt 16");
;   - the same exception the PC way, CR0.NE = 0: the FPU's FERR# output drives IRQ 13
;     through the slave 8259A, and the handler writes port 0xF0 to clear the latch before
;     FNCLEX (SDM vol.1 appendix D, "Guidelines for writing x87 FPU exception handlers").
;     How the FPU waits for that interrupt differs between parts (D.2.1: a 486 or later
;     freezes at the next waiting instruction; Bochs lets it finish), so only what the
;     handler sees is printed, not where it landed.

%include "boot.inc"
%include "x87/x87-cases.inc"       ; the cases and the CASE/SETCW macros

CR0_MP          equ 1 << 1
CR0_EM          equ 1 << 2
CR0_TS          equ 1 << 3
CR0_NE          equ 1 << 5
NO_FAULT        equ 0xFF
IRQ13_VECTOR    equ 0x28 + 5           ; the slave's IR5 (pic.inc maps IRQ 8-15 to 0x28)

; CR0_SET bits: CR0 = (CR0 without EM, MP, TS, NE) | bits.
%macro CR0_SET 1
        mov     eax, cr0
        and     eax, ~(CR0_MP | CR0_EM | CR0_TS | CR0_NE)
        or      eax, %1
        mov     cr0, eax
%endmacro

; PROBE instruction: run it with an expected exception armed; fault_vec is its vector
; afterwards, or NO_FAULT. A faulting instruction is skipped (exc_common resumes after it).
%macro PROBE 1+
        mov     dword [fault_vec], NO_FAULT
        mov     dword [fault_resume], %%after
        %1
%%after:
        mov     dword [fault_resume], 0
%endmacro

kmain:
        PRINT   `x87 guest\n`
        mov     eax, 1
        cpuid
        PRINT   `cpuid.1 edx.fpu=`
        mov     eax, edx
        and     eax, 1
        mov     cl, 1
        call    con_hex
        PRINT   `\n`

        CR0_SET CR0_MP | CR0_NE         ; what an OS with a native FPU runs with
        call    x87_cases

        call    nm_table
        call    lazy_switch
        call    mf_native
        call    mf_irq13

        PRINT   `x87 guest done\n`
        mov     al, EXIT_OK
        jmp     exit_status

; ---------------------------------------------------------------------------------------
; nm_table: for each EM, MP, TS: the vector FLD1, WAIT and FNSTSW AX raise (-- for none).
nm_table:
        xor     ebx, ebx                ; bits 2:0 = EM MP TS
.combo:
        CR0_SET CR0_NE
        fninit
        mov     edx, eax                ; CR0 with NE only of the four
        test    ebx, 4
        jz      .no_em
        or      edx, CR0_EM
.no_em:
        test    ebx, 2
        jz      .no_mp
        or      edx, CR0_MP
.no_mp:
        test    ebx, 1
        jz      .no_ts
        or      edx, CR0_TS
.no_ts:
        mov     cr0, edx
        PRINT   `nm em=`
        mov     eax, ebx
        shr     eax, 2
        call    print_bit
        PRINT   ` mp=`
        mov     eax, ebx
        shr     eax, 1
        call    print_bit
        PRINT   ` ts=`
        mov     eax, ebx
        call    print_bit
        PRINT   `: fld1 `
        PROBE   fld1
        call    print_fault
        PRINT   ` wait `
        PROBE   fwait
        call    print_fault
        PRINT   ` fnstsw `
        PROBE   fnstsw ax
        call    print_fault
        PRINT   `\n`
        inc     ebx
        cmp     ebx, 8
        jb      .combo
        CR0_SET CR0_MP | CR0_NE
        ret

; print_bit: EAX bit 0 as 0 or 1.
print_bit:
        push    eax
        push    ecx
        and     eax, 1
        mov     cl, 1
        call    con_hex
        pop     ecx
        pop     eax
        ret

; print_fault: fault_vec as two hex digits, or "--" for no fault.
print_fault:
        mov     eax, [fault_vec]
        cmp     eax, NO_FAULT
        jne     .vec
        PRINT   `--`
        ret
.vec:
        push    ecx
        mov     cl, 2
        call    con_hex
        pop     ecx
        ret

; ---------------------------------------------------------------------------------------
; lazy_switch: two tasks' x87 contexts switched through CR0.TS and #NM.
lazy_switch:
        mov     eax, 7
        mov     ebx, nm_handler
        mov     dl, GATE_INT
        call    idt_set
        fninit
        fnsave  [area_b]                ; B starts from the initial state
        mov     dword [fpu_owner], area_a
        mov     dword [fpu_current], area_a
        fldpi                           ; task A computes
        fld1
        mov     dword [fpu_current], area_b     ; "switch" to B: only TS is set
        CR0_SET CR0_MP | CR0_NE | CR0_TS
        fldl2e                          ; #NM: A saved, B loaded, then this runs
        fld     qword [f64_3]
        faddp   st1, st0
        mov     dword [fpu_current], area_a     ; back to A
        CR0_SET CR0_MP | CR0_NE | CR0_TS
        fadd    st0, st1                ; #NM: B saved, A loaded: 1 + pi
        PRINT   `lazy A`
        call    x87_report
        frstor  [area_b]
        PRINT   `lazy B`
        call    x87_report
        PRINT   `lazy #NM count=`
        mov     eax, [nm_count]
        call    con_dec
        PRINT   `\n`
        ; vector 7 back to the fatal stub
        mov     eax, 7
        mov     ebx, [exc_stub_table + 7 * 4]
        mov     dl, GATE_INT
        call    idt_set
        ret

; nm_handler: #NM (no error code). Give the FPU to the current task.
nm_handler:
        push    eax
        clts
        mov     eax, [fpu_owner]
        fnsave  [eax]
        mov     eax, [fpu_current]
        frstor  [eax]
        mov     [fpu_owner], eax
        inc     dword [nm_count]
        pop     eax
        iretd

; ---------------------------------------------------------------------------------------
; mf_native: an unmasked divide-by-zero with CR0.NE = 1.
mf_native:
        CR0_SET CR0_MP | CR0_NE
        fninit
        SETCW   CW_ZE_UNMASKED
        fld1
        fldz
mf_fdiv:
        fdiv    st1, st0                ; ZE unmasked: ES and B set, nothing delivered yet
        PROBE   fnstsw ax               ; never waits
        mov     [mf_sw], ax
        PRINT   `mf fnstsw `
        call    print_fault
        PRINT   ` sw=`
        movzx   eax, word [mf_sw]
        mov     cl, 4
        call    con_hex
        PRINT   ` wait `
        PROBE   fwait
        call    print_fault
        PRINT   ` fld1 `
        PROBE   fld1                    ; waits: #MF before it runs, the stack unchanged
        call    print_fault
        fnstenv [x87_env]
        PRINT   ` fip=mf_fdiv+`
        mov     eax, [x87_env + 12]
        sub     eax, mf_fdiv
        mov     cl, 8
        call    con_hex
        PRINT   ` fcs=`
        movzx   eax, word [x87_env + 16]
        mov     cl, 4
        call    con_hex
        PRINT   ` fop=`
        movzx   eax, word [x87_env + 18]
        mov     cl, 4
        call    con_hex
        PRINT   `\n`
        fldenv  [x87_env]               ; FNSTENV masked everything: put the state back
        fnclex
        PROBE   fwait
        PRINT   `mf after fnclex: wait `
        call    print_fault
        call    x87_report
        ret

; ---------------------------------------------------------------------------------------
; mf_irq13: the same exception with CR0.NE = 0: FERR# -> IRQ 13.
mf_irq13:
        CR0_SET CR0_MP
        call    pic_init
        mov     eax, IRQ13_VECTOR
        mov     ebx, irq13_handler
        mov     dl, GATE_INT
        call    idt_set
        mov     al, 0xFB                ; master: only IR2, the cascade
        mov     ah, 0xDF                ; slave: only IR5, IRQ 13
        call    pic_set_mask
        fninit
        SETCW   CW_ZE_UNMASKED
        fld1
        fldz
        fdiv    st1, st0
        PRINT   `irq13 before wait: count=`
        mov     eax, [irq13_count]
        call    con_dec
        sti
        fwait                           ; FERR#: IRQ 13 (where exactly: see the header)
        nop
        nop
        nop
        cli
        PRINT   ` after: count=`
        mov     eax, [irq13_count]
        call    con_dec
        PRINT   ` handler saw sw=`
        movzx   eax, word [irq13_sw]
        mov     cl, 4
        call    con_hex
        PRINT   `\n`
        ; and with the exception cleared, WAIT raises nothing
        sti
        fwait
        nop
        cli
        PRINT   `irq13 after fnclex: count=`
        mov     eax, [irq13_count]
        call    con_dec
        call    x87_report
        mov     al, 0xFF
        mov     ah, 0xFF
        call    pic_set_mask
        CR0_SET CR0_MP | CR0_NE
        ret

irq13_handler:
        push    eax
        fnstsw  ax
        mov     [irq13_sw], ax
        xor     al, al
        out     0xF0, al                ; clear the FERR# latch (and IGNNE#)
        fnclex
        mov     al, PIC_EOI
        out     PIC2_CMD, al
        out     PIC1_CMD, al
        inc     dword [irq13_count]
        pop     eax
        iretd

%include "console.inc"
%include "pic.inc"

section .data
        align   4
fpu_owner:      dd      0
fpu_current:    dd      0
nm_count:       dd      0
irq13_count:    dd      0
irq13_sw:       dw      0
mf_sw:          dw      0
                align   4
area_a:         times 108 db 0
area_b:         times 108 db 0

%include "end.inc"
