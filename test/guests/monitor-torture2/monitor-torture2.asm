; monitor-torture2 — a second guest that attacks the deprivileging monitor policies,
; covering what monitor-torture does not:
;
;   1. guest code in rings 1 and 2: IRETD to ring 1 (IOPL 1), what CS/SS/DS/FS and PUSHFD
;      show there, I/O and CLI/STI/POPFD with IOPL 1 at CPL 1 and 2, privileged
;      instructions faulting, loading DPL-0/1/2 segments, LAR/LSL/VERR/VERW, INT n through
;      gates of DPL 3, 1 and 0, RETF from ring 1 to ring 2, a call gate from ring 2 to
;      ring 1 (stack from TSS.SS1:ESP1, one parameter), call gates back to ring 0,
;      IRQ 0 taken in ring 1 after STI and in ring 2 right after an IRETD with IF=1,
;      IRETD/RETF from ring 2 to ring 1 (#GP), SMSW/STR/SGDT at ring 2
;   2. conforming code (CPL stays, CS.RPL), an expand-down data/stack segment (LSL, LAR,
;      loading it into SS at ring 3, a push in the valid range),
;      a 16-bit code segment (PUSHF, far CALL/RETF, 16-bit and 32-bit interrupt gates),
;      an LDT with code, data and a call gate
;   3. hardware task switches: CALL/JMP to a TSS, a task gate (from ring 0 and ring 3),
;      IRETD with NT, busy bits, the link, CR0.TS, LDTR and EFLAGS loaded from the TSS,
;      faults (#UD, #NM) in the new task, a ring-3 task, a CALL/JMP to a busy TSS
;   4. exceptions while delivering one: not-present gate, not-present code segment, gate
;      to a data segment, #NP while delivering #DE -> #DF (interrupt gate, then task gate)
;   5. paging and string instructions: REP MOVSB/MOVSD/STOSD/INSB/OUTSB faulting (#PF)
;      mid-way and restarting, at ring 0 and ring 3, #PF while delivering #PF -> #DF task,
;      REP MOVSB/STOSD with the PIT interrupting them (state checked in the handler)
;   6. back to real mode (PUSHF, SMSW, INT through the IVT, far JMP, a pending IRQ 0
;      taken through the IVT after STI) and into protected
;      mode again; virtual-8086 mode with IOPL 3 (PUSHF/POPF/CLI/STI/PUSHFD, IN without an
;      I/O bitmap, INT through a DPL-0 gate, INT3) and IOPL 0 (INT n), and a JMP to a
;      virtual-8086 task (EFLAGS.VM loaded from its TSS)
;   7. the TSC: RDTSC deltas across sensitive, privileged and I/O instructions. Only
;      "positive or not" goes to the debug console (QEMU's TSC is real time); the exact
;      deltas go to the last VGA row, which `ringlab compare` checks across policies.
;
; Deliberately absent because QEMU (the reference) is not exact there: limit checks on
; data and stack accesses (QEMU TCG checks segment limits only when a selector is loaded,
; so an access below an expand-down limit, beyond a small LDT data segment or a push
; below an expand-down stack's limit does not fault there), and #SS raised by a
; too-small inner stack segment while an interrupt pushes its frame (same reason).
;
; The TSC: the 7 line prints "yes" per delta (QEMU's TSC runs on real time); the exact
; deltas, and how many PIT interrupts hit the REPs in 5g, go to VGA row 24, which
; `ringlab compare` checks across policies.
;
; Determinism: interrupts that must arrive at a fixed place (1h) come from a PIT mode-0
; one-shot that is already pending (IRR polled with IF=0) when IF becomes 1. In 5g the
; PIT runs free (mode 2) and nothing printed depends on when or how often it interrupts
; (the handler only checks the interrupted REP's registers). Checked identical under QEMU
; with -icount shift=0/8 and -cpu 486/pentium/pentium3/core2duo/max.

R1CODE          equ 0x30
R1DATA          equ 0x38
R2CODE          equ 0x40
R2DATA          equ 0x48
CONF_SEL        equ 0x50
CODE16_SEL      equ 0x58
GATE_R1         equ 0x60
GATE_R0         equ 0x68
EXPDN           equ 0x70 | 3
TSS_A           equ 0x78
TSS_DF          equ 0x80
TSS_U           equ 0x88
LDT_SEL         equ 0x90
NPCODE          equ 0x98
RMCODE16        equ 0xA0
RMDATA16        equ 0xA8
TSS_V           equ 0xB0

%include "boot.inc"
%include "torture.inc"

SYS_BACK        equ 5
SYSCALL_COUNT   equ 6

; TRY instruction: run it; print " ok" if it did not fault, else rep_common prints the
; fault and resumes after. Needs a flat writable DS (KDATA or UDATA).
%macro TRY 1+
        mov     dword [ux_expect], %%f
        mov     dword [ux_resume], %%r
%%f:    %1
        mov     dword [ux_resume], 0
        UPRINT  ` ok`
%%r:
%endmacro

; A 32-bit TSS: %1 EIP, %2 CS, %3 SS (and DS/ES), %4 ESP, %5 EFLAGS, %6 ESP0
%macro TSS32 6
        dd 0, %6, KDATA, 0, 0, 0, 0     ; link, esp0, ss0, esp1, ss1, esp2, ss2
        dd 0                            ; cr3 (set at run time)
        dd %1, %5                       ; eip, eflags
        dd 0, 0, 0, 0, %4, 0, 0, 0      ; eax ecx edx ebx esp ebp esi edi
        dd %3, %2, %3, %3, 0, 0, 0      ; es cs ss ds fs gs ldt
        dw 0, 104                       ; T, I/O map base beyond the limit
%endmacro
T_LINK  equ 0
T_CR3   equ 28
T_EIP   equ 32
T_EFL   equ 36
T_EAX   equ 40
T_ESP   equ 56
T_ES    equ 72
T_CS    equ 76
T_SS    equ 80
T_DS    equ 84

kmain:
        mov     byte [con_bottom], 24   ; row 24 is for the TSC line (7)
        PRINT   `monitor-torture2: rings 1/2, segments, tasks, nested faults, strings, real/v86 mode, TSC\n`
        ; a larger GDT: the boot one's 8 entries, then ours
        mov     esi, gdt
        mov     edi, gdt2
        mov     ecx, 6 * 2
        rep movsd
        lgdt    [gdt2_ptr]
        jmp     KCODE:.cs2
.cs2:   mov     ax, KDATA
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        call    syscall_install
        call    pic_init
        call    install_handlers
        mov     dword [tss_esp0], kstack_top
        xor     eax, eax
        lldt    ax
        mov     cr4, eax
        mov     cr2, eax                ; CR2 is printed by the #DF task
        mov     eax, 0x00000033         ; PE MP ET NE; CD NW clear whatever the loader left
        mov     cr0, eax
        ; CR3 fields of every TSS (a task switch with paging on loads them)
        mov     eax, page_dir
        mov     [tss + T_CR3], eax
        mov     [tss_a + T_CR3], eax
        mov     [tss_df + T_CR3], eax
        mov     [tss_u + T_CR3], eax
        mov     [tss_v + T_CR3], eax
        mov     dword [tss_v + T_SS], 0x0900        ; v86 stack 0900:0f00

        call    check1
        call    check2
        call    check3
        call    check4
        call    check5
        call    check6
        call    check7

        PRINT   `monitor-torture2: done\n`
        mov     al, EXIT_OK
        jmp     exit_status


sys_finish:
        PRINT   `monitor-torture2: SYS_EXIT (unexpected)\n`
        mov     al, EXIT_FAIL
        jmp     exit_status

; to_ring: EAX = EIP, EBX = CS, ECX = EFLAGS, EDX = SS, ESI = ESP. IRETD there (DS/ES =
; UDATA, FS/GS nulled when the ring is outer); returns like a call when that code BACKs.
to_ring:
        pushfd
        pushad
        mov     [k_esp], esp
        push    edx
        push    esi
        or      ecx, 2
        push    ecx
        push    ebx
        push    eax
        mov     di, UDATA
        mov     ds, di
        mov     es, di
        iretd

install_handlers:
        pushad
        call    install_rep_stubs
        SET_GATE IRQ_BASE, irq_ring, GATE_INT
        SET_GATE 0x81, int81_handler, GATE_INT_DPL3
        mov     eax, 0x89
        mov     dl, 0xAE                ; DPL 1
        call    idt_set
        mov     eax, 0x82
        mov     dl, GATE_INT            ; DPL 0
        call    idt_set
        mov     eax, 0x87
        mov     ebx, int87_handler
        call    idt_set
        mov     eax, 0x8A               ; not present
        mov     dl, 0x0E
        call    idt_set
        mov     eax, 0x8B               ; -> not-present code segment
        mov     dl, GATE_INT
        call    idt_set
        mov     word [idt + 0x8B * 8 + 2], NPCODE
        mov     eax, 0x8C               ; -> a data segment
        call    idt_set
        mov     word [idt + 0x8C * 8 + 2], KDATA
        ; 0x86: 16-bit interrupt gate (type 0110) into the 16-bit code segment
        mov     word [idt + 0x86 * 8], h16 - c16_start
        mov     word [idt + 0x86 * 8 + 2], CODE16_SEL
        mov     word [idt + 0x86 * 8 + 4], 0x8600
        mov     word [idt + 0x86 * 8 + 6], 0
        ; 0x88: task gate (type 0101), DPL 3 -> task A
        mov     word [idt + 0x88 * 8], 0
        mov     word [idt + 0x88 * 8 + 2], TSS_A
        mov     word [idt + 0x88 * 8 + 4], 0xE500
        mov     word [idt + 0x88 * 8 + 6], 0
        popad
        ret

[section .data]
rep_vectors:    db 0, 5, 6, 7, 8, 10, 11, 12, 13, 14, 0xFF
vec_names:      db "DEDBNMBPOFBRUDNMDFMFTSNPSSGPPF"
__SECT__
        REP_STUB 0, 0
        REP_STUB 5, 0
        REP_STUB 6, 0
        REP_STUB 7, 0
        REP_STUB 8, 1
        REP_STUB 10, 1
        REP_STUB 11, 1
        REP_STUB 12, 1
        REP_STUB 13, 1
        REP_STUB 14, 1
[section .data]
rep_stub_table:
        dd rep_stub_0, rep_stub_5, rep_stub_6, rep_stub_7, rep_stub_8, rep_stub_10
        dd rep_stub_11, rep_stub_12, rep_stub_13, rep_stub_14
__SECT__

; rep_common: " #GP(0010)", then "@+n" if EIP is not the armed instruction, " cs=" if
; the CS is not the kernel's, " cr2=" for #PF, " ss=" from an outer ring. Resumes at the
; armed label, at the faulting CPL.
rep_common:
        REP_ENTER
        PRINT   ` #`
        call    rep_vec_name
        PRINT   `(`
        HEX     [ebp + R_ERR], 4
        PRINT   `)`
        mov     eax, [ebp + R_EIP]
        sub     eax, [ux_expect]
        jz      .eip_done
        PRINT   `@+`
        HEX     eax, 8
.eip_done:
        cmp     dword [ebp + R_CS], KCODE
        je      .no_cs
        PRINT   ` cs=`
        HEX     [ebp + R_CS], 4
.no_cs:
        call    rep_cr2_ss
        jmp     rep_resume
rep_fatal:
        PRINT   ` eip=`
        HEX     [ebp + R_EIP], 8
        PRINT   ` (not expected)\n`
        mov     al, EXIT_EXCEPTION
        jmp     exit_status

; GATE_ENTER / GATE_LEAVE ss_offset: the frame of int81_handler and r0_gate_fn: save DS,
; EAX and EBP (EBP = the frame: CS at EBP+16), DS = KDATA; at the end, " ss=" and the
; ESP0 use if the caller was in an outer ring, "]", and the registers restored.
%macro GATE_ENTER 0
        push    ds
        push    eax
        push    ebp
        mov     ebp, esp
        mov     ax, KDATA
        mov     ds, ax
%endmacro
%macro GATE_LEAVE 1
        test    byte [ebp + 16], 3
        jz      %%same
        PRINT   ` ss=`
        HEX     [ebp + %1], 4
        PRINT   ` esp0-`
        PUT_ESP0_USE 12
%%same:
        PRINT   `]`
        pop     ebp
        pop     eax
        pop     ds
%endmacro

; INT 0x81 / 0x89 / 0x82: print the frame's CS, EFLAGS and (from an outer ring) SS, and
; the handler's ESP below TSS.ESP0.
int81_handler:
        GATE_ENTER
        PRINT   ` [int: cs=`
        HEX     [ebp + 16], 4
        PRINT   ` eflags=`
        HEX     [ebp + 20], 8
        GATE_LEAVE 28
        iretd

; r0_gate_fn: target of the call gates to ring 0 (GDT 0x68, LDT 0x1f).
r0_gate_fn:
        GATE_ENTER
        PRINT   ` [ring-0 gate: cs=`
        mov     eax, cs
        HEX     eax, 4
        PRINT   ` caller cs=`
        HEX     [ebp + 16], 4
        GATE_LEAVE 24
        retf

; r1_gate_fn: ring-1 target of the call gate 0x60 (one dword parameter).
r1_gate_fn:
        cmp     dword [esp + 8], 0      ; the parameter: 0 = come back to ring1_again
        jne     .report
        add     esp, 20                 ; drop the gate frame (EIP CS param ESP SS)
        jmp     ring1_again
.report:
        mov     eax, cs
        mov     ebx, ss
        mov     ecx, esp
        UPRINT  ` [ring-1 gate: cs=`
        UHEX    eax, 4
        UPRINT  ` ss=`
        UHEX    ebx, 4
        mov     eax, [tss + 12]
        sub     eax, ecx
        UPRINT  ` esp1-esp=`
        UHEX    eax, 2
        UPRINT  ` param=`
        UHEX    [ecx + 8], 8
        UPRINT  ` caller cs=`
        UHEX    [ecx + 4], 4
        UPRINT  ` caller ss=`
        UHEX    [ecx + 16], 4
        UPRINT  `]`
        retf    4

; =======================================================================================
; 1. Rings 1 and 2.
; =======================================================================================
check1:
        PRINT   `1. rings 1 and 2\n`
        mov     dword [tss + 12], r1_stack2_top         ; ESP1
        mov     dword [tss + 16], R1DATA | 1            ; SS1
        mov     eax, ring1
        mov     ebx, R1CODE | 1
        mov     ecx, 0x1002                             ; IOPL 1, IF 0
        mov     edx, R1DATA | 1
        mov     esi, r1_stack_top
        call    to_ring
        ret

; UPUT_CS_SS: " cs=.. ss=.." of the running code, from any ring. Clobbers EAX, EBX.
%macro UPUT_CS_SS 0
        mov     eax, cs
        mov     ebx, ss
        UPRINT  ` cs=`
        UHEX    eax, 4
        UPRINT  ` ss=`
        UHEX    ebx, 4
%endmacro
%macro SELNAME 1
        UPRINT  ` `
        UHEX    0x%1, 4
        UPRINT  `=`
%endmacro
%macro LARP 1
        SELNAME %1
        mov     eax, 0x5a5a5a5a
        lar     eax, [sel_%1]
        jnz     %%f
        and     eax, 0x00F0FF00
        UHEX    eax, 8
        jmp     %%d
%%f:    UPRINT  `fail`
%%d:
%endmacro
%macro VERRP 1
        SELNAME %1
        verr    word [sel_%1]
        setz    al
        movzx   eax, al
        UHEX    eax, 1
%endmacro
%macro VERWP 1
        SELNAME %1
        verw    word [sel_%1]
        setz    al
        movzx   eax, al
        UHEX    eax, 1
%endmacro

ring1:
        mov     eax, cs
        mov     ebx, ss
        mov     ecx, ds
        mov     edx, fs
        pushfd
        pop     esi
        UPRINT  `1a. iretd to ring 1: cs=`
        UHEX    eax, 4
        UPRINT  ` ss=`
        UHEX    ebx, 4
        UPRINT  ` ds=`
        UHEX    ecx, 4
        UPRINT  ` fs=`
        UHEX    edx, 4
        UPRINT  ` eflags=`
        UHEX    esi, 8
        UPRINT  `\n1b. ring 1, IOPL 1: out e9 -> "`
        mov     al, 'R'
        out     0xE9, al
        mov     al, '1'
        out     0xE9, al
        UPRINT  `", in 21 -> `
        in      al, 0x21
        movzx   eax, al
        UHEX    eax, 2
        cli
        pushfd
        pop     eax
        UPRINT  `, cli -> `
        UHEX    eax, 8
        sti
        pushfd
        pop     eax
        UPRINT  `, sti -> `
        UHEX    eax, 8
        push    dword 0x3002
        popfd
        pushfd
        pop     eax
        UPRINT  `, popfd(IOPL 3 IF 0) -> `
        UHEX    eax, 8
        UPRINT  `\n1c. ring 1 privileged: mov eax,cr0`
        TRY     mov eax, cr0
        UPRINT  `; hlt`
        TRY     hlt
        UPRINT  `; clts`
        TRY     clts
        UPRINT  `; lidt`
        TRY     lidt [idt_ptr]
        UPRINT  `; invlpg`
        TRY     invlpg [0]
        UPRINT  `; wbinvd`
        TRY     wbinvd
        UPRINT  `; lmsw`
        TRY     lmsw ax
        UPRINT  `; mov dr7,eax`
        TRY     mov dr7, eax
        UPRINT  `; rdtsc`
        TRY     rdtsc
        UPRINT  `\n1d. ring 1 segments: ds<-0010`
        TRY     mov ds, [sel_0010]
        UPRINT  `; ds<-004a`
        TRY     mov ds, [sel_004a]
        mov     ax, UDATA
        mov     ds, ax
        UPRINT  `; ds<-003a`
        TRY     mov ds, [sel_003a]
        UPRINT  `; ss<-004a`
        TRY     mov ss, [sel_004a]
        UPRINT  `; es<-0031`
        TRY     mov es, [sel_0031]
        UPRINT  `; es<-0008`
        TRY     mov es, [sel_0008]
        UPRINT  `; es<-0050`
        TRY     mov es, [sel_0050]
        mov     ax, UDATA
        mov     es, ax
        UPRINT  `\n1e. ring 1 lar:`
        LARP    0008
        LARP    0031
        LARP    0039
        LARP    004a
        LARP    0050
        LARP    0063
        LARP    0078
        LARP    0093
        UPRINT  `; lsl 0073=`
        lsl     eax, [sel_0073]
        UHEX    eax, 8
        UPRINT  `; verr`
        VERRP   0008
        VERRP   0031
        VERRP   0050
        VERRP   0041
        UPRINT  `; verw`
        VERWP   0010
        VERWP   0039
        VERWP   0023
        VERWP   004b
        UPRINT  `\n1f. ring 1 int 0x81 (dpl 3):`
        int     0x81
        UPRINT  `; int 0x89 (dpl 1):`
        int     0x89
        UPRINT  `; int 0x82 (dpl 0):`
        TRY     int 0x82
        UPRINT  `\n1g. ring 1 int 0x88 (task gate):`
        mov     dword [ta_mode], 0
        int     0x88
        pushfd
        pop     eax
        mov     ebx, cs
        UPRINT  ` back: cs=`
        UHEX    ebx, 4
        UPRINT  ` eflags=`
        UHEX    eax, 8
        UPRINT  `; call gate 006b:`
        call    0x6B:0
        mov     eax, cs
        mov     ebx, ds
        UPRINT  ` back: cs=`
        UHEX    eax, 4
        UPRINT  ` ds=`
        UHEX    ebx, 4
        UPRINT  `\n1h. ring 1 arms IRQ 0 (PIT one-shot, polls the IRR), sti; nop; nop:`
        call    arm_irq0_r1
        mov     dword [irq_label], .sti
.sti:   sti
        nop
        nop
        cli
        UPRINT  `; retf to ring 2, call gate 0063 back to ring 1:`
        push    dword R2DATA | 2
        push    dword r2_stack_top
        push    dword R2CODE | 2
        push    dword ring2_retf
        retf
ring1_again:
        UPUT_CS_SS
        UPRINT  `; iretd to ring 2 with IF=1 and IRQ 0 pending:`
        call    arm_irq0_r1
        mov     dword [irq_label], ring2
        push    dword R2DATA | 2
        push    dword r2_stack_top
        push    dword 0x1202
        push    dword R2CODE | 2
        push    dword ring2
        iretd

; ring 2, first visit: straight back to ring 1 through the call gate 0063 with parameter
; 0, which makes r1_gate_fn drop the gate frame and continue at ring1_again (RETF and IRETD
; cannot return to an inner ring).
ring2_retf:
        push    dword 0
        call    0x63:0
        UPRINT  `(unexpected)`
        BACK

; arm_irq0_r1 (ring 0 or 1 with IOPL 1): PIT channel 0 one-shot (mode 0, count 50), IRQ 0
; unmasked, then poll the master IRR with IF=0 until the request is there.
arm_irq0_r1:
        push    eax
        push    ecx
        mov     al, 0xFE
        out     PIC1_DATA, al
        mov     al, 0x30
        out     PIT_CMD, al
        mov     al, 50
        out     PIT_CH0, al
        xor     al, al
        out     PIT_CH0, al
        mov     ecx, 20000000
.poll:  mov     al, 0x0A
        out     PIC1_CMD, al
        in      al, PIC1_CMD
        test    al, 1
        jnz     .ok
        loop    .poll
        UPRINT  `*** IRQ 0 never came`
.ok:    pop     ecx
        pop     eax
        ret

; IRQ_FRAME: the IRQ 0 frame at EBP+4 (EBP pushed first): "label+n" (EIP relative to
; irq_label), " cs=", " eflags=". Clobbers EAX.
%macro IRQ_FRAME 0
        mov     eax, [ebp + 4]
        sub     eax, [irq_label]
        DEC     eax
        PRINT   ` cs=`
        HEX     [ebp + 8], 4
        PRINT   ` eflags=`
        HEX     [ebp + 12], 8
%endmacro

; IRQ 0 for 1n/1h: the frame (EIP relative to irq_label), ESP0 use; EOI and mask IRQ 0.
irq_ring:
        push    ebp
        mov     ebp, esp
        push    eax
        push    ds
        mov     ax, KDATA
        mov     ds, ax
        PRINT   ` [irq 0: eip=label+`
        IRQ_FRAME
        test    byte [ebp + 8], 3
        jz      .same
        PRINT   ` ss=`
        HEX     [ebp + 20], 4
        PRINT   ` esp0-`
        PUT_ESP0_USE 4
.same:  PRINT   `]`
        MASK_ALL_EOI
        pop     ds
        pop     eax
        pop     ebp
        iretd

ring2:
        mov     eax, cs
        mov     ebx, ss
        mov     ecx, ds
        pushfd
        pop     esi
        UPRINT  `\n1i. ring 2: cs=`
        UHEX    eax, 4
        UPRINT  ` ss=`
        UHEX    ebx, 4
        UPRINT  ` ds=`
        UHEX    ecx, 4
        UPRINT  ` eflags=`
        UHEX    esi, 8
        UPRINT  `; in 21`
        TRY     in al, 0x21
        UPRINT  `; cli`
        TRY     cli
        push    dword 0x0002
        popfd
        pushfd
        pop     eax
        UPRINT  `; popfd(IOPL 0 IF 0) -> `
        UHEX    eax, 8
        UPRINT  `\n1j. ring 2 segments: ds<-003a`
        TRY     mov ds, [sel_003a]
        UPRINT  `; ds<-004a`
        TRY     mov ds, [sel_004a]
        mov     ax, UDATA
        mov     ds, ax
        UPRINT  `; ss<-0039`
        TRY     mov ss, [sel_0039]
        UPRINT  `; lar:`
        LARP    0031
        LARP    0041
        LARP    0050
        UPRINT  `; verr`
        VERRP   0031
        VERRP   0041
        VERRP   0050
        UPRINT  `\n1k. ring 2 int 0x81:`
        int     0x81
        UPRINT  `; int 0x89 (dpl 1):`
        TRY     int 0x89
        UPRINT  `\n1l. ring 2 call gate 0063 to ring 1:`
        mov     [esp_before], esp
        push    dword 0x12345678
        call    0x63:0
        mov     eax, [esp_before]
        sub     eax, esp
        UPRINT  ` esp-delta=`
        UHEX    eax, 2
        mov     eax, cs
        UPRINT  ` back cs=`
        UHEX    eax, 4
        UPRINT  `\n1m. ring 2 call gate 006b:`
        call    0x6B:0
        UPRINT  `\n1n. ring 2 returning inward: iretd to 0031`
        mov     [ux_esp], esp
        mov     dword [ux_expect], .if
        mov     dword [ux_resume], .ir
        push    dword R1DATA | 1
        push    dword r1_stack_top
        push    dword 0x1002
        push    dword R1CODE | 1
        push    dword .ir
.if:    iretd
.ir:    mov     esp, [ux_esp]
        UPRINT  `; retf to 0031`
        mov     dword [ux_expect], .rf
        mov     dword [ux_resume], .rr
        push    dword R1CODE | 1
        push    dword .rr
.rf:    retf
.rr:    mov     esp, [ux_esp]
        smsw    ax                      ; SMSW r32's upper half is undefined (SDM)
        movzx   eax, ax
        str     ebx
        sgdt    [scratch]
        UPRINT  `; smsw=`
        UHEX    eax, 4
        UPRINT  ` str=`
        UHEX    ebx, 8
        UPRINT  ` sgdt limit=`
        movzx   eax, word [scratch]
        UHEX    eax, 4
        UPRINT  `\n`
        BACK

[section .data]
sel_0008:       dw 0x0008
sel_0010:       dw 0x0010
sel_0023:       dw 0x0023
sel_0031:       dw 0x0031
sel_0039:       dw 0x0039
sel_003a:       dw 0x003a
sel_0041:       dw 0x0041
sel_004a:       dw 0x004a
sel_004b:       dw 0x004b
sel_0050:       dw 0x0050
sel_0063:       dw 0x0063
sel_0073:       dw 0x0073
sel_0078:       dw 0x0078
sel_0093:       dw 0x0093
sel_000c:       dw 0x000c
sel_0017:       dw 0x0017
sel_001f:       dw 0x001f
sel_0028:       dw 0x0028
sel_0088:       dw 0x0088
sel_0080:       dw 0x0080
sel_00b0:       dw 0x00b0
__SECT__

; =======================================================================================
; 2. Conforming, expand-down, 16-bit and LDT segments.
; =======================================================================================
; C16_ESP_USE n, `text`: print text, then how far ESP was below c16_esp0 at c16_espN.
%macro C16_ESP_USE 2
        mov     eax, [c16_esp0]
        sub     eax, [c16_esp%1]
        PRINT   %2
        DEC     eax
%endmacro

check2:
        PRINT   `2. segments\n`
        PRINT   `2a. ring 0 far call to conforming 0050:`
        call    CONF_SEL:conf_fn
        mov     eax, ring3_conf
        mov     ebx, UCODE
        mov     ecx, 0x0002
        mov     edx, UDATA
        mov     esi, udata_top
        call    to_ring
        ; expand-down, DPL 3, B=1, limit 0fff: offsets 1000-ffffffff are valid
        PRINT   `2c. expand-down 0073: lsl=`
        lsl     eax, [sel_0073]
        HEX     eax, 8
        PRINT   ` lar=`
        lar     eax, [sel_0073]
        and     eax, 0x00F0FF00
        HEX     eax, 8
        mov     ax, EXPDN
        mov     es, ax
        PRINT   `; read es:1000`
        TRY     mov eax, [es:0x1000]
        PRINT   `\n`
        mov     ax, KDATA
        mov     es, ax
        mov     eax, ring3_expdn
        mov     ebx, UCODE
        mov     ecx, 0x0002
        mov     edx, UDATA
        mov     esi, udata_top
        call    to_ring
        ; 16-bit code segment
        PRINT   `2e. 16-bit code: `
        call    CODE16_SEL:0
        C16_ESP_USE 1, `pushf esp-2=`
        PRINT   ` flags=`
        HEX     [c16_flags], 4
        C16_ESP_USE 2, `; far call esp-`
        PRINT   ` ip=`
        HEX     [c16_w + 0], 4
        PRINT   ` cs=`
        HEX     [c16_w + 2], 4
        C16_ESP_USE 3, `; int 86 (16-bit gate) esp-`
        PRINT   ` ip=`
        HEX     [c16_w + 4], 4
        PRINT   ` cs=`
        HEX     [c16_w + 6], 4
        PRINT   ` flags=`
        HEX     [c16_w + 8], 4
        C16_ESP_USE 4, `; int 87 (32-bit gate) esp-`
        PRINT   ` eip=`
        HEX     [c16_d + 0], 8
        PRINT   ` cs=`
        HEX     [c16_d + 4], 8
        PRINT   ` eflags=`
        HEX     [c16_d + 8], 8
        PRINT   `; mov ax,cs=`
        HEX     [c16_w + 10], 4
        PRINT   ` o16 push cs esp-`
        movzx   eax, word [c16_w + 12]
        DEC     eax
        PRINT   `\n`
        ; LDT
        mov     ax, LDT_SEL
        lldt    ax
        sldt    eax
        PRINT   `2f. ldt: sldt=`
        HEX     eax, 4
        call    0x0004:ldt_fn
        PRINT   ` far call 0004: cs=`
        HEX     eax, 4
        mov     ax, 0x000c
        mov     fs, ax
        PRINT   `; fs=000c: [0]=`
        HEX     [fs:0], 8
        PRINT   ` [0c]=`
        HEX     [fs:0x0c], 8
        PRINT   `; lar 000c=`
        lar     eax, [sel_000c]
        and     eax, 0x00F0FF00
        HEX     eax, 8
        PRINT   ` lsl 000c=`
        lsl     eax, [sel_000c]
        HEX     eax, 8
        PRINT   ` lar 001f=`
        lar     eax, [sel_001f]
        HEX     eax, 8
        PRINT   `\n`
        mov     eax, ring3_ldt
        mov     ebx, 0x0017
        mov     ecx, 0x0002
        mov     edx, UDATA
        mov     esi, udata_top
        call    to_ring
        mov     ax, KDATA
        mov     fs, ax
        xor     eax, eax
        lldt    ax
        ret

ldt_fn:
        mov     eax, cs
        retf

; conf_fn: runs at the caller's CPL; reports CS, SS, EFLAGS and whether IN works.
conf_fn:
        UPUT_CS_SS
        lar     eax, eax
        and     eax, 0x00F0FF00
        UPRINT  ` lar cs=`
        UHEX    eax, 8
        UPRINT  `, in 21:`
        TRY     in al, 0x21
        UPRINT  `\n`
        retf

ring3_conf:
        UPRINT  `2b. ring 3 far call to conforming 0050:`
        call    CONF_SEL:conf_fn
        UPRINT  `2b. ring 3 far jmp to conforming 0050:`
        jmp     CONF_SEL:.in
.in:    mov     eax, cs
        UPRINT  ` cs=`
        UHEX    eax, 4
        jmp     UCODE:.out
.out:   mov     eax, cs
        UPRINT  `, jmp back to 001b: cs=`
        UHEX    eax, 4
        UPRINT  `; far call to ring-0 code 0008:`
        TRY     call KCODE:ldt_fn
        UPRINT  `\n`
        BACK

ring3_expdn:
        UPRINT  `2d. ring 3, ss<-0073 (expand-down): push at esp=1008`
        mov     ebp, 0x1008
        call    .push
        UPRINT  `\n`
        BACK
.push:  ; EBP = ESP to try a push at, on the expand-down stack
        mov     [ux_esp], esp
        mov     dword [ux_expect], .f
        mov     dword [ux_resume], .r
        mov     ax, EXPDN
        mov     ss, ax
        mov     esp, ebp
.f:     push    eax
        mov     dword [ux_resume], 0
        mov     ecx, 1
        jmp     .c
.r:     xor     ecx, ecx
.c:     mov     eax, esp
        mov     ebx, ss
        mov     dx, UDATA
        mov     ss, dx
        mov     esp, [ux_esp]
        UPRINT  ` pushed=`
        UHEX    ecx, 1
        UPRINT  ` esp=`
        UHEX    eax, 8
        UPRINT  ` ss=`
        UHEX    ebx, 4
        ret

ring3_ldt:
        mov     eax, cs
        UPRINT  `2g. ring 3 in ldt code: cs=`
        UHEX    eax, 4
        UPRINT  `; ldt call gate 001f:`
        call    0x001f:0
        UPRINT  `; mov ds,000c`
        TRY     mov ds, [sel_000c]
        UPRINT  `\n`
        BACK

; int 0x87: a 32-bit interrupt gate taken from 16-bit code.
int87_handler:
        mov     [c16_esp4], esp
        push    eax
        mov     eax, [esp + 4]
        mov     [c16_d + 0], eax
        mov     eax, [esp + 8]
        mov     [c16_d + 4], eax
        mov     eax, [esp + 12]
        and     eax, ~0x10000
        mov     [c16_d + 8], eax
        pop     eax
        iretd

; The 16-bit code segment (CODE16_SEL, base c16_start, limit ffff, D=0). SS is the flat
; 32-bit KDATA, so the stack uses ESP; data is addressed with 32-bit addresses.
        bits    16
c16_start:
        mov     [dword c16_esp0], esp
        pushf
        mov     [dword c16_esp1], esp
        pop     ax
        mov     [dword c16_flags], ax
        call    CODE16_SEL:(c16_sub - c16_start)
        int     0x86
        int     0x87
        mov     ax, cs
        mov     [dword c16_w + 10], ax
        mov     ecx, esp
        push    cs
        sub     ecx, esp
        mov     [dword c16_w + 12], cx
        pop     ax
        o32 retf
c16_sub:
        mov     [dword c16_esp2], esp
        mov     ax, [esp]
        mov     [dword c16_w + 0], ax
        mov     ax, [esp + 2]
        mov     [dword c16_w + 2], ax
        retf
h16:
        mov     [dword c16_esp3], esp
        mov     ax, [esp]
        mov     [dword c16_w + 4], ax
        mov     ax, [esp + 2]
        mov     [dword c16_w + 6], ax
        mov     ax, [esp + 4]
        mov     [dword c16_w + 8], ax
        iret
        bits    32

; =======================================================================================
; 3. Hardware task switches.
; =======================================================================================
; print_type SEL: " SEL=xx" with the descriptor's access byte from LAR (89 available, 8b busy).
%macro TYPEP 1
        SELNAME %1
        lar     eax, [sel_%1]
        shr     eax, 8
        and     eax, 0xFF
        UHEX    eax, 2
%endmacro
; TYPES sel1, sel2: " types" and both access bytes.
%macro TYPES 2
        PRINT   ` types`
        TYPEP   %1
        TYPEP   %2
%endmacro
; TS_FLAG: " ts=" and CR0.TS (from SMSW; 8 = set). Clobbers EAX.
%macro TS_FLAG 0
        smsw    ax
        and     eax, 8
        PRINT   ` ts=`
        HEX     eax, 1
%endmacro

check3:
        PRINT   `3. hardware task switches\n`
        clts
        mov     dword [tss_a + 96], LDT_SEL     ; task A runs with the LDT loaded
        PRINT   `3a. before: types`
        TYPEP   0028
        TYPEP   0078
        PRINT   `; call 0078:`
        mov     dword [ta_mode], 0
        mov     ebx, 0xB0B0B0B0
        mov     ecx, 0xC0C0C0C0
        call    TSS_A:0
        call    after_task
        clts
        PRINT   `3b. jmp 0078:`
        mov     word [tss_a + T_LINK], 0
        mov     dword [ta_mode], 1
        jmp     TSS_A:0
.jback:
        call    after_task
        clts
        PRINT   `3c. busy: call 0028`
        TRY     call TSS_SEL:0
        PRINT   `; jmp 0028`
        TRY     jmp TSS_SEL:0
        PRINT   `\n3d. ring 0 int 0x88 (task gate):`
        mov     dword [ta_mode], 0
        int     0x88
        call    after_task
        clts
        mov     eax, ring3_taskgate
        mov     ebx, UCODE
        mov     ecx, 0x0202
        mov     edx, UDATA
        mov     esi, udata_top
        call    to_ring
        clts
        PRINT   `3f. call 0088 (ring-3 task):`
        mov     ebx, 0xB0B0B0B0
        call    TSS_U:0
        PRINT   ` back: ebx=`
        HEX     ebx, 8
        TYPES   0028, 0088
        PRINT   ` saved cs=`
        HEX     [tss_u + T_CS], 4
        PRINT   ` ss=`
        HEX     [tss_u + T_SS], 4
        PRINT   ` eflags=`
        HEX     [tss_u + T_EFL], 8
        mov     eax, [tss_u + T_EIP]
        sub     eax, task_u.after
        PRINT   ` eip=after_iret+`
        DEC     eax
        TS_FLAG
        PRINT   `\n`
        clts
        ret

; after_task: back in the main task: EBX/ECX kept, NT, TS, busy bits, the link and what
; task A left in its TSS.
after_task:
        PRINT   ` back: ebx=`
        HEX     ebx, 8
        PRINT   ` ecx=`
        HEX     ecx, 8
        pushfd
        pop     eax
        PRINT   ` eflags=`
        HEX     eax, 8
        TS_FLAG
        TYPES   0028, 0078
        sldt    ax
        PRINT   ` ldtr=`
        HEX     eax, 4
        PRINT   ` a.link=`
        HEX     [tss_a + T_LINK], 4
        PRINT   ` a.eax=`
        HEX     [tss_a + T_EAX], 8
        PRINT   ` a.eflags=`
        HEX     [tss_a + T_EFL], 8
        PRINT   `\n`
        ret

; Task A (TSS 0x78, ring 0, EFLAGS 0x3002 from its TSS).
task_a:
        mov     ebx, eax
        pushfd
        pop     eax
        PRINT   ` [task A: eflags=`
        HEX     eax, 8
        str     ax
        PRINT   ` tr=`
        HEX     eax, 4
        TS_FLAG
        TYPES   0028, 0078
        PRINT   ` link=`
        HEX     [tss_a + T_LINK], 4
        sldt    ax
        PRINT   ` ldtr=`
        HEX     eax, 4
        PRINT   ` caller saved cs=`
        HEX     [tss + T_CS], 4
        PRINT   ` eflags=`
        HEX     [tss + T_EFL], 8
        mov     eax, ss
        PRINT   ` ss=`
        HEX     eax, 4
        PRINT   `; ud2`
        TRY     ud2
        PRINT   `; fnop`
        TRY     fnop
        PRINT   `]`
        mov     eax, 0xA5A5A5A5
        cmp     dword [ta_mode], 0
        je      .iret
        jmp     TSS_SEL:0
        jmp     task_a
.iret:  iretd
        jmp     task_a

ring3_taskgate:
        UPRINT  `3e. ring 3 int 0x88 (task gate):`
        mov     ebx, 0xB3B3B3B3
        int     0x88
        mov     eax, cs
        pushfd
        pop     ecx
        UPRINT  ` back in ring 3: cs=`
        UHEX    eax, 4
        UPRINT  ` eflags=`
        UHEX    ecx, 8
        UPRINT  ` ebx=`
        UHEX    ebx, 8
        UPRINT  `; saved in tss 0028: cs=`
        UHEX    [tss + T_CS], 4
        UPRINT  ` ss=`
        UHEX    [tss + T_SS], 4
        UPRINT  `\n`
        BACK

; The ring-3 task (TSS 0x88: CS 001b, SS/DS/ES 0023, EFLAGS 0x0202).
task_u:
        mov     eax, cs
        mov     ebx, ss
        mov     ecx, ds
        pushfd
        pop     edx
        str     si
        movzx   esi, si
        UPRINT  ` [ring-3 task: cs=`
        UHEX    eax, 4
        UPRINT  ` ss=`
        UHEX    ebx, 4
        UPRINT  ` ds=`
        UHEX    ecx, 4
        UPRINT  ` eflags=`
        UHEX    edx, 8
        UPRINT  ` tr=`
        UHEX    esi, 4
        UPRINT  `; cli`
        TRY     cli
        UPRINT  `]`
        iretd
.after: jmp     task_u

; =======================================================================================
; 4. Exceptions while delivering one.
; =======================================================================================
check4:
        PRINT   `4. faults during delivery\n`
        PRINT   `4a. int 0x8a (gate not present)`
        TRY     int 0x8A
        PRINT   `; int 0x8b (gate to a not-present code segment)`
        TRY     int 0x8B
        PRINT   `; int 0x8c (gate to a data segment)`
        TRY     int 0x8C
        PRINT   `\n4b. #DE with the #DE gate not present, #DF through an interrupt gate:`
        and     byte [idt + 0 * 8 + 5], 0x7F
        xor     edx, edx
        xor     ecx, ecx
        mov     eax, 1
        TRY     div ecx
        PRINT   `\n4c. the same with a task gate for #DF:`
        call    df_task_gate
        mov     dword [df_resume], .r1
        mov     [df_esp], esp
        xor     edx, edx
        xor     ecx, ecx
        mov     eax, 1
        mov     ebx, 0xB4B4B4B4
        div     ecx
        PRINT   ` (not taken)`
.r1:    or      byte [idt + 0 * 8 + 5], 0x80
        PRINT   ` back: ebx=`
        HEX     ebx, 8
        TYPES   0028, 0080
        pushfd
        pop     eax
        PRINT   ` eflags=`
        HEX     eax, 8
        PRINT   `; #DE again:`
        xor     ecx, ecx
        TRY     div ecx
        PRINT   `\n`
        call    df_int_gate
        clts
        ret

; #DF through the task gate to TSS 0x80 / through the interrupt gate again.
df_task_gate:
        mov     word [idt + 8 * 8], 0
        mov     word [idt + 8 * 8 + 2], TSS_DF
        mov     word [idt + 8 * 8 + 4], 0x8500
        mov     word [idt + 8 * 8 + 6], 0
        ret
df_int_gate:
        push    eax
        push    ebx
        push    edx
        SET_GATE 8, rep_stub_8, GATE_INT
        pop     edx
        pop     ebx
        pop     eax
        ret

; The double-fault task: print the error code, the link, the interrupted task's saved
; CS/SS/ESP (and CR2), then make that task resume at df_resume on the df_esp stack.
task_df:
        mov     ebp, esp
        PRINT   ` [#DF task: err=`
        HEX     [ebp], 4
        PRINT   ` link=`
        HEX     [tss_df + T_LINK], 4
        pushfd
        pop     eax
        PRINT   ` eflags=`
        HEX     eax, 8
        TYPES   0028, 0080
        PRINT   ` saved cs=`
        HEX     [tss + T_CS], 4
        mov     eax, [tss + T_ESP]
        sub     eax, [df_esp]
        PRINT   ` esp=`
        HEX     eax, 8
        PRINT   ` cr2=`
        mov     eax, cr2
        HEX     eax, 8
        PRINT   `]`
        mov     eax, [df_resume]
        mov     [tss + T_EIP], eax
        mov     eax, [df_esp]
        mov     [tss + T_ESP], eax
        mov     dword [tss + T_CS], KCODE
        mov     dword [tss + T_SS], KDATA
        mov     dword [tss + T_DS], KDATA
        mov     dword [tss + T_ES], KDATA
        mov     dword [tss + T_EFL], 0x0002
        add     esp, 4
        iretd
        jmp     task_df

; =======================================================================================
; 5. Paging and string instructions: faults mid-way and restarting, interrupts.
; =======================================================================================
%define TP(i) (tpages + (i) * 4096)

; pte_of: EAX = linear address (< 4 MiB) -> EAX = address of its PTE
%macro PTE_ADDR 1
        mov     eax, %1
        shr     eax, 12
        lea     eax, [page_table + eax * 4]
%endmacro

; string_setup: ESI/EDI bases for pf_fix's report.
%macro BASES 3      ; src base, dst base, rep instruction
        mov     dword [pf_src], %1
        mov     dword [pf_dst], %2
        mov     dword [pf_rep], %3
%endmacro

check5:
        PRINT   `5. paging, string instructions\n`
        ; identity-map 0-4 MiB, every page present, writable, user
        mov     edi, page_table
        mov     eax, 0x007
        mov     ecx, 1024
.map:   stosd
        add     eax, 4096
        loop    .map
        mov     edi, page_dir
        mov     eax, page_table
        or      eax, 0x007
        stosd
        xor     eax, eax
        mov     ecx, 1023
        rep stosd
        ; source pattern, 64 KiB
        mov     edi, srcbuf
        xor     ecx, ecx
.fill:  mov     eax, ecx
        imul    eax, eax, 13
        mov     edx, ecx
        shr     edx, 8
        add     eax, edx
        mov     [edi + ecx], al
        inc     ecx
        cmp     ecx, 0x10000
        jb      .fill
        ; test pages: 2 and 3 get a pattern, 9 "abcdefgh" across its start
        mov     esi, srcbuf
        mov     edi, TP(2)
        mov     ecx, 8192
        rep movsb
        mov     dword [TP(9) - 4], 'abcd'
        mov     dword [TP(9)], 'efgh'
        ; not present: 1, 3, 7, 9, 10, 11; supervisor-only: 5
        mov     ebx, 1
        call    .np
        mov     ebx, 3
        call    .np
        mov     ebx, 7
        call    .np
        mov     ebx, 9
        call    .np
        mov     ebx, 10
        call    .np
        mov     ebx, 11
        call    .np
        PTE_ADDR TP(5)
        and     dword [eax], ~4
        mov     eax, page_dir
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        SET_GATE 14, pf_fix, GATE_INT

        PRINT   `5a. rep movsb 300 bytes to 100 before a not-present page:`
        BASES   srcbuf, TP(1) - 0x100, .rep1
        mov     esi, srcbuf
        mov     edi, TP(1) - 0x100
        mov     ecx, 0x300
.rep1:  rep movsb
        call    string_after
        mov     esi, TP(1) - 0x100
        mov     ecx, 0x300
        call    print_sum
        PRINT   `\n5b. rep movsd 16 dwords from 8 before a not-present page:`
        BASES   TP(3) - 8, copy_buf, .rep2
        mov     esi, TP(3) - 8
        mov     edi, copy_buf
        mov     ecx, 16
.rep2:  rep movsd
        call    string_after
        mov     esi, copy_buf
        mov     ecx, 64
        call    print_sum
        PRINT   `\n5c. rep insb 8 from port 21 (imr a5) to 4 before a not-present page:`
        mov     al, 0xA5
        out     PIC1_DATA, al
        BASES   0, TP(7) - 4, .rep3
        mov     edi, TP(7) - 4
        mov     ecx, 8
        mov     dx, PIC1_DATA
        push    eax
        push    edx
        rdtsc
        mov     [tsc_insb], eax
        pop     edx
        pop     eax
.rep3:  rep insb
        push    eax
        push    edx
        rdtsc
        sub     [tsc_insb], eax
        neg     dword [tsc_insb]
        pop     edx
        pop     eax
        call    string_after
        mov     esi, TP(7) - 4
        mov     ecx, 8
        call    print_bytes
        mov     al, 0xFF
        out     PIC1_DATA, al
        PRINT   `\n`
        mov     eax, ring3_strings
        mov     ebx, UCODE
        mov     ecx, 0x3002
        mov     edx, UDATA
        mov     esi, udata_top
        call    to_ring

        PRINT   `5f. #PF while delivering #PF (stack page not present):`
        call    df_task_gate
        mov     dword [df_resume], .r5
        mov     [df_esp], esp
        mov     esp, TP(11) + 0x800
        mov     eax, [TP(10)]
        PRINT   ` (not taken)`
.r5:    call    df_int_gate
        clts
        mov     eax, cr2
        PRINT   ` cr2 now tp11+`
        sub     eax, TP(11)
        HEX     eax, 4
        PRINT   `\n`

        call    check5_irq

        mov     eax, cr0
        and     eax, 0x7FFFFFFF
        mov     cr0, eax
        SET_GATE 14, rep_stub_14, GATE_INT
        ret
.np:    ; EBX = test page number: not present
        mov     eax, ebx
        shl     eax, 12
        add     eax, tpages
        PTE_ADDR eax
        and     dword [eax], ~1
        ret

; string_after: " -> ecx=.. esi=src+.. edi=dst+.." after the REP completed.
string_after:
        push    eax
        PRINT   ` done: ecx=`
        HEX     ecx, 8
        cmp     dword [pf_src], 0
        je      .nosrc
        mov     eax, esi
        sub     eax, [pf_src]
        PRINT   ` esi=src+`
        HEX     eax, 4
.nosrc: mov     eax, edi
        sub     eax, [pf_dst]
        PRINT   ` edi=dst+`
        HEX     eax, 4
        pop     eax
        ret

; print_sum: ESI, ECX -> " sum=xxxxxxxx"
print_sum:
        pushad
        xor     eax, eax
.c:     movzx   edx, byte [esi]
        rol     eax, 7
        xor     eax, edx
        add     eax, ecx
        inc     esi
        loop    .c
        PRINT   ` sum=`
        HEX     eax, 8
        popad
        ret

; #PF handler for the restart tests: report the interrupted string registers, make the
; page present, writable and user, and return to the same instruction.
pf_fix:
        pushad
        push    ds
        mov     ax, KDATA
        mov     ds, ax
        mov     ebp, esp
        PRINT   ` [#PF(`
        HEX     [ebp + 36], 4
        PRINT   `) cr2=tp+`
        mov     eax, cr2
        sub     eax, tpages
        HEX     eax, 5
        PRINT   ` ecx=`
        HEX     [ebp + 28], 8
        cmp     dword [pf_src], 0
        je      .nosrc
        mov     eax, [ebp + 8]
        sub     eax, [pf_src]
        PRINT   ` esi=src+`
        HEX     eax, 4
.nosrc: cmp     dword [pf_dst], 0
        je      .nodst
        mov     eax, [ebp + 4]
        sub     eax, [pf_dst]
        PRINT   ` edi=dst+`
        HEX     eax, 4
.nodst: mov     eax, [ebp + 40]
        cmp     eax, [pf_rep]
        je      .at
        PRINT   ` eip=`
        HEX     eax, 8
.at:    test    byte [ebp + 44], 3
        jz      .k
        PRINT   ` cs=`
        HEX     [ebp + 44], 4
        PRINT   ` eflags=`
        HEX     [ebp + 48], 8
.k:     PRINT   `]`
        mov     eax, cr2
        PTE_ADDR eax
        or      dword [eax], 7
        mov     eax, cr2
        invlpg  [eax]
        pop     ds
        popad
        add     esp, 4
        iretd

ring3_strings:
        UPRINT  `5d. ring 3 (IOPL 3) rep stosd 8 dwords to 8 before a supervisor page:`
        mov     dword [pf_src], 0
        mov     dword [pf_dst], TP(5) - 8
        mov     dword [pf_rep], .rep4
        mov     edi, TP(5) - 8
        mov     ecx, 8
        mov     eax, 0x5A5A5A5A
.rep4:  rep stosd
        mov     eax, ecx
        UPRINT  ` done: ecx=`
        UHEX    eax, 8
        mov     eax, edi
        sub     eax, TP(5) - 8
        UPRINT  ` edi=dst+`
        UHEX    eax, 4
        UPRINT  `\n5e. ring 3 (IOPL 3) rep outsb 8 to port e9 from 4 before a not-present page: "`
        mov     dword [pf_src], TP(9) - 4
        mov     dword [pf_dst], 0
        mov     dword [pf_rep], .rep5
        mov     esi, TP(9) - 4
        mov     ecx, 8
        mov     dx, 0xE9
.rep5:  rep outsb
        mov     eax, ecx
        UPRINT  `" done: ecx=`
        UHEX    eax, 8
        mov     eax, esi
        sub     eax, TP(9) - 4
        UPRINT  ` esi=src+`
        UHEX    eax, 4
        UPRINT  `; rep insb 4 from port 21:`
        mov     edi, ux_buf
        mov     dword [edi], 0
        mov     ecx, 4
        mov     dx, 0x21
        rep insb
        UHEX    [ux_buf], 8
        UPRINT  `\n`
        BACK

; 5g: the PIT (mode 2, fast) interrupting long REP MOVSB / REP STOSD. The handler checks
; that an interrupt taken at the REP instruction saw consistent ECX/ESI/EDI; what is
; printed does not depend on how many interrupts came or where.
REP_N           equ 0x10000
check5_irq:
        SET_GATE IRQ_BASE, irq0_rep, GATE_INT
        mov     dword [rep_bad], 0
        mov     dword [rep_hits], 0
        mov     dword [rep_other], 0
        mov     al, 0x34                ; PIT channel 0 mode 2
        out     PIT_CMD, al
        mov     al, 20                  ; 16.8 us: several ticks inside the copies
        out     PIT_CH0, al
        xor     al, al
        out     PIT_CH0, al
        mov     al, 0xFE
        out     PIC1_DATA, al
        PRINT   `5g. rep movsb 64 KiB with the PIT running (IF=1):`
        mov     dword [rep_eip], .rep1
        mov     dword [rep_src], srcbuf
        mov     dword [rep_dst], dstbuf
        mov     dword [rep_scale], 0
        mov     esi, srcbuf
        mov     edi, dstbuf
        mov     ecx, REP_N
        sti
.rep1:  rep movsb
        cli
        push    ecx
        mov     ecx, esi
        sub     ecx, srcbuf
        mov     eax, edi
        sub     eax, dstbuf
        pop     edx
        PRINT   ` ecx=`
        HEX     edx, 8
        PRINT   ` esi=src+`
        HEX     ecx, 5
        PRINT   ` edi=dst+`
        HEX     eax, 5
        mov     esi, dstbuf
        mov     ecx, REP_N
        call    print_sum
        mov     eax, ring3_rep
        mov     ebx, UCODE
        mov     ecx, 0x0202
        mov     edx, UDATA
        mov     esi, udata_top
        call    to_ring
        mov     al, 0xFF
        out     PIC1_DATA, al
        mov     al, 0x30                ; PIT back to mode 0 (one edge, already masked)
        out     PIT_CMD, al
        PRINT   `; interrupted state consistent: `
        cmp     dword [rep_bad], 0
        jne     .bad
        PRINT   `yes\n`
        jmp     .vga
.bad:   PRINT   `NO (ecx=`
        HEX     [rep_bad_ecx], 8
        PRINT   ` esi=`
        HEX     [rep_bad_esi], 8
        PRINT   ` edi=`
        HEX     [rep_bad_edi], 8
        PRINT   ` eip=`
        HEX     [rep_bad_eip], 8
        PRINT   `)\n`
.vga:   ; the counts (timing-dependent under QEMU) only on the VGA row 24
        mov     edi, VGA_TEXT + 24 * 160
        mov     eax, [rep_hits]
        call    vga_hex8
        mov     eax, [rep_other]
        call    vga_hex8
        ret

ring3_rep:
        mov     dword [rep_eip], .rep2
        mov     dword [rep_src], 0
        mov     dword [rep_dst], dstbuf
        mov     dword [rep_scale], 2
        mov     edi, dstbuf
        mov     ecx, REP_N / 4
        mov     eax, 0x3C3C3C3C
.rep2:  rep stosd
        BACK                            ; an interrupt gate: IF=0 from here on

irq0_rep:
        push    ds
        push    eax
        push    ebx
        mov     ax, KDATA
        mov     ds, ax
        mov     eax, [esp + 12]         ; EIP
        cmp     eax, [rep_eip]
        jne     .other
        inc     dword [rep_hits]
        ; done = ECX total - ECX; EDI - dst must be done << scale, ESI - src too
        mov     eax, REP_N
        push    ecx
        mov     cl, [rep_scale]
        shr     eax, cl
        pop     ecx
        sub     eax, ecx
        jb      .bad
        push    ecx
        mov     cl, [rep_scale]
        shl     eax, cl
        pop     ecx
        mov     ebx, edi
        sub     ebx, [rep_dst]
        cmp     ebx, eax
        jne     .bad
        cmp     dword [rep_src], 0
        je      .eoi
        mov     ebx, esi
        sub     ebx, [rep_src]
        cmp     ebx, eax
        jne     .bad
        jmp     .eoi
.bad:   mov     dword [rep_bad], 1
        mov     [rep_bad_ecx], ecx
        mov     [rep_bad_esi], esi
        mov     [rep_bad_edi], edi
        mov     eax, [esp + 12]
        mov     [rep_bad_eip], eax
        jmp     .eoi
.other: inc     dword [rep_other]
.eoi:   mov     al, PIC_EOI
        out     PIC1_CMD, al
        pop     ebx
        pop     eax
        pop     ds
        iretd

; vga_hex8 / vga_hex4: EAX at EDI (VGA cell address), 8 or 4 digits and a space; EDI
; advances.
vga_hex4:
        push    ecx
        push    edx
        rol     eax, 16
        mov     ecx, 4
        jmp     vga_hex8.d
vga_hex8:
        push    ecx
        push    edx
        mov     ecx, 8
.d:     rol     eax, 4
        mov     edx, eax
        and     edx, 0xF
        mov     dl, [hex_digits + edx]
        mov     dh, 0x07
        mov     [edi], dx
        add     edi, 2
        loop    .d
        mov     word [edi], 0x0720
        add     edi, 2
        pop     edx
        pop     ecx
        ret

; =======================================================================================
; 6. Real mode and back; virtual-8086 mode with CR4.VME off.
; =======================================================================================
RM_BASE         equ 0x7000              ; the real-mode code is copied here (CS 0700)
RM_RES          equ 0x6000              ; what it saw
%define RM(l) ((l) - rm_start)

check6:
        PRINT   `6. real mode, virtual-8086 mode\n`
        mov     esi, rm_start
        mov     edi, RM_BASE
        mov     ecx, rm_end - rm_start
        rep movsb
        mov     eax, [gdt2_ptr]
        mov     [RM_BASE + RM(rm_gdtp)], eax
        mov     ax, [gdt2_ptr + 4]
        mov     [RM_BASE + RM(rm_gdtp) + 4], ax
        mov     eax, [idt_ptr]
        mov     [RM_BASE + RM(rm_idtp)], eax
        mov     ax, [idt_ptr + 4]
        mov     [RM_BASE + RM(rm_idtp) + 4], ax
        mov     word [0x60 * 4], RM(rm_int60)   ; IVT entry 0x60 -> 0700:rm_int60
        mov     word [0x60 * 4 + 2], RM_BASE >> 4
        mov     edi, RM_RES
        mov     ecx, 16
        xor     eax, eax
        rep stosd
        mov     word [0x20 * 4], RM(rm_irq)     ; IVT entry 0x20 (IRQ 0) -> 0700:rm_irq
        mov     word [0x20 * 4 + 2], RM_BASE >> 4
        call    arm_irq0_r1                     ; IRQ 0 pending, to be taken in real mode
        mov     [pm_esp], esp
        lidt    [rm_ivt_ptr]
        jmp     RMCODE16:RM(rm_start)
pm_again:
        mov     ax, KDATA
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, [pm_esp]
        PRINT   `6a. real mode: cs=`
        HEX     [RM_RES + 0], 4
        PRINT   ` pushf=`
        HEX     [RM_RES + 2], 4
        PRINT   ` smsw=`
        HEX     [RM_RES + 4], 4
        PRINT   ` cr0=`
        HEX     [RM_RES + 28], 8
        PRINT   `; int 60: handler saw ip=`
        HEX     [RM_RES + 8], 4
        PRINT   ` cs=`
        HEX     [RM_RES + 10], 4
        PRINT   ` flags=`
        HEX     [RM_RES + 12], 4
        PRINT   ` sp=`
        HEX     [RM_RES + 14], 4
        PRINT   ` result=`
        HEX     [RM_RES + 6], 4
        PRINT   ` flags after=`
        HEX     [RM_RES + 16], 4
        PRINT   `; far jmp 0000:`
        HEX     [RM_RES + 18], 4
        PRINT   ` cs=`
        HEX     [RM_RES + 20], 4
        PRINT   `; ds=1000 [0]=`
        HEX     [RM_RES + 22], 4
        PRINT   `; irq 0 pending, sti; nop; nop: handler saw ip=label+`
        movzx   eax, word [RM_RES + 32]
        sub     eax, RM_BASE + RM(rm_sti)    ; CS is 0000 there
        DEC     eax
        PRINT   ` cs=`
        HEX     [RM_RES + 34], 4
        PRINT   ` flags=`
        HEX     [RM_RES + 36], 4
        mov     eax, cr0
        PRINT   `; protected again: cr0=`
        HEX     eax, 8
        str     ax
        PRINT   ` tr=`
        HEX     eax, 4
        sidt    [scratch]
        PRINT   ` idt=`
        HEX     [scratch + 2], 8
        PRINT   `\n`

        ; virtual-8086 mode
        COPY_V86_CODE
        SET_GATE V86_VECTOR, int83_handler, GATE_INT_DPL3
        SET_GATE 13, v86_gp_handler, GATE_INT
        PRINT   `6b. v86 IOPL 3:`
        mov     eax, v86_flags - v86_code
        mov     ecx, 0x23002
        call    to_v86
        PRINT   `6c. v86 IOPL 3, in al,21 (no I/O bitmap):`
        mov     eax, v86_in - v86_code
        mov     ecx, 0x23002
        call    to_v86
        PRINT   `6d. v86 IOPL 3, int 0x82 (gate DPL 0):`
        mov     eax, v86_int82 - v86_code
        mov     ecx, 0x23002
        call    to_v86
        PRINT   `6e. v86 IOPL 0, int 0x83:`
        mov     eax, v86_int83 - v86_code
        mov     ecx, 0x20002
        call    to_v86
        PRINT   `6f. v86 IOPL 3, int3 (gate DPL 3):`
        SET_GATE V86_BP, v86_bp_handler, GATE_INT_DPL3
        mov     eax, v86_int3 - v86_code
        mov     ecx, 0x23002
        call    to_v86
        PRINT   `6h. IRQ 0 pending, v86 IOPL 3: sti; nop; nop:`
        SET_GATE IRQ_BASE, irq_v86, GATE_INT
        call    arm_irq0_r1
        mov     dword [irq_label], v86_irq - v86_code
        mov     eax, v86_irq - v86_code
        mov     ecx, 0x23002
        call    to_v86
        PRINT   `6g. jmp to a virtual-8086 task (TSS 00b0, EFLAGS VM=1 IOPL 3):`
        SET_GATE 0x85, v86task_int, GATE_INT_DPL3
        mov     ebx, 0xB6B6B6B6
        jmp     TSS_V:0
        clts
        PRINT   ` back: ebx=`
        HEX     ebx, 8
        TYPES   0028, 00b0
        PRINT   ` saved cs=`
        HEX     [tss_v + T_CS], 4
        PRINT   ` eflags=`
        HEX     [tss_v + T_EFL], 8
        PRINT   ` ds=`
        HEX     [tss_v + T_DS], 4
        PRINT   `\n`
        SET_GATE 13, rep_stub_13, GATE_INT
        SET_GATE V86_BP, exc_stub_3, GATE_INT
        ret
V86_BP          equ 3

rm_ivt_ptr:     dw 0x3FF
                dd 0

; RM_SAVE_FRAME bp_offset, result_offset: the real-mode interrupt frame's IP, CS and
; FLAGS at [BP+bp_offset] to three words at RM_RES+result_offset. Clobbers AX.
%macro RM_SAVE_FRAME 2
        mov     ax, [bp + %1]
        mov     [RM_RES + %2], ax
        mov     ax, [bp + %1 + 2]
        mov     [RM_RES + %2 + 2], ax
        mov     ax, [bp + %1 + 4]
        mov     [RM_RES + %2 + 4], ax
%endmacro

; The real-mode code: entered in 16-bit protected mode (CS base 0x7000), drops PE.
        bits    16
rm_start:
        mov     ax, RMDATA16
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     sp, RM_BASE
        mov     eax, cr0
        and     al, 0xFE
        mov     cr0, eax
        jmp     (RM_BASE >> 4):RM(.real)
.real:
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, RM_BASE
        mov     ax, cs
        mov     [RM_RES + 0], ax
        pushf
        pop     ax
        mov     [RM_RES + 2], ax
        smsw    ax
        mov     [RM_RES + 4], ax
        mov     eax, cr0
        mov     [RM_RES + 28], eax
        int     0x60
        pushf
        pop     ax
        mov     [RM_RES + 16], ax
        jmp     0:(RM_BASE + RM(.far))
.far:
        mov     word [RM_RES + 18], RM_BASE + RM(.far)
        mov     ax, cs
        mov     [RM_RES + 20], ax
        mov     ax, 0x1000
        mov     es, ax
        mov     word [es:0], 0x4321
        mov     ax, [es:0]
        mov     [RM_RES + 22], ax
rm_sti: sti
        nop
        nop
        cli
        ; back to protected mode
        o32 lidt [RM_BASE + RM(rm_idtp)]
        o32 lgdt [RM_BASE + RM(rm_gdtp)]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword KCODE:pm_again
rm_int60:
        push    bp
        mov     bp, sp
        RM_SAVE_FRAME 2, 8
        mov     [RM_RES + 14], sp
        mov     word [RM_RES + 6], 0x600D
        pop     bp
        iret
rm_irq:
        push    bp
        push    ax
        mov     bp, sp
        RM_SAVE_FRAME 4, 32
        MASK_ALL_EOI
        pop     ax
        pop     bp
        iret
rm_gdtp:        dw 0
                dd 0
rm_idtp:        dw 0
                dd 0
        bits    32
rm_end:

V86_SEG         equ 0x0800
V86_SS          equ 0x0900
V86_VECTOR      equ 0x83

; INT 0x83 from v86: print what the v86 code stored (AX..DX, SI, DI) and the frame's EFLAGS.
int83_handler:
        mov     bp, KDATA
        mov     ds, bp
        mov     es, bp
        mov     ebp, esp
        PRINT   ` int 0x83 ip=`
        HEX     [ebp], 4
        PRINT   ` eflags=`
        HEX     [ebp + 8], 8
        PRINT   `; v86 saw`
        mov     esi, V86_SEG * 16 + 0x200
        mov     ecx, 6
.w:     PRINT   ` `
        movzx   eax, word [esi]
        HEX     eax, 4
        add     esi, 2
        loop    .w
        PRINT   ` pushfd=`
        HEX     [V86_SEG * 16 + 0x210], 8
        PRINT   `\n`
        jmp     v86_back

v86_gp_handler:
        KERNEL_FRAME
        PRINT   ` #GP(`
        HEX     [ebp], 4
        PRINT   `)`
        call    put_v86_gp_frame
        PRINT   `\n`
        jmp     v86_back

; IRQ 0 from virtual-8086 mode: the frame with the v86 segment registers; EOI, mask.
irq_v86:
        push    ebp
        mov     ebp, esp
        push    eax
        push    ds
        push    es                      ; null on entry from v86 (the console scrolls with ES)
        mov     ax, KDATA
        mov     ds, ax
        mov     es, ax
        PRINT   ` [irq 0: ip=label+`
        IRQ_FRAME
        PRINT   ` sp=`
        HEX     [ebp + 16], 4
        PRINT   ` ss=`
        HEX     [ebp + 20], 4
        PRINT   ` es=`
        HEX     [ebp + 24], 4
        PRINT   ` ds=`
        HEX     [ebp + 28], 4
        PRINT   ` esp0-`
        PUT_ESP0_USE 4
        PRINT   `]`
        MASK_ALL_EOI
        pop     es
        pop     ds
        pop     eax
        pop     ebp
        iretd

; INT 0x85 from the virtual-8086 task: its frame, the registers the CPU nulled, TR and
; the stack (TSS 00b0's SS0:ESP0); then JMP back to the main task.
v86task_int:
        mov     esi, ds
        KERNEL_FRAME
        PRINT   ` [v86 task int 0x85:`
        call    put_v86_frame
        PRINT   `; in handler ds=`
        HEX     esi, 4
        str     ax
        PRINT   ` tr=`
        HEX     eax, 4
        mov     eax, task_v_kstack_top
        sub     eax, ebp
        PRINT   ` esp0-`
        DEC     eax
        PRINT   `; v86 saw cs=`
        HEX     [V86_SEG * 16 + 0x220], 4
        PRINT   ` flags=`
        HEX     [V86_SEG * 16 + 0x222], 4
        PRINT   ` ss=`
        HEX     [V86_SEG * 16 + 0x224], 4
        PRINT   `]`
        mov     ebx, 0x12121212
        jmp     TSS_SEL:0

v86_bp_handler:
        KERNEL_FRAME
        PRINT   ` #BP ip=`
        HEX     [ebp], 4
        PRINT   ` eflags=`
        HEX     [ebp + 8], 8
        PRINT   `\n`
        jmp     v86_back

v86_code:
        bits    16
v86_flags:
        pushf
        pop     ax
        mov     [0x200], ax             ; as entered (IOPL 3, IF 0)
        sti
        pushf
        pop     ax
        mov     [0x202], ax
        cli
        pushf
        pop     ax
        mov     [0x204], ax
        push    word 0x0200             ; IOPL 0, IF 1
        popf
        pushf
        pop     ax
        mov     [0x206], ax
        push    word 0x0000
        popf
        pushf
        pop     ax
        mov     [0x208], ax
        mov     ax, cs
        mov     [0x20a], ax
        sti
        pushfd
        pop     eax
        mov     [0x210], eax
        int     V86_VECTOR
        jmp     $
v86_in:
        in      al, 0x21
        jmp     $
v86_int82:
        int     0x82
        jmp     $
v86_int83:
        int     V86_VECTOR
        jmp     $
v86_int3:
        int3
        jmp     $
v86_irq:
        sti
        nop
        nop
        cli
        int     V86_VECTOR
        jmp     $
v86_task_entry:
        mov     ax, cs
        mov     [0x220], ax
        pushf
        pop     ax
        mov     [0x222], ax
        mov     ax, ss
        mov     [0x224], ax
        int     0x85
        jmp     $
        bits    32
v86_code_end:

; =======================================================================================
; 7. The TSC across sensitive, privileged and I/O instructions.
; =======================================================================================
%macro TSC0 1
        PRINT   ` `
        PRINT   %1
        PRINT   `=`
        rdtsc
        mov     esi, eax
%endmacro
%macro TSC1 0
        rdtsc
        sub     eax, esi
        call    tsc_report
%endmacro

check7:
        PRINT   `7. rdtsc deltas positive:`
        mov     dword [vga_col], VGA_TEXT + 24 * 160 + 40
        SET_GATE 0x84, int84_handler, GATE_INT
        TSC0    `nop`
        nop
        TSC1
        TSC0    `pushfd/popfd`
        pushfd
        popfd
        TSC1
        TSC0    `cli/sti/cli`
        cli
        sti
        cli
        TSC1
        TSC0    `cr0`
        mov     ebx, cr0
        TSC1
        TSC0    `in`
        in      al, 0x21
        TSC1
        TSC0    `mov-cs`
        mov     ebx, cs
        TSC1
        TSC0    `int`
        int     0x84
        TSC1
        TSC0    `sgdt`
        sgdt    [scratch]
        TSC1
        PRINT   ` rep-insb-with-#PF(5c)=`
        mov     eax, [tsc_insb]
        call    tsc_report
        PRINT   `\n`
        ret

int84_handler:
        iretd

; tsc_report: EAX = delta: "yes"/"no" on the console, the value on VGA row 24.
tsc_report:
        test    eax, eax
        jz      .no
        PRINT   `yes`
        jmp     .v
.no:    PRINT   `no`
.v:     push    edi
        mov     edi, [vga_col]
        call    vga_hex4
        mov     [vga_col], edi
        pop     edi
        ret

; Tables the CPU reads and writes (GDT, LDT, TSSs) on a page of their own: ABS() needs
; them in .text.
        align 4096, db 0
syscall_table:
        dd sys_finish, sys_puts, sys_puthex, sys_putdec, sys_putc, sys_back
        align 8
gdt2:
        times 6 dq 0                                            ; copied from gdt
        DESCRIPTOR 0, 0xFFFFF, 0xBB, FLAGS_4K32                 ; 0x30 ring-1 code
        DESCRIPTOR 0, 0xFFFFF, 0xB3, FLAGS_4K32                 ; 0x38 ring-1 data
        DESCRIPTOR 0, 0xFFFFF, 0xDB, FLAGS_4K32                 ; 0x40 ring-2 code
        DESCRIPTOR 0, 0xFFFFF, 0xD3, FLAGS_4K32                 ; 0x48 ring-2 data
        DESCRIPTOR 0, 0xFFFFF, 0x9F, FLAGS_4K32                 ; 0x50 conforming code, DPL 0
        DESCRIPTOR ABS(c16_start), 0xFFFF, 0x9B, 0              ; 0x58 16-bit code
        dw ABS(r1_gate_fn) & 0xFFFF, R1CODE | 1                 ; 0x60 call gate -> ring 1, 1 param, DPL 3
        db 1, 0xEC
        dw ABS(r1_gate_fn) >> 16
        dw ABS(r0_gate_fn) & 0xFFFF, KCODE                      ; 0x68 call gate -> ring 0, DPL 3
        db 0, 0xEC
        dw ABS(r0_gate_fn) >> 16
        DESCRIPTOR 0, 0x00FFF, 0xF7, 0x4                        ; 0x70 expand-down data, DPL 3, B=1
        DESCRIPTOR ABS(tss_a), 103, 0x89, 0                     ; 0x78 task A
        DESCRIPTOR ABS(tss_df), 103, 0x89, 0                    ; 0x80 double-fault task
        DESCRIPTOR ABS(tss_u), 103, 0x89, 0                     ; 0x88 ring-3 task
        DESCRIPTOR ABS(ldt_table), 31, 0x82, 0                  ; 0x90 LDT
        DESCRIPTOR 0, 0xFFFFF, 0x1B, FLAGS_4K32                 ; 0x98 not-present code
        DESCRIPTOR 0x7000, 0xFFFF, 0x9B, 0                      ; 0xa0 16-bit code at 0x7000
        DESCRIPTOR 0, 0xFFFF, 0x93, 0                           ; 0xa8 16-bit data, 64 KiB
        DESCRIPTOR ABS(tss_v), 103, 0x89, 0                     ; 0xb0 virtual-8086 task
gdt2_end:
gdt2_ptr:
        dw gdt2_end - gdt2 - 1
        dd gdt2
        align 8
ldt_table:
        DESCRIPTOR 0, 0xFFFFF, 0x9B, FLAGS_4K32                 ; 0x04 ring-0 code
        DESCRIPTOR ABS(ldt_data), 0xF, 0x93, 0x4                ; 0x0c ring-0 data, 16 bytes
        DESCRIPTOR 0, 0xFFFFF, 0xFB, FLAGS_4K32                 ; 0x17 ring-3 code
        dw ABS(r0_gate_fn) & 0xFFFF, KCODE                      ; 0x1f call gate -> ring 0, DPL 3
        db 0, 0xEC
        dw ABS(r0_gate_fn) >> 16
ldt_data:
        db "LDT!data-segment"
        align 4
tss_a:  TSS32 task_a, KCODE, KDATA, task_a_stack_top, 0x3002, 0
tss_df: TSS32 task_df, KCODE, KDATA, task_df_stack_top, 0x0002, 0
tss_u:  TSS32 task_u, UCODE, UDATA, task_u_stack_top, 0x0202, task_u_kstack_top
tss_v:  TSS32 v86_task_entry - v86_code, 0x0800, 0x0800, 0x0F00, 0x23002, task_v_kstack_top
        align 4096, db 0

section .bss
                alignb 4096
page_dir:       resb 4096
page_table:     resb 4096
tpages:         resb 12 * 4096
srcbuf:         resb 0x10000
dstbuf:         resb 0x10000
                alignb 16
                resb 4096
kstack_top:
                resb 2048
r1_stack_top:
                resb 2048
r1_stack2_top:
                resb 2048
r2_stack_top:
                resb 2048
task_a_stack_top:
                resb 2048
task_df_stack_top:
                resb 2048
task_u_stack_top:
                resb 2048
task_u_kstack_top:
                resb 2048
task_v_kstack_top:
                resb 2048
udata_top:
k_esp:          resd 1
pm_esp:         resd 1
esp_before:     resd 1
ux_expect:      resd 1
ux_resume:      resd 1
ux_esp:         resd 1
ux_buf:         resd 2
ta_mode:        resd 1
df_resume:      resd 1
df_esp:         resd 1
pf_src:         resd 1
pf_dst:         resd 1
pf_rep:         resd 1
rep_eip:        resd 1
rep_src:        resd 1
rep_dst:        resd 1
rep_scale:      resd 1
rep_bad:        resd 1
rep_hits:       resd 1
rep_other:      resd 1
rep_bad_ecx:    resd 1
rep_bad_esi:    resd 1
rep_bad_edi:    resd 1
rep_bad_eip:    resd 1
vga_col:        resd 1
irq_label:      resd 1
tsc_insb:       resd 1
c16_esp0:       resd 1
c16_esp1:       resd 1
c16_esp2:       resd 1
c16_esp3:       resd 1
c16_esp4:       resd 1
c16_flags:      resd 1
c16_w:          resw 8
c16_d:          resd 4
scratch:        resd 4
copy_buf:       resb 256

section .text
%include "torture-code.inc"
%include "console.inc"
%include "syscall.inc"
%include "pic.inc"
%include "pit.inc"
%include "end.inc"
