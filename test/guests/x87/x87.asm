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
;     handler sees is printed, not where it landed;
;   - the 16-bit and real-mode images of FNSTENV/FNSAVE (SDM vol.1 §8.1.10, figures 8-9 to
;     8-12): o16 forms in protected mode, and, in real mode, the 16- and 32-bit forms,
;     whose instruction and operand pointers are 20-bit linear addresses, with FRSTOR of a
;     16-bit real-mode image.

; 16-bit code and data segments (base 0, limit 64 KiB) to leave protected mode through,
; SDM vol.3A §9.9.2 "Switching Back to Real-Address Mode".
RMCODE16        equ 0x30
RMDATA16        equ 0x38
%macro GDT_EXTRA 0
        DESCRIPTOR 0, 0xFFFF, 0x9B, 0           ; 0x30 16-bit code, accessed
        DESCRIPTOR 0, 0xFFFF, 0x93, 0           ; 0x38 16-bit data, accessed
%endmacro

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
        call    env16_protected
        call    env_real_mode

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

; ---------------------------------------------------------------------------------------
; dump_words: ESI = image, ECX = number of 16-bit words to print (space-separated).
dump_words:
        pushad
.w:
        PRINT   ` `
        movzx   eax, word [esi]
        push    ecx
        mov     cl, 4
        call    con_hex
        pop     ecx
        add     esi, 2
        loop    .w
        popad
        ret

; env16_protected: the 16-bit protected-mode FNSTENV and FNSAVE images (o16), and FLDENV
; of a 16-bit image with another control word.
env16_protected:
        fninit
        fldpi
        fld     qword [f64_3]
        o16 fnstenv [x87_env]
        PRINT   `pm16 fnstenv`
        mov     esi, x87_env
        mov     ecx, 7
        call    dump_words
        PRINT   `\n`
        mov     word [x87_env], CW_RC_DOWN
        o16 fldenv [x87_env]
        fld1
        fdiv    st0, st1                ; 1/3 rounded down
        o16 fnsave [area_a]
        PRINT   `pm16 fnsave`
        mov     esi, area_a
        mov     ecx, 7 + 5
        call    dump_words              ; the header and ST(0)
        PRINT   `\n`
        o16 frstor [area_a]
        PRINT   `pm16 frstor`
        call    x87_report
        ret

RM_BASE         equ 0x7000              ; the real-mode code is copied here
RM_RES          equ 0x6000              ; the images it stores
%define RM(l) (RM_BASE + (l) - rm_start)

; env_real_mode: FNSTENV, o32 FNSTENV, FNSAVE, FRSTOR and o32 FNSAVE in real mode.
env_real_mode:
        mov     esi, rm_start
        mov     edi, RM_BASE
        mov     ecx, rm_end - rm_start
        rep movsb
        mov     [rm_esp], esp
        jmp     RMCODE16:RM(rm_start)
.back:
        mov     ax, KDATA
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, [rm_esp]
        PRINT   `real fnstenv16`
        mov     esi, RM_RES
        mov     ecx, 7
        call    dump_words
        PRINT   `\nreal fnstenv32`
        mov     esi, RM_RES + 16
        mov     ecx, 14
        call    dump_words
        PRINT   `\nreal fnsave16`
        mov     esi, RM_RES + 48
        mov     ecx, 7 + 10
        call    dump_words              ; the header, ST(0) and ST(1)
        PRINT   `\nreal frstor16, o32 fnsave`
        mov     esi, RM_RES + 144
        mov     ecx, 14 + 10
        call    dump_words
        PRINT   `\n`
        ret

        bits    16
rm_start:
        mov     ax, RMDATA16
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     eax, cr0
        and     al, 0xFE
        mov     cr0, eax
        jmp     0:RM(.real)
.real:
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, RM_BASE
        fninit
        fldpi
        fld     dword [RM(rm_third)]    ; FIP and FDP: the linear addresses of these
        fnstenv [RM_RES]                ; 16-bit real-mode image, 14 bytes
        fldl2e
        o32 fnstenv [RM_RES + 16]       ; 32-bit real-mode image, 28 bytes
        fnsave  [RM_RES + 48]           ; 16-bit real-mode image, 94 bytes
        frstor  [RM_RES + 48]
        o32 fnsave [RM_RES + 144]       ; 32-bit real-mode image, 108 bytes
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword KCODE:env_real_mode.back
rm_third:
        dd      0x3EAAAAAB
rm_end:
        bits    32

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
rm_esp:         dd      0

%include "end.inc"
