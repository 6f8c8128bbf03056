; sensitive — the 17 sensitive-but-unprivileged IA-32 instructions of Robin & Irvine
; ("Analysis of the Intel Pentium's Ability to Support a Secure Virtual Machine Monitor",
; USENIX Security 2000): SGDT, SIDT, SLDT, SMSW, STR, PUSHF, POPF, LAR, LSL, VERR, VERW,
; MOV/PUSH/POP of segment registers, far CALL, far JMP, far RET, INT n.
;
; None of them is privileged (none raises #GP(0) merely because CPL > 0), yet each one
; reveals or depends on privileged state: the descriptor-table registers, CR0, IF/IOPL,
; or the CPL through selector RPLs and descriptor DPL checks. A monitor that runs a guest kernel deprivileged must make every line printed
; here come out exactly as on a real CPU, at guest ring 0 and at guest ring 3.
;
; The same probe routine runs twice: first at CPL 0 (called from kmain), then at CPL 3
; (after an IRET to ring 3). Each line is "ring<CPL> <instruction>: <what was seen>". All
; output goes through INT 0x80 at both levels, so the printing path is the same.
; Two control lines at the end (CLI, MOV from CR0) are privileged instructions, which
; must fault at CPL 3: the contrast that makes the others "sensitive but unprivileged".
;
; Faults that a probe provokes on purpose are caught by exc_common (boot.inc): a probe
; arms fault_resume before the instruction; the handler records vector and error code and
; resumes there at the same CPL. Ring-3 code writes those kernel variables directly: with
; flat segments and no paging all memory is reachable from ring 3 — a test convenience.

; Extra GDT entries (emitted by boot.inc after the standard six):
LDT_SEL         equ 0x30
GATE_SEL        equ 0x38 | 3            ; call gate, DPL 3, selector with RPL 3
LDT_DATA        equ (1 << 3) | 4 | 3    ; LDT entry 1, TI=1, RPL 3 -> 0x000f
%macro GDT_EXTRA 0
        ; 0x30: LDT descriptor (S=0 type 0010, DPL 0), SDM vol.3A §3.5.1
        DESCRIPTOR ABS(ldt), ldt_end - ldt - 1, 0x82, 0
        ; 0x38: 32-bit call gate (type 1100), DPL 3, to KCODE:gate_target, 0 parameters
        ; (SDM vol.3A §5.8.3, Figure 5-8)
        dw ABS(gate_target) & 0xFFFF
        dw KCODE
        db 0
        db 0xEC
        dw ABS(gate_target) >> 16
%endmacro

%include "boot.inc"

SYS_BACK        equ 5                   ; back to the ring-0 probe after the far-RET test

kmain:
        PRINT   `sensitive: the 17 sensitive unprivileged instructions (Robin & Irvine 2000), at CPL 0 then CPL 3\n`
        call    syscall_install
        mov     eax, 0x81               ; a DPL-3 interrupt gate: INT 81 works from ring 3
        mov     ebx, probe_int_handler
        mov     dl, GATE_INT_DPL3
        call    idt_set
        mov     eax, 0x82               ; a DPL-0 interrupt gate: INT 82 from ring 3 is #GP
        mov     dl, GATE_INT
        call    idt_set

        ; Interrupts are enabled during the probes (so PUSHF/POPF show a real IF=1), which
        ; is safe only with every 8259 line masked: under QEMU the BIOS left IRQ 0 open.
        call    pic_init

        mov     ax, LDT_SEL             ; an LDT, so that SLDT has something to show
        lldt    ax

        ; Fix the low word of CR0 that SMSW shows: PE (bit 0), MP (1), ET (4), NE (5);
        ; EM and TS clear (SDM vol.3A §2.5). The rest of CR0 is left as the loader set it.
        mov     eax, cr0
        and     eax, 0xFFFF0000
        or      eax, 0x0033
        mov     cr0, eax

        ; Ring 3 -> ring 0 transitions (INT, call gate, faults) land on their own stack,
        ; not on the boot stack the ring-0 probes are still using.
        mov     dword [tss_esp0], trap_stack_top

        sti
        call    probes                  ; at CPL 0
        cli

        mov     eax, ring3_main
        mov     edx, user_stack_top
        mov     ecx, 0x202              ; IF=1, IOPL=0
        jmp     enter_ring3

ring3_main:
        call    probes                  ; at CPL 3
        mov     eax, SYS_EXIT
        int     SYSCALL_VECTOR

; ---------------------------------------------------------------------------------------
SYSCALL_COUNT   equ 6
[section .data]
syscall_table:
        dd sys_finish, sys_puts, sys_puthex, sys_putdec, sys_putc, sys_back
__SECT__

sys_finish:
        PRINT   `sensitive: done\n`
        mov     al, EXIT_OK
        jmp     exit_status

; SYS_BACK: called from ring 3 by the stub the ring-0 far-RET probe returned to. Drop this
; system-call frame and continue the ring-0 probe where it left off.
sys_back:
        mov     esp, [back_esp]
        mov     ax, KDATA
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        sti                             ; the INT 0x80 gate had cleared IF
        jmp     [back_eip]

; ---------------------------------------------------------------------------------------
; Helpers for the probes. They all work at either CPL and keep all registers except EAX.

; TRY resume_label: arm the fault trap. CATCH resume_label: end of the guarded code; both
; paths (no fault, fault) arrive at the label with the ESP that TRY saw. SS overrides:
; the guarded code may leave DS unusable (a null selector, say); SS is always valid.
%macro TRY 1
        mov     [ss:probe_esp], esp
        mov     dword [ss:fault_vec], -1
        mov     dword [ss:fault_resume], %1
%endmacro
%macro CATCH 1
        mov     dword [ss:fault_resume], 0
%1:
        mov     esp, [ss:probe_esp]
        push    eax                     ; DS/ES back to this level's data selector, which
        mov     ax, ss                  ; is what SS holds at both levels (0010 or 0023)
        mov     ds, ax
        mov     es, ax
        pop     eax
%endmacro

; LINE `name`: start an output line "ring<CPL> name: ".
%macro LINE 1
        UPRINT  `ring`
        UDEC    [cur_ring]
        UPRINT  %1
%endmacro

; show_result: print "ok" or the exception caught, e.g. "#GP(0010)".
show_result:
        cmp     dword [fault_vec], -1
        jne     .fault
        UPRINT  `ok`
        ret
.fault:
        push    ebx
        mov     eax, [fault_vec]
        mov     ebx, exc_name_other
        cmp     eax, 13
        jne     .not_gp
        mov     ebx, exc_name_gp
.not_gp:
        cmp     eax, 11
        jne     .not_np
        mov     ebx, exc_name_np
.not_np:
        cmp     eax, 12
        jne     .not_ss
        mov     ebx, exc_name_ss
.not_ss:
        mov     eax, SYS_PUTS
        int     SYSCALL_VECTOR
        UPRINT  `(`
        UHEX    [fault_err], 4
        UPRINT  `)`
        pop     ebx
        ret

; show_landed: after a successful far RET, " (landed at cs=xxxx)".
show_landed:
        cmp     dword [fault_vec], -1
        jne     .no
        UPRINT  ` (landed at cs=`
        UHEX    [retf_cs], 4
        UPRINT  `)`
.no:
        ret

; print_selector: " ssss=" for the selector in the low word of EBX.
print_selector:
        UPRINT  ` `
        UHEX    ebx, 4
        UPRINT  `=`
        ret

; The selectors the descriptor-check instructions are tried on: null, ring-0 code and
; data, ring-3 code and data, TSS, LDT, call gate, and a ring-3 data segment in the LDT.
[section .data]
check_selectors: dw 0x0000, KCODE, KDATA, UCODE, UDATA, TSS_SEL, LDT_SEL, GATE_SEL, LDT_DATA
CHECK_COUNT     equ ($ - check_selectors) / 2
exc_name_gp:    db "#GP", 0
exc_name_np:    db "#NP", 0
exc_name_ss:    db "#SS", 0
exc_name_other: db "#exception", 0
__SECT__

; SCAN `name`, body: one line with the result of `body` on every check selector. The body
; gets the selector in BX (upper EBX zero), sets ZF=1 for "valid" and may leave a value in
; EAX; the third argument says whether that value is printed (1: hex) or just yes/no (0).
%macro SCAN 3                           ; %1 line name, %2 body macro, %3 1=value 0=yes/no
        LINE    %1
        push    esi
        push    ebx
        xor     esi, esi
%%next:
        movzx   ebx, word [check_selectors + esi * 2]
        call    print_selector
        %2
        jnz     %%invalid
 %if %3
        UHEX    eax, 8
 %else
        UPRINT  `yes`
 %endif
        jmp     %%done
%%invalid:
 %if %3
        UPRINT  `fail`
 %else
        UPRINT  `no`
 %endif
%%done:
        inc     esi
        cmp     esi, CHECK_COUNT
        jb      %%next
        UPRINT  `\n`
        pop     ebx
        pop     esi
%endmacro

; LAR keeps bits 8-23 of the descriptor's second dword, but bits 16-19 (limit 19:16) are
; undefined (SDM vol.2 LAR: "masked by 00FxFF00H"), so they are cleared before printing.
%macro BODY_LAR 0
        lar     eax, bx
        pushfd
        and     eax, 0x00F0FF00
        popfd
%endmacro
%macro BODY_LSL 0
        lsl     eax, bx
%endmacro
%macro BODY_VERR 0
        verr    bx
%endmacro
%macro BODY_VERW 0
        verw    bx
%endmacro

; GUARD `text` ... END_GUARD: print " text", run the lines in between with the fault
; trap armed, then print the result ("ok" or the exception).
%macro GUARD 1
        UPRINT  %1
 %push guard
        TRY     %$resume
%endmacro
%macro END_GUARD 0
        CATCH   %$resume
 %pop
        call    show_result
%endmacro

; ---------------------------------------------------------------------------------------
; probes: print every observation at the current CPL.
probes:
        pushad
        mov     eax, cs                 ; RPL of CS = CPL (SDM vol.3A §5.5)
        and     eax, 3
        mov     [cur_ring], eax

        ; --- SGDT / SIDT: the table registers, readable at any CPL (SDM vol.2 SGDT).
        sgdt    [table_reg]
        LINE    ` sgdt: base=`
        UHEX    [table_reg + 2], 8
        UPRINT  ` limit=`
        movzx   eax, word [table_reg]
        UHEX    eax, 4
        UPRINT  `\n`

        sidt    [table_reg]
        LINE    ` sidt: base=`
        UHEX    [table_reg + 2], 8
        UPRINT  ` limit=`
        movzx   eax, word [table_reg]
        UHEX    eax, 4
        UPRINT  `\n`

        ; --- SLDT / STR: the LDTR and TR selectors.
        xor     eax, eax
        sldt    ax
        LINE    ` sldt: `
        UHEX    eax, 4
        UPRINT  `\n`

        ; --- SMSW: CR0 bits 15:0 (PE MP EM TS ET NE). With a register destination the
        ; upper half of EAX is undefined for 32-bit operands, so only AX is shown.
        xor     eax, eax
        smsw    ax
        LINE    ` smsw: `
        UHEX    eax, 4
        UPRINT  `\n`

        xor     eax, eax
        str     ax
        LINE    ` str: `
        UHEX    eax, 4
        UPRINT  `\n`

        ; --- PUSHF: shows IF and IOPL. CMP EAX,EAX first so that every arithmetic flag
        ; is defined (ZF=PF=1, the rest 0); PUSHF stores VM and RF as 0 (SDM vol.2 PUSHF).
        cmp     eax, eax
        pushfd
        pop     eax
        LINE    ` pushf: eflags=`
        UHEX    eax, 8
        UPRINT  ` (if=`
        mov     ebx, eax
        shr     ebx, 9
        and     ebx, 1
        UDEC    ebx
        UPRINT  ` iopl=`
        mov     ebx, eax
        shr     ebx, 12
        and     ebx, 3
        UDEC    ebx
        UPRINT  `)\n`

        ; --- POPF: try to clear IF and set IOPL=3. At CPL 0 both change; at CPL 3 with
        ; IOPL 0 both are silently kept, with no fault (SDM vol.2 POPF, protected mode) —
        ; the classic reason POPF cannot be trapped.
        pushfd
        pop     ebx                     ; original
        mov     eax, ebx
        and     eax, ~0x200
        or      eax, 0x3000
        push    eax
        popfd
        pushfd
        pop     ecx                     ; what took effect
        push    ebx
        popfd                           ; back to the original (at CPL 0: IF=1 IOPL=0)
        LINE    ` popf: wrote if=0 iopl=3, read back if=`
        mov     eax, ecx
        shr     eax, 9
        and     eax, 1
        UDEC    eax
        UPRINT  ` iopl=`
        mov     eax, ecx
        shr     eax, 12
        and     eax, 3
        UDEC    eax
        UPRINT  `\n`

        ; --- LAR, LSL, VERR, VERW: descriptor checks against max(CPL, RPL) <= DPL
        ; (SDM vol.3A §5.10.1-§5.10.3). They set ZF instead of faulting.
        SCAN    ` lar:`, BODY_LAR, 1
        SCAN    ` lsl:`, BODY_LSL, 1
        SCAN    ` verr:`, BODY_VERR, 0
        SCAN    ` verw:`, BODY_VERW, 0

        ; --- MOV from segment registers: the RPL of CS and SS is the CPL. FS and GS are
        ; 0010 at CPL 0; the IRET to ring 3 nulled them (DPL 0 < CPL 3).
        LINE    ` mov from sreg:`
        mov     eax, cs
        UPRINT  ` cs=`
        UHEX    eax, 4
        mov     eax, ss
        UPRINT  ` ss=`
        UHEX    eax, 4
        mov     eax, ds
        UPRINT  ` ds=`
        UHEX    eax, 4
        mov     eax, es
        UPRINT  ` es=`
        UHEX    eax, 4
        mov     eax, fs
        UPRINT  ` fs=`
        UHEX    eax, 4
        mov     eax, gs
        UPRINT  ` gs=`
        UHEX    eax, 4
        UPRINT  `\n`

        ; --- MOV to segment registers: data-segment loads need max(CPL, RPL) <= DPL, SS
        ; loads need RPL = DPL = CPL (SDM vol.3A §5.7). A failed load is #GP(selector).
        LINE    ` mov to sreg:`
        GUARD   ` ds<-0000 `
        mov     ax, 0x0000
        mov     ds, ax
        END_GUARD
        GUARD   `, ds<-0010 `
        mov     ax, KDATA
        mov     ds, ax
        END_GUARD
        GUARD   `, ds<-0023 `
        mov     ax, UDATA
        mov     ds, ax
        END_GUARD
        GUARD   `, ds<-000f `
        mov     ax, LDT_DATA
        mov     ds, ax
        END_GUARD
        GUARD   `, ss<-0000 `
        mov     ax, 0x0000
        mov     ss, ax
        END_GUARD
        GUARD   `, ss<-0010 `
        mov     ax, KDATA
        mov     ss, ax
        END_GUARD
        GUARD   `, ss<-0023 `
        mov     ax, UDATA
        mov     ss, ax
        END_GUARD
        UPRINT  `\n`

        ; --- PUSH segment register: a 32-bit push of a selector may write only 16 bits
        ; (SDM vol.2 PUSH), so the slot is cleared first and only the low word shown.
        LINE    ` push sreg:`
%macro PUSH_SREG 2
        push    dword 0
        add     esp, 4
        push    %1
        pop     eax
        movzx   eax, ax
        UPRINT  %2
        UHEX    eax, 4
%endmacro
        PUSH_SREG cs, ` cs=`
        PUSH_SREG ss, ` ss=`
        PUSH_SREG ds, ` ds=`
        PUSH_SREG es, ` es=`
        PUSH_SREG fs, ` fs=`
        PUSH_SREG gs, ` gs=`
        UPRINT  `\n`

        ; --- POP segment register: the same checks as MOV; a faulting POP leaves ESP
        ; unchanged, which CATCH undoes anyway.
        LINE    ` pop sreg:`
        GUARD   ` ds<-0010 `
        push    dword KDATA
        pop     ds
        END_GUARD
        GUARD   `, ds<-0023 `
        push    dword UDATA
        pop     ds
        END_GUARD
        GUARD   `, es<-0008 `
        push    dword KCODE
        pop     es
        END_GUARD
        GUARD   `, es<-001b `
        push    dword UCODE
        pop     es
        END_GUARD
        GUARD   `, ss<-0010 `
        push    dword KDATA
        pop     ss
        END_GUARD
        GUARD   `, ss<-0023 `
        push    dword UDATA
        pop     ss
        END_GUARD
        UPRINT  `\n`

        ; --- far CALL: direct to a non-conforming code segment needs DPL = CPL (no
        ; privilege change without a gate); through the DPL-3 call gate ring 3 reaches
        ; ring 0 (SDM vol.3A §5.8.1, §5.8.4). The gate target records its CS and the
        ; caller's CS; a RETF takes it back (to the outer level when called from ring 3).
        LINE    ` far call:`
        GUARD   ` 0008 `
        call    KCODE:far_ret_stub
        END_GUARD
        GUARD   `, 001b `
        call    UCODE:far_ret_stub
        END_GUARD
        mov     dword [gate_cs], -1
        GUARD   `, gate 003b `
        call    GATE_SEL:0
        END_GUARD
        UPRINT  ` (in gate: cs=`
        UHEX    [gate_cs], 4
        UPRINT  ` caller cs=`
        UHEX    [gate_caller_cs], 4
        UPRINT  `)\n`

        ; --- far JMP: same DPL = CPL rule for a non-conforming target (SDM vol.3A §5.8.2).
        LINE    ` far jmp:`
        GUARD   ` 0008 `
        jmp     KCODE:.jmp0_ok
.jmp0_ok:
        END_GUARD
        GUARD   `, 001b `
        jmp     UCODE:.jmp3_ok
.jmp3_ok:
        END_GUARD
        UPRINT  `\n`

        ; --- far RET: may return to the same or an outer level, never to an inner one:
        ; RPL of the return CS < CPL is #GP(selector) (SDM vol.3A §5.8.6). Returning to
        ; ring 3 from ring 0 also pops SS:ESP; the ring-3 stub records its CS and gets
        ; back to this probe with SYS_BACK.
        LINE    ` far ret:`
        mov     dword [retf_cs], -1
        GUARD   ` to 0008 `
        push    dword KCODE
        push    dword .retf0
        retf
.retf0:
        mov     eax, cs
        mov     [ss:retf_cs], eax
        END_GUARD
        call    show_landed
        UPRINT  `, to 001b `
        mov     dword [retf_cs], -1
        cmp     dword [cur_ring], 0
        jne     .retf_from_3
        ; CPL 0 -> CPL 3: an inter-level return, which pops SS:ESP as well. It cannot
        ; fault here, so it is not guarded; SYS_BACK brings the probe back to ring 0.
        mov     dword [fault_vec], -1
        mov     [back_esp], esp
        mov     dword [back_eip], .retf_back
        push    dword UDATA             ; SS
        push    dword user_stack_top    ; ESP
        push    dword UCODE             ; CS
        push    dword retf_ring3_stub   ; EIP
        retf
.retf_back:
        call    show_result
        jmp     .retf_done
.retf_from_3:
        GUARD   ``
        push    dword UCODE
        push    dword .retf3
        retf
.retf3:
        mov     eax, cs
        mov     [ss:retf_cs], eax
        END_GUARD
.retf_done:
        call    show_landed
        UPRINT  `\n`

        ; --- INT n: the gate's DPL must be >= CPL for INT n (SDM vol.3A §6.12.1.1);
        ; failing that is #GP with error code vector*8+2 (IDT bit set, §6.13).
        LINE    ` int n:`
        mov     dword [int_cs], -1
        mov     dword [int_caller_cs], -1
        GUARD   ` int 81 `
        int     0x81
        END_GUARD
        UPRINT  ` (handler cs=`
        UHEX    [int_cs], 4
        UPRINT  ` saw cs=`
        UHEX    [int_caller_cs], 4
        UPRINT  `)`
        GUARD   `, int 82 (dpl 0 gate) `
        int     0x82
        END_GUARD
        UPRINT  `\n`

        ; --- Controls: privileged instructions fault at CPL 3 (#GP(0), SDM vol.3A §5.9);
        ; CLI is IOPL-sensitive and IOPL=0.
        LINE    ` control: cli `
        TRY     .cli_resume
        cli
        sti
        CATCH   .cli_resume
        call    show_result
        UPRINT  `, mov eax,cr0 `
        xor     ebx, ebx
        TRY     .cr0_resume
        mov     eax, cr0
        mov     ebx, eax
        CATCH   .cr0_resume
        call    show_result
        cmp     dword [fault_vec], -1
        jne     .cr0_done
        UPRINT  ` (low word `
        movzx   ebx, bx
        UHEX    ebx, 4
        UPRINT  `)`
.cr0_done:
        UPRINT  `\n`

        popad
        ret

; ---------------------------------------------------------------------------------------
far_ret_stub:
        retf

; Target of the call gate, at CPL 0. [esp] = caller EIP, [esp+4] = caller CS (then caller
; ESP and SS if the call came from ring 3).
gate_target:
        push    eax
        mov     eax, cs
        mov     [ss:gate_cs], eax
        mov     eax, [esp + 8]
        movzx   eax, ax
        mov     [ss:gate_caller_cs], eax
        pop     eax
        retf

; Handler behind vectors 0x81 and 0x82. [esp] = EIP, [esp+4] = CS of the interrupted code.
probe_int_handler:
        push    eax
        mov     eax, cs
        mov     [ss:int_cs], eax
        mov     eax, [esp + 8]
        movzx   eax, ax
        mov     [ss:int_caller_cs], eax
        pop     eax
        iretd

; Where the ring-0 far-RET probe lands, at CPL 3. DS is null now (RETF to an outer level
; nulls data segment registers whose DPL is below the new CPL, SDM vol.2 RET), so SS:.
retf_ring3_stub:
        mov     eax, cs
        mov     [ss:retf_cs], eax
        mov     eax, SYS_BACK
        int     SYSCALL_VECTOR          ; does not return here

; The LDT: entry 0 unused, entry 1 a flat ring-3 data segment. It sits in .text so that
; ABS(ldt) is a plain number for the GDT descriptor (nasm: same-section difference).
        align 8
ldt:
        dq 0
        DESCRIPTOR 0, 0xFFFFF, ACC_UDATA, FLAGS_4K32
ldt_end:

[section .bss]
cur_ring:       resd 1
table_reg:      resb 8                  ; SGDT/SIDT store 6 bytes: limit, base
probe_esp:      resd 1
gate_cs:        resd 1
gate_caller_cs: resd 1
int_cs:         resd 1
int_caller_cs:  resd 1
retf_cs:        resd 1
back_esp:       resd 1
back_eip:       resd 1
                alignb 16
                resb 4096
trap_stack_top:
                resb 4096
user_stack_top:
__SECT__

%include "console.inc"
%include "syscall.inc"
%include "pic.inc"
%include "end.inc"
