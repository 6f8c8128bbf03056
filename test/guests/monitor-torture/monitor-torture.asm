; monitor-torture — a guest that attacks the deprivileging monitor policies.
;
; A scan-and-patch or PVI monitor runs this kernel in ring 1 or 3, keeps its IF, IOPL,
; IDTR, CR4 and CPL virtual, patches its sensitive instructions (in the CPU's instruction
; view only) and re-executes every fault in the guest's own view. Each numbered check
; below does something that such a monitor has to get exactly right, and prints what it
; observed (values, not just ok/fail), so that any imperfection changes the output:
;
;   1. self-modifying code: sensitive instructions written over NOPs that already ran,
;      NOPs written back over a sensitive instruction that ran, an immediate changed right
;      after it executed (in a loop), a store into the very next instruction, a sensitive
;      instruction straddling a page boundary changed in its second page, STI;HLT written
;      where a sensitive instruction used to be, ring 3 writing the kernel's code, and a
;      far JMP whose target bytes (in the next 128-byte block) are rewritten
;   2. the kernel reading its own code: the bytes of sensitive instructions that already
;      ran (real bytes, never a patch), checksums over a range full of them (MOV, LODSB,
;      CS:, REP MOVSB + REPE CMPSB), overlapping instructions (executing from inside an
;      immediate), sensitive instructions behind prefixes, ring 3 reading the same code
;   3. IF games with a real pending IRQ 0 (PIT mode 0 one-shot): IRR/ISR read back with
;      IF=0, the STI shadow, POPFD and IRETD setting IF (to ring 0 and to ring 3),
;      STI;HLT (IRQ pending / still to come), STI;CLI, STI;PUSHFD
;   4. IOPL games: IOPL 3 lets ring 3 do IN/OUT/REP OUTSB/CLI/STI and POPFD change IF;
;      IOPL 0 makes them #GP (and POPFD silently keeps IF and IOPL)
;   5. paging: U/S and R/W faults (CR2, error code), CR0.WP, PTE A/D bits, INVLPG after a
;      PTE change (data and code), a write to code through an alias mapping
;   6. a call gate with 2 parameters from ring 3 and ring 0 (stack switch, copied
;      parameters, RETF 8), INT n through DPL-3 interrupt and trap gates
;   7. exceptions in the kernel (#DE #UD #GP #NP #BP #OF #BR, IRETD/RETF to bad CS) with
;      the frame they push
;   8. more: LAR/LSL of the kernel's own CS/SS, SMSW vs MOV from CR0, LMSW, CLTS, #NM,
;      STR/SLDT/SIDT, NT and IOPL through POPFD/IRETD, EFLAGS.AC with CR0.AM, TSS.ESP0
;      after interrupts from ring 3, a nested IRQ and a #UD inside an interrupt handler,
;      single-stepping (TF) over sensitive, privileged and I/O instructions (and DR6.BS),
;      LIDT of a second IDT, segment descriptor caches kept across exits after the GDT
;      entry changed, CR4.TSD
;   9. the I/O permission bitmap: ring 3 with IOPL 0 uses the ports the TSS bitmap opens
;      (after LTR of the enlarged TSS), and faults on the others (also 16-bit accesses
;      that straddle an open and a closed port)
;  10. virtual-8086 mode: IRETD into it, INT n out of it with IOPL 3 (the frame with the
;      v86 segment registers), a #GP out of it with IOPL 0 (CLI)
;
; Deliberately absent, because QEMU (the reference) is not exact there: writes through a
; CS override (QEMU TCG does not check segment types on access), ICEBP (F1 raises #UD in
; QEMU 7.2), and x87 arithmetic (ringlab's core has no FPU; only the #NM with CR0.TS
; is checked).
;
; Output determinism: QEMU's PIT runs on wall-clock time, ringlab's on virtual time, so
; nothing printed depends on when the timer fires — only on *where* an already pending
; interrupt is taken (which the architecture fixes) or on a HLT waking up. IRQ 0 is only
; ever a one-shot (PIT mode 0): one rising edge per arming, and the kernel waits for the
; IRR bit before each probe that needs a pending interrupt. A HLT that waits for the
; one-shot directly follows STI (which was armed with IF=0), so an IRQ that fires early is
; still taken right after the HLT, in its STI shadow. Spin counts are never printed.
;
; Expected faults go to `rep_common`, which prints the frame (vector, error code, pushed CS
; and EFLAGS, EIP relative to the instruction armed with EXPECT, CR2 for #PF, SS for
; ring-3 faults) and resumes at the armed label. The pushed EFLAGS is printed with RF
; (bit 16) cleared: whether a fault sets RF in the image differs between CPUs and QEMU.

NP_SEL          equ 0x38                ; a not-present ring-0 data segment
GATE_SEL        equ 0x30 | 3            ; call gate, DPL 3, 2 dword parameters
BAD_SEL         equ 0x40                ; beyond the GDT limit (0x3f)
GATE_PARAMS     equ 2
%macro GDT_EXTRA 0
        ; 0x30: 32-bit call gate (type 1100), DPL 3, to KCODE:gate_target, 2 parameters
        ; (SDM vol.3A §5.8.3, Figure 5-8: bits 4:0 of byte 4 are the dword count)
        dw ABS(gate_target) & 0xFFFF
        dw KCODE
        db GATE_PARAMS
        db 0xEC
        dw ABS(gate_target) >> 16
        ; 0x38: flat data segment, DPL 0, P=0 (loading it raises #NP, SDM vol.3A §5.7)
        DESCRIPTOR 0, 0xFFFFF, 0x13, FLAGS_4K32
%endmacro

%include "boot.inc"
%include "torture.inc"

SYS_BACK        equ 5                   ; ring 3 -> back to the kernel code that called to_ring3
SYSCALL_COUNT   equ 6

PIC_READ_IRR    equ 0x0A                ; OCW3: RR=1 RIS=0
PIC_READ_ISR    equ 0x0B                ; OCW3: RR=1 RIS=1

LIN_REMAP       equ 0x00300000          ; linear page remapped between pa_page and pb_page
LIN_ALIAS       equ 0x00301000          ; a second mapping of pa_page

; EXPECT fault_label, resume_label: the next exception is expected at fault_label (its
; EIP is printed relative to it) and resumes at resume_label, at the faulting CPL. The
; two words live in the user data page, so ring-3 code can arm them with paging on.
%macro EXPECT 2
        mov     dword [ux_expect], %1
        mov     dword [ux_resume], %2
%endmacro

; SET_EFLAGS value: POPFD a known EFLAGS image (ring 0 or IOPL permitting).
%macro SET_EFLAGS 1
        push    dword %1
        popfd
%endmacro

kmain:
        PRINT   `monitor-torture: self-modifying code, reading code, IF/IOPL, paging, gates, exceptions\n`
        call    syscall_install
        call    pic_init                ; all 16 lines masked, vectors 0x20-0x2f
        call    install_handlers
        mov     dword [tss_esp0], trap_stack_top
        xor     eax, eax
        lldt    ax                      ; LDTR is not guaranteed by Multiboot: make it null
        mov     cr4, eax                ; nor is CR4
        ; CR0's low word as in the sensitive guest (PE MP ET NE; EM TS clear), so SMSW and
        ; MOV from CR0 print the same under any loader
        mov     eax, cr0
        and     eax, 0xFFFF0000
        or      eax, 0x0033
        mov     cr0, eax

        call    check1
        call    check2
        call    check3
        call    check4
        call    check5
        call    check6
        call    check7
        call    check8
        call    check9
        call    check10

        PRINT   `monitor-torture: done, `
        DEC     [irq_count]
        PRINT   ` timer interrupts taken in all\n`
        mov     al, EXIT_OK
        jmp     exit_status

[section .data]
syscall_table:
        dd sys_finish, sys_puts, sys_puthex, sys_putdec, sys_putc, sys_back
__SECT__

sys_finish:
        PRINT   `monitor-torture: SYS_EXIT from ring 3 (unexpected)\n`
        mov     al, EXIT_FAIL
        jmp     exit_status

; ---------------------------------------------------------------------------------------
; to_ring3: EAX = ring-3 EIP, ECX = ring-3 EFLAGS; ring-3 stack = top of the user data
; page. Returns (like a call) when the ring-3 code does SYS_BACK, with the kernel's
; registers and EFLAGS as they were at the call.
to_ring3:
        pushfd
        pushad
        mov     [k_esp], esp
        push    dword UDATA             ; SS
        push    dword udata_top         ; ESP
        or      ecx, 2
        push    ecx                     ; EFLAGS
        push    dword UCODE             ; CS
        push    eax                     ; EIP
        mov     bx, UDATA
        mov     ds, bx
        mov     es, bx
        iretd

; ---------------------------------------------------------------------------------------
; IDT set-up: reporting stubs for the exceptions the checks provoke, IRQ 0, the DPL-3
; interrupt gate 0x81, the DPL-0 gate 0x82 (nesting test), single-step #DB.
install_handlers:
        pushad
        call    install_rep_stubs
        SET_GATE IRQ_BASE, irq0_handler, GATE_INT
        SET_GATE 0x81, int81_handler, GATE_INT_DPL3
        SET_GATE 0x82, int82_handler, GATE_INT
        SET_GATE 0x84, int84_handler, GATE_TRAP_DPL3
        SET_GATE 1, db_handler, GATE_INT
        popad
        ret

; Reporting stubs: vector list, then one stub per vector (error code normalised to a push).
[section .data]
rep_vectors:    db 0, 3, 4, 5, 6, 7, 11, 12, 13, 14, 17, 0xFF
vec_names:      db "DEDBNMBPOFBRUDNMDFMFTSNPSSGPPF15MFAC"
__SECT__
        REP_STUB 0, 0
        REP_STUB 3, 0
        REP_STUB 4, 0
        REP_STUB 5, 0
        REP_STUB 6, 0
        REP_STUB 7, 0
        REP_STUB 11, 1
        REP_STUB 12, 1
        REP_STUB 13, 1
        REP_STUB 14, 1
        REP_STUB 17, 1
[section .data]
rep_stub_table:
        dd rep_stub_0, rep_stub_3, rep_stub_4, rep_stub_5, rep_stub_6, rep_stub_7
        dd rep_stub_11, rep_stub_12, rep_stub_13, rep_stub_14, rep_stub_17
__SECT__

rep_common:
        REP_ENTER
        PRINT   ` -> #`
        call    rep_vec_name
        PRINT   ` err=`
        HEX     [ebp + R_ERR], 4
        PRINT   ` cs=`
        HEX     [ebp + R_CS], 4
        PRINT   ` eflags=`
        mov     eax, [ebp + R_EFLAGS]
        and     eax, ~0x10000           ; RF: see the header
        HEX     eax, 8
        PRINT   ` eip=`
        mov     eax, [ebp + R_EIP]
        sub     eax, [ux_expect]
        jb      .eip_below
        PRINT   `+`
        DEC     eax
        jmp     .eip_done
.eip_below:
        PRINT   `?`
        HEX     [ebp + R_EIP], 8
.eip_done:
        call    rep_cr2_ss
        inc     dword [ux_faults]
        jmp     rep_resume
rep_fatal:
        PRINT   ` (not expected)\n`
        mov     al, EXIT_EXCEPTION
        jmp     exit_status

; ---------------------------------------------------------------------------------------
; PIC and PIT helpers.

; pic_status: AL = master IRR, AH = master ISR (OCW3 read commands; leaves IRR selected).
pic_status:
        push    ecx
        mov     al, PIC_READ_ISR
        out     PIC1_CMD, al
        in      al, PIC1_CMD
        mov     cl, al
        mov     al, PIC_READ_IRR
        out     PIC1_CMD, al
        in      al, PIC1_CMD
        mov     ah, cl
        pop     ecx
        ret

; print_pic: " irr=xx isr=xx".
print_pic:
        push    eax
        call    pic_status
        PRINT   ` irr=`
        push    eax
        movzx   eax, al
        HEX     eax, 2
        pop     eax
        PRINT   ` isr=`
        movzx   eax, ah
        HEX     eax, 2
        pop     eax
        ret

; arm_irq0_nowait: PIT channel 0 in mode 0 (interrupt on terminal count) with count
; AX: OUT goes low at the control word and rises once, AX+1 clocks after the count is
; written — exactly one edge on IRQ 0. IRQ 0 is unmasked at the PIC.
arm_irq0_nowait:
        push    eax
        push    eax
        mov     al, 0xFE
        out     PIC1_DATA, al
        mov     al, 0x30                ; counter 0, LSB then MSB, mode 0, binary
        out     PIT_CMD, al
        pop     eax
        out     PIT_CH0, al
        mov     al, ah
        out     PIT_CH0, al
        pop     eax
        ret

; arm_irq0: the same with a short count, then wait (IF must be 0) until the 8259 has the
; request in its IRR: returns with IRQ 0 pending.
arm_irq0:
        push    eax
        push    ecx
        mov     ax, 50
        call    arm_irq0_nowait
        mov     ecx, 20000000
.poll:
        mov     al, PIC_READ_IRR
        out     PIC1_CMD, al
        in      al, PIC1_CMD
        test    al, 1
        jnz     .pending
        loop    .poll
        PRINT   `*** PIT mode 0 never raised IRQ 0\n`
        mov     al, EXIT_FAIL
        jmp     exit_status
.pending:
        pop     ecx
        pop     eax
        ret

; IRQ 0: record where it arrived (EIP, CS, EFLAGS), the value of `ctr` then, and the ISR
; as seen inside the handler (before the EOI).
irq0_handler:
        push    eax
        push    ds
        mov     ax, KDATA
        mov     ds, ax
        mov     eax, [esp + 8]
        mov     [irq_eip], eax
        mov     eax, [esp + 12]
        mov     [irq_cs], eax
        mov     eax, [esp + 16]
        mov     [irq_eflags], eax
        mov     eax, [ctr]
        mov     [irq_ctr], eax
        inc     dword [irq_count]
        mov     al, PIC_READ_ISR
        out     PIC1_CMD, al
        in      al, PIC1_CMD
        mov     [irq_isr], al
        mov     al, PIC_READ_IRR
        out     PIC1_CMD, al
        mov     al, PIC_EOI
        out     PIC1_CMD, al
        pop     ds
        pop     eax
        iretd

; print_irq: "delivered=n at label+k ctr=c isr-in-handler=xx" for the last IRQ 0, EBX = label.
print_irq:
        PRINT   ` delivered=`
        DEC     [irq_count]
        mov     eax, [irq_count]
        sub     eax, [irq_count_base]
        PRINT   ` (+`
        DEC     eax
        PRINT   `) at label+`
        mov     eax, [irq_eip]
        sub     eax, ebx
        DEC     eax
        PRINT   ` ctr=`
        DEC     [irq_ctr]
        PRINT   ` isr-in-handler=`
        movzx   eax, byte [irq_isr]
        HEX     eax, 2
        ret

%macro IRQ_BASELINE 0
        push    eax
        mov     eax, [irq_count]
        mov     [irq_count_base], eax
        mov     dword [irq_eip], 0
        mov     dword [irq_ctr], -1
        mov     byte [irq_isr], 0xEE
        mov     dword [ctr], 0
        pop     eax
%endmacro

; ---------------------------------------------------------------------------------------
; checksum: ESI = address, ECX = count -> EAX = rotate-and-add over the bytes (by MOV).
checksum:
        push    ecx
        push    esi
        push    edx
        xor     eax, eax
.c:
        movzx   edx, byte [esi]
        rol     eax, 5
        add     eax, edx
        inc     esi
        loop    .c
        pop     edx
        pop     esi
        pop     ecx
        ret

; =======================================================================================
; 1. Self-modifying code.
; =======================================================================================

; smc_fn: EAX = 0x11111111 unless the three bytes at smc_site say otherwise.
smc_fn:
        mov     eax, 0x11111111
        cmp     eax, eax                ; every arithmetic flag defined (ZF=PF=1)
smc_site:
        nop
        nop
        nop
        ret

%macro SMC_WRITE 3                      ; three bytes over smc_site
        mov     byte [smc_site], %1
        mov     byte [smc_site + 1], %2
        mov     byte [smc_site + 2], %3
%endmacro

check1:
        PRINT   `1. self-modifying code\n`
        call    smc_fn
        PRINT   `1a. nops as built: eax=`
        HEX     eax, 8
        SMC_WRITE 0x9C, 0x58, 0x90      ; pushfd ; pop eax ; nop
        call    smc_fn
        PRINT   `; "pushfd; pop eax" written over them: eax=`
        HEX     eax, 8
        SMC_WRITE 0x90, 0x8C, 0xC8      ; nop ; mov eax, cs
        call    smc_fn
        PRINT   `; "nop; mov eax,cs": eax=`
        HEX     eax, 8
        SMC_WRITE 0x90, 0x90, 0x90      ; back to NOPs over the MOV EAX,CS that ran
        call    smc_fn
        PRINT   `; nops again: eax=`
        HEX     eax, 8
        PRINT   `\n`

        ; 1b. An immediate rewritten right after each execution, in a loop:
        ; EBX = 1 + 4 + 3 + 2 + ... and the immediate ends as the last value written.
        xor     ebx, ebx
        mov     ecx, 5
.imm_loop:
.imm_insn:
        add     ebx, strict dword 1
        mov     [.imm_insn + 2], ecx    ; the imm32 of the ADD just executed
        loop    .imm_loop
        PRINT   `1b. immediate rewritten after each of 5 runs: sum=`
        DEC     ebx
        PRINT   ` final imm=`
        DEC     [.imm_insn + 2]
        mov     dword [.imm_insn + 2], 1
        PRINT   `\n`

        ; 1c. A store into the very next instruction: the new bytes must run (SDM vol.3A
        ; §8.1.3, self-modifying code: the store is seen by the next fetch).
        mov     eax, 0x11111111
        mov     word [.next1], 0xC88C   ; 8C C8 = mov eax, cs
.next1:
        nop
        nop
        PRINT   `1c. store into the next instruction: "mov eax,cs" -> eax=`
        HEX     eax, 8
        mov     word [.next1], 0x9090
        mov     eax, 0x22222222
        cmp     eax, eax
        mov     word [.next2], 0x589C   ; 9C 58 = pushfd ; pop eax
.next2:
        nop
        nop
        PRINT   `, "pushfd; pop eax" -> eax=`
        HEX     eax, 8
        mov     word [.next2], 0x9090
        mov     eax, 0x33333333
        mov     word [.next3], 0x9090   ; and NOPs over a sensitive instruction
.next3:
        mov     eax, cs
        PRINT   `, nops over "mov eax,cs" -> eax=`
        HEX     eax, 8
        mov     word [.next3], 0xC88C
        PRINT   `\n`

        ; 1d. An instruction straddling a page boundary (8C | C8), changed in its second
        ; page only: C8 -> D0 (mov eax, ss) -> D8 (mov eax, ds) -> C0 (mov eax, es).
        PRINT   `1d. "mov eax,sreg" across a page boundary at `
        HEX     straddle_insn, 8
        PRINT   `:`
        call    straddle_fn
        PRINT   ` cs=`
        HEX     eax, 4
        mov     byte [straddle_insn + 1], 0xD0
        call    straddle_fn
        PRINT   ` ss=`
        HEX     eax, 4
        mov     ax, 0x23
        mov     ds, ax
        mov     byte [straddle_insn + 1], 0xD8
        call    straddle_fn
        mov     bx, KDATA
        mov     ds, bx
        PRINT   ` ds(after ds<-0023)=`
        HEX     eax, 4
        mov     byte [straddle_insn], 0x8C ; a store into the first page too (same byte)
        mov     byte [straddle_insn + 1], 0xC0
        call    straddle_fn
        PRINT   ` es=`
        HEX     eax, 4
        mov     byte [straddle_insn + 1], 0xC8
        PRINT   `\n`

        ; 1e. A HLT written where a sensitive instruction (the MOV EAX,CS of 1a) once was
        ; and ran: "sti; hlt; nop" over smc_site, so the HLT is at smc_site+1. With a
        ; one-shot timer armed, HLT waits for IRQ 0 (in the STI shadow, so even an IRQ
        ; that is already pending arrives after the HLT) and the function goes on: EAX is
        ; 11111111, the stack intact, the IRQ taken right after the HLT.
        SMC_WRITE 0xFB, 0xF4, 0x90      ; sti ; hlt ; nop
        IRQ_BASELINE
        mov     ax, 2000
        call    arm_irq0_nowait
        mov     [esp_before], esp
        call    smc_fn
        cli
        PRINT   `1e. "sti; hlt" over the former "nop; mov eax,cs": eax=`
        HEX     eax, 8
        PRINT   ` esp-delta=`
        mov     ecx, esp
        sub     ecx, [esp_before]
        DEC     ecx
        mov     ebx, smc_site + 1
        call    print_irq
        PRINT   `\n`
        SMC_WRITE 0x90, 0x90, 0x90
        mov     al, 0xFF
        out     PIC1_DATA, al

        ; 1f. Ring 3 (no paging, flat segments) writes "mov eax, ss" into the kernel's
        ; code, which already ran; the kernel runs it.
        call    smc_fn
        mov     eax, r3_smc
        mov     ecx, 0x0002
        call    to_ring3
        call    smc_fn
        PRINT   `1f. ring 3 wrote "mov eax,ss" into kernel code: kernel gets eax=`
        HEX     eax, 8
        PRINT   `\n`
        SMC_WRITE 0x90, 0x90, 0x90

        ; 1g. A far JMP (sensitive) whose opcode byte ends a 128-byte block; its target
        ; offset, in the next block where no other code ever runs, is rewritten.
        call    far_jmp_fn
        PRINT   `1g. far jmp, target rewritten after it ran: first eax=`
        HEX     eax, 8
        mov     dword [far_jmp_fn + 1], far_target2
        call    far_jmp_fn
        PRINT   ` then eax=`
        HEX     eax, 8
        PRINT   `\n`
        mov     dword [far_jmp_fn + 1], far_target1
        ret

        times (0x80 - ((($ - $$) + 1) & 0x7F)) & 0x7F db 0xCC
far_jmp_fn:
        jmp     KCODE:far_target1       ; EA | offset32 selector16
        times 0x80 db 0xCC
far_target1:
        mov     eax, 0xF001
        ret
far_target2:
        mov     eax, 0xF002
        ret
%if ((far_jmp_fn - $$) & 0x7F) != 0x7F
 %error "far_jmp_fn does not end a 128-byte block"
%endif

r3_smc:
        mov     byte [smc_site], 0x8C
        mov     byte [smc_site + 1], 0xD0
        BACK

; =======================================================================================
; 2. Reading its own code.
; =======================================================================================
check2:
        PRINT   `2. reading code\n`
        ; Run the sites first, so that a patching monitor has scanned and patched them.
        call    sensitive_sites
        PRINT   `2a. bytes after running them: pushfd`
        mov     esi, site_pushfd
        mov     ecx, 1
        call    print_bytes
        PRINT   `, sgdt`
        mov     esi, site_sgdt
        mov     ecx, 7
        call    print_bytes
        PRINT   `, mov eax,cs`
        mov     esi, site_movcs
        mov     ecx, 2
        call    print_bytes
        PRINT   `, int 0x81`
        mov     esi, site_int
        mov     ecx, 2
        call    print_bytes
        PRINT   `, lar`
        mov     esi, site_lar
        mov     ecx, 3
        call    print_bytes
        PRINT   `, popfd`
        mov     esi, site_popfd
        mov     ecx, 1
        call    print_bytes
        PRINT   `, iretd`
        mov     esi, site_iret
        mov     ecx, 1
        call    print_bytes
        PRINT   `\n`

        ; 2b. Checksums of the whole site function, by MOV, by LODSB and through CS:.
        mov     esi, sensitive_sites
        mov     ecx, sensitive_sites_end - sensitive_sites
        call    checksum
        PRINT   `2b. checksum of `
        DEC     ecx
        PRINT   ` code bytes: mov=`
        HEX     eax, 8
        xor     edx, edx
.lods:
        rol     edx, 5
        movzx   eax, byte [esi]         ; same walk with LODSB below
        lodsb
        movzx   eax, al
        add     edx, eax
        loop    .lods
        PRINT   ` lodsb=`
        HEX     edx, 8
        mov     esi, sensitive_sites
        mov     ecx, (sensitive_sites_end - sensitive_sites) / 4
        xor     edx, edx
.cs_read:
        xor     edx, [cs:esi]
        rol     edx, 1
        add     esi, 4
        loop    .cs_read
        PRINT   ` cs-xor=`
        HEX     edx, 8
        ; a copy with REP MOVSB, compared with REPE CMPSB
        mov     esi, sensitive_sites
        mov     edi, copy_buf
        mov     ecx, sensitive_sites_end - sensitive_sites
        rep movsb
        mov     esi, sensitive_sites
        mov     edi, copy_buf
        mov     ecx, sensitive_sites_end - sensitive_sites
        repe cmpsb
        PRINT   ` movsb-copy-mismatches-left=`
        DEC     ecx
        PRINT   `\n`

        ; 2c. Overlapping instructions: B8 90 9C 58 C3 is "mov eax, C3589C90"; from its
        ; second byte it is "nop; pushfd; pop eax; ret".
        call    overlap_fn
        PRINT   `2c. overlapping code: from start eax=`
        HEX     eax, 8
        cmp     eax, eax
        call    overlap_fn + 1
        PRINT   `, from inside the immediate eax=`
        HEX     eax, 8
        PRINT   ` bytes`
        mov     esi, overlap_fn
        mov     ecx, 6
        call    print_bytes
        PRINT   `\n`

        ; 2d. Sensitive instructions behind prefixes: operand size (PUSHF pushes 2 bytes),
        ; segment overrides (meaningless here), and "mov ax, cs" (66 8C C8).
        PRINT   `2d. prefixed: o16 pushf -> `
        cmp     eax, eax
        mov     ebx, esp
        mov     dword [esp - 4], 0xA5A5A5A5
        o16 pushf
        mov     ecx, ebx
        sub     ecx, esp
        pop     ax
        movzx   eax, ax
        HEX     eax, 4
        PRINT   ` (esp-`
        DEC     ecx
        PRINT   `), ds pushfd -> `
        cmp     eax, eax
        db      0x3E
        pushfd
        pop     eax
        HEX     eax, 8
        PRINT   `, cs es pushfd -> `
        cmp     eax, eax
        db      0x2E, 0x26
        pushfd
        pop     eax
        HEX     eax, 8
        mov     eax, 0xFFFFFFFF
        o16 mov ax, cs
        PRINT   `, o16 mov ax,cs -> `
        HEX     eax, 8
        mov     eax, 0xFFFFFFFF
        db      0x66, 0x2E              ; o16 + cs: smsw ax
        smsw    ax
        PRINT   `, cs smsw ax -> `
        HEX     eax, 8
        PRINT   `\n`

        ; 2e. Ring 3 (no paging: all memory readable) checksums the same code.
        mov     eax, r3_read_code
        mov     ecx, 0x0002
        call    to_ring3
        ret

overlap_fn:
        mov     eax, 0xC3589C90
        ret

; Sensitive instructions in a row, each harmless at CPL 0 (run once by check2). They
; sit at a fixed address: 2b and 2e print a checksum of these bytes, which include
; absolute addresses (table_reg, sites_iret_back), so moving them would change it.
SITES_OFFSET    equ 0x18A7              ; sensitive_sites at 0x001018a7
        times SITES_OFFSET - ($ - $$) db 0xCC
sensitive_sites:
        pushad
        cmp     eax, eax
site_pushfd:
        pushfd
site_popfd:
        popfd
site_sgdt:
        sgdt    [dword table_reg]
site_movcs:
        mov     eax, cs
site_lar:
        lar     eax, ax
        smsw    ax
        str     ax
        sldt    ax
        sidt    [table_reg]
        verr    ax
        push    ds
        pop     ds
        push    es
        pop     es
site_int:
        int     0x81
        pushfd
        push    cs
        push    dword sites_iret_back
site_iret:
        iretd
sites_iret_back:
        popad
        ret
        align 4
sensitive_sites_end:

r3_read_code:
        mov     esi, sensitive_sites
        mov     ecx, sensitive_sites_end - sensitive_sites
        call    checksum
        UPRINT  `2e. ring 3 reads the same code: checksum=`
        UHEX    eax, 8
        UPRINT  ` pushfd byte=`
        movzx   eax, byte [site_pushfd]
        UHEX    eax, 2
        UPRINT  `\n`
        BACK

; =======================================================================================
; 3. Interrupt-flag games with a pending IRQ 0.
; =======================================================================================
check3:
        PRINT   `3. IF games (IRQ 0 from a PIT mode-0 one-shot)\n`
        cli
        IRQ_BASELINE
        call    arm_irq0
        mov     ecx, 2000               ; IF=0: nothing may be delivered while spinning
.spin:
        loop    .spin
        PRINT   `3a. IF=0, IRQ 0 raised:`
        call    print_pic
        PRINT   ` delivered=`
        mov     eax, [irq_count]
        sub     eax, [irq_count_base]
        DEC     eax
        PRINT   `\n`

        ; 3b. STI: the interrupt is taken after the instruction that follows STI.
        mov     dword [ctr], 0
        sti
.b0:
        inc     dword [ctr]
.b1:
        inc     dword [ctr]
        inc     dword [ctr]
        cli
        PRINT   `3b. sti; inc; inc; inc:`
        mov     ebx, .b0
        call    print_irq
        PRINT   `, after:`
        call    print_pic
        PRINT   `\n`

        ; 3c. POPFD setting IF=1 at CPL 0: no shadow, taken right after POPFD.
        IRQ_BASELINE
        call    arm_irq0
        pushfd
        or      dword [esp], 0x200
        popfd
.c0:
        inc     dword [ctr]
        inc     dword [ctr]
        cli
        PRINT   `3c. popfd(IF=1); inc; inc:`
        mov     ebx, .c0
        call    print_irq
        PRINT   `\n`

        ; 3d. IRETD to a frame with IF=1: taken before the first instruction there.
        IRQ_BASELINE
        call    arm_irq0
        pushfd
        pop     eax
        or      eax, 0x200
        push    eax
        push    dword KCODE
        push    dword .d0
        iretd
.d0:
        inc     dword [ctr]
        inc     dword [ctr]
        cli
        PRINT   `3d. iretd(IF=1) to inc; inc:`
        mov     ebx, .d0
        call    print_irq
        PRINT   `\n`

        ; 3e. STI; HLT with the interrupt already pending: HLT is in the STI shadow, the
        ; interrupt wakes it at once and returns after it.
        IRQ_BASELINE
        call    arm_irq0
        sti
        hlt
.e0:
        cli
        PRINT   `3e. sti; hlt (irq pending):`
        mov     ebx, .e0
        call    print_irq
        PRINT   `\n`

        ; 3f. STI; HLT with the interrupt still to come.
        IRQ_BASELINE
        mov     ax, 2000
        call    arm_irq0_nowait
        sti
        hlt
.f0:
        cli
        PRINT   `3f. sti; hlt (irq later):`
        mov     ebx, .f0
        call    print_irq
        PRINT   `\n`

        ; 3g. STI; CLI: CLI runs in the shadow, nothing is delivered; then STI; NOP; CLI.
        IRQ_BASELINE
        call    arm_irq0
        sti
        cli
        PRINT   `3g. sti; cli: delivered=`
        mov     eax, [irq_count]
        sub     eax, [irq_count_base]
        DEC     eax
        call    print_pic
        sti
        nop
.g0:
        cli
        PRINT   `; then sti; nop; cli:`
        mov     ebx, .g0
        call    print_irq
        PRINT   `\n`

        ; 3h. STI; PUSHFD: the sensitive PUSHFD runs in the shadow and sees IF=1.
        IRQ_BASELINE
        call    arm_irq0
        cmp     eax, eax
        sti
        pushfd
.h0:
        pop     eax
        cli
        PRINT   `3h. sti; pushfd: pushed eflags=`
        HEX     eax, 8
        mov     ebx, .h0
        call    print_irq
        PRINT   ` handler saw eflags=`
        mov     eax, [irq_eflags]
        HEX     eax, 8
        PRINT   `\n`

        ; 3i. IRETD to ring 3 with IF=1 and IRQ 0 pending: taken before the first ring-3
        ; instruction, with the ring-3 CS and EIP in the frame.
        IRQ_BASELINE
        call    arm_irq0
        mov     eax, r3_irq_entry
        mov     ecx, 0x0202
        call    to_ring3
        PRINT   `3i. iretd to ring 3 (IF=1):`
        mov     ebx, r3_irq_entry
        call    print_irq
        PRINT   ` cs=`
        HEX     [irq_cs], 4
        PRINT   ` eflags=`
        HEX     [irq_eflags], 8
        PRINT   `\n`

        mov     al, 0xFF
        out     PIC1_DATA, al
        ret

r3_irq_entry:
        inc     dword [ctr]
        BACK

; =======================================================================================
; 4. IOPL games.
; =======================================================================================
check4:
        PRINT   `4. IOPL\n`
        cli
        pushfd
        pop     eax
        or      eax, 0x3000
        push    eax
        popfd
        pushfd
        pop     eax
        PRINT   `4a. ring 0 popfd(IOPL=3): eflags=`
        and     eax, ~0x8D5             ; arithmetic flags don't matter here
        HEX     eax, 8
        PRINT   `\n`
        mov     eax, r3_iopl3
        mov     ecx, 0x3002             ; IOPL 3, IF 0
        call    to_ring3

        SET_EFLAGS 0x0002               ; IOPL 0, IF 0
        mov     eax, r3_iopl0
        mov     ecx, 0x0002
        call    to_ring3
        ret

r3_iopl3:
        UPRINT  `4b. ring 3 with IOPL=3: in 0x21 -> `
        in      al, PIC1_DATA
        movzx   eax, al
        UHEX    eax, 2
        UPRINT  `, out 0xe9 -> "`
        mov     al, 'h'
        out     DEBUGCON_PORT, al
        mov     al, 'i'
        out     DEBUGCON_PORT, al
        UPRINT  `", rep outsb -> "`
        mov     esi, outs_text
        mov     ecx, outs_text_len
        mov     dx, DEBUGCON_PORT
        rep outsb
        UPRINT  `" ecx=`
        UDEC    ecx
        cmp     eax, eax
        sti
        pushfd
        pop     ebx
        cli
        pushfd
        pop     ecx
        UPRINT  `, after sti eflags=`
        UHEX    ebx, 8
        UPRINT  ` after cli eflags=`
        UHEX    ecx, 8
        ; POPFD at CPL 3: IOPL cannot change (CPL > 0), IF can (CPL <= IOPL)
        push    dword 0x0202
        popfd
        pushfd
        pop     ebx
        cli
        UPRINT  `, popfd(IOPL=0 IF=1) -> `
        UHEX    ebx, 8
        UPRINT  `\n`
        BACK

r3_iopl0:
        UPRINT  `4c. ring 3 with IOPL=0: in`
        cmp     eax, eax
        EXPECT  .f1, .r1
.f1:
        in      al, PIC1_DATA
.r1:
        UPRINT  `; out`
        cmp     eax, eax
        EXPECT  .f2, .r2
.f2:
        out     DEBUGCON_PORT, al
.r2:
        UPRINT  `; cli`
        cmp     eax, eax
        EXPECT  .f3, .r3
.f3:
        cli
.r3:
        UPRINT  `; sti`
        cmp     eax, eax
        EXPECT  .f4, .r4
.f4:
        sti
.r4:
        UPRINT  `; hlt`
        cmp     eax, eax
        EXPECT  .f5, .r5
.f5:
        hlt
.r5:
        cmp     eax, eax
        push    dword 0x3202            ; IOPL 3, IF 1: both silently ignored
        popfd
        pushfd
        pop     ebx
        UPRINT  `; popfd(IOPL=3 IF=1) -> `
        UHEX    ebx, 8
        UPRINT  `\n`
        BACK

; =======================================================================================
; 5. Paging.
; =======================================================================================
PTE_P           equ 1
PTE_W           equ 2
PTE_U           equ 4

; pte_of: EAX = linear address in the first 4 MiB -> EDI = address of its PTE.
%macro PTE_OF 1
        mov     edi, %1
        shr     edi, 12
        lea     edi, [page_table + edi * 4]
%endmacro

check5:
        PRINT   `5. paging\n`
        cli
        ; Identity-map 0-4 MiB, supervisor read/write; user pages: the ring-3 code page and
        ; the user data page; ro_page user read-only; np_page not present; sup_page a
        ; supervisor page that only ring 3 tries to touch. PDE accessed bit preset.
        mov     edi, page_table
        mov     eax, PTE_P | PTE_W
        mov     ecx, 1024
.fill:
        stosd
        add     eax, 0x1000
        loop    .fill
        PTE_OF  user_text
        or      dword [edi], PTE_U
        PTE_OF  udata
        or      dword [edi], PTE_U
        PTE_OF  ro_page
        mov     dword [edi], ro_page + (PTE_P | PTE_U)
        PTE_OF  np_page
        mov     dword [edi], 0
        PTE_OF  LIN_REMAP
        mov     dword [edi], pa_page + (PTE_P | PTE_W)
        PTE_OF  LIN_ALIAS
        mov     dword [edi], pa_page + (PTE_P | PTE_W)
        mov     dword [page_dir], page_table + (0x20 | PTE_U | PTE_W | PTE_P)
        ; code for the remap tests: pa_page "pushfd; pop eax; ret", pb_page "mov eax, cs; ret"
        mov     dword [pa_page], 0x00C3589C
        mov     dword [pb_page], 0x00C3C88C
        mov     dword [ro_page], 0x0DEC0DE0
        mov     dword [sup_page], 0x5EC0DE00
        mov     dword [udata_marker], 0x05E4DA7A

        mov     eax, page_dir
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000         ; PG
        mov     cr0, eax
        jmp     .paged
.paged:
        mov     eax, cr0
        PRINT   `5a. paging on: cr0=`
        and     eax, 0x80050033
        HEX     eax, 8
        PRINT   `, kernel reads user page `
        HEX     [udata_marker], 8
        PRINT   ` and supervisor page `
        HEX     [sup_page], 8
        mov     dword [udata_marker + 4], 0x12345678
        PRINT   `, writes the user page: `
        HEX     [udata_marker + 4], 8
        PRINT   `\n`

        mov     eax, r3_paging
        mov     ecx, 0x0002
        call    to_ring3

        ; 5c. CR0.WP: the kernel writes the read-only user page (WP=0: allowed), then
        ; with WP=1 (#PF, P=1 W=1 U=0), then reads a not-present page.
        PRINT   `5c. kernel, WP=0, writes read-only page:`
        cmp     eax, eax
        EXPECT  .f1, .r1
.f1:
        mov     dword [ro_page], 0x600D0001
.r1:
        PRINT   ` now `
        HEX     [ro_page], 8
        mov     eax, cr0
        or      eax, 0x10000            ; WP
        mov     cr0, eax
        PRINT   `; WP=1:`
        cmp     eax, eax
        EXPECT  .f2, .r2
.f2:
        mov     dword [ro_page], 0xBAD00002
.r2:
        PRINT   ` now `
        HEX     [ro_page], 8
        mov     eax, cr0
        and     eax, ~0x10000
        mov     cr0, eax
        PRINT   `; read not-present page:`
        cmp     eax, eax
        EXPECT  .f3, .r3
.f3:
        mov     eax, [np_page]
.r3:
        PRINT   `\n`

        ; 5d. PTE accessed/dirty bits.
        PRINT   `5d. PTE flags (low 12 bits): user data `
        PTE_OF  udata
        mov     eax, [edi]
        and     eax, 0xFFF
        HEX     eax, 3
        PRINT   `, read-only `
        PTE_OF  ro_page
        mov     eax, [edi]
        and     eax, 0xFFF
        HEX     eax, 3
        PRINT   `, sup_page `
        PTE_OF  sup_page
        mov     eax, [edi]
        and     eax, 0xFFF
        HEX     eax, 3
        PRINT   `, sup_page2 (touched only by faulting ring 3) `
        PTE_OF  sup_page2
        mov     eax, [edi]
        and     eax, 0xFFF
        HEX     eax, 3
        PRINT   `, user code `
        PTE_OF  user_text
        mov     eax, [edi]
        and     eax, 0xFFF
        HEX     eax, 3
        PRINT   `\n`

        ; 5e. INVLPG after changing a PTE, for data and for code (which a monitor may have
        ; scanned and patched by linear address).
        PRINT   `5e. remapped page: `
        cmp     eax, eax
        call    LIN_REMAP               ; pa: pushfd; pop eax
        PRINT   `pa code -> `
        HEX     eax, 8
        PTE_OF  LIN_REMAP
        mov     dword [edi], pb_page + (PTE_P | PTE_W)
        invlpg  [LIN_REMAP]
        PRINT   `, pb data -> `
        HEX     [LIN_REMAP], 8
        call    LIN_REMAP               ; pb: mov eax, cs
        PRINT   `, pb code -> `
        HEX     eax, 8
        mov     dword [edi], pa_page + (PTE_P | PTE_W)
        invlpg  [LIN_REMAP]
        cmp     eax, eax
        call    LIN_REMAP
        PRINT   `, pa again -> `
        HEX     eax, 8
        mov     dword [LIN_ALIAS], 0x00C3D08C ; through the alias: "mov eax, ss; ret"
        call    LIN_REMAP
        PRINT   `, after a write through the alias -> `
        HEX     eax, 8
        PRINT   `\n`

        ; paging off again
        mov     eax, cr0
        and     eax, ~0x80010000
        mov     cr0, eax
        jmp     .unpaged
.unpaged:
        xor     eax, eax
        mov     cr3, eax
        mov     eax, cr0
        PRINT   `5f. paging off: cr0=`
        and     eax, 0x80050033
        HEX     eax, 8
        PRINT   `\n`
        ret

; =======================================================================================
; 6. Call gate with parameters; INT n through a DPL-3 gate.
; =======================================================================================
check6:
        PRINT   `6. call gate and INT n\n`
        PRINT   `6a. ring 0 calls the gate:`
        mov     [esp_before], esp
        push    dword 0x11111111
        push    dword 0x22222222
        call    GATE_SEL:0
        PRINT   ` returned eax=`
        HEX     eax, 8
        mov     eax, esp
        sub     eax, [esp_before]
        PRINT   ` esp-delta=`
        DEC     eax
        PRINT   `\n`
        mov     eax, r3_gates
        mov     ecx, 0x0202             ; IF=1 (every 8259 line masked)
        call    to_ring3
        ret

; HANDLER_ENTER: gate_target's and int81_handler's prologue: EBP = the frame (EIP at
; EBP+4), DS and EAX saved, DS = KDATA.
%macro HANDLER_ENTER 0
        push    ebp
        mov     ebp, esp
        push    ds
        push    eax
        mov     ax, KDATA
        mov     ds, ax
%endmacro
; PUT_TOP_USE offset: print (decimal) how far the ring-3 ESP saved at EBP+offset is below
; udata_top. Clobbers EAX.
%macro PUT_TOP_USE 1
        mov     eax, udata_top
        sub     eax, [ebp + %1]
        DEC     eax
%endmacro

; gate_target: CPL 0. From ring 0: [esp] EIP, [esp+4] CS, [esp+8] the caller's last push.
; From ring 3 (stack switch to SS0:ESP0, SDM vol.3A §5.8.5, Figure 5-13): [esp] EIP,
; [esp+4] CS, [esp+8] and [esp+12] the 2 parameters copied, [esp+16] ESP, [esp+20] SS.
gate_target:
        HANDLER_ENTER
        PRINT   ` in gate cs=`
        mov     eax, cs
        HEX     eax, 4
        PRINT   ` caller cs=`
        HEX     [ebp + 8], 4
        PRINT   ` params `
        HEX     [ebp + 12], 8
        PRINT   ` `
        HEX     [ebp + 16], 8
        test    byte [ebp + 8], 3
        jz      .same
        PRINT   ` caller ss=`
        HEX     [ebp + 24], 4
        PRINT   ` caller esp=top-`
        PUT_TOP_USE 20
        PRINT   ` gate esp=esp0-`
        PUT_ESP0_USE 4
.same:
        pop     eax
        mov     eax, [ebp + 12]
        add     eax, [ebp + 16]
        pop     ds
        pop     ebp
        retf    GATE_PARAMS * 4

r3_gates:
        UPRINT  `6b. ring 3 calls the gate:`
        mov     [ux_esp], esp
        push    dword 0x33333333
        push    dword 0x44444444
        call    GATE_SEL:0
        mov     ebx, esp
        sub     ebx, [ux_esp]
        UPRINT  ` returned eax=`
        UHEX    eax, 8
        UPRINT  ` esp-delta=`
        UDEC    ebx
        mov     eax, cs
        UPRINT  ` cs=`
        UHEX    eax, 4
        UPRINT  `\n`

        UPRINT  `6c. ring 3 int 0x81:`
        cmp     eax, eax
        mov     [ux_esp], esp
.int:
        int     0x81
.after:
        pushfd
        pop     ebx
        UPRINT  ` back in ring 3, eflags=`
        UHEX    ebx, 8
        UPRINT  `\n`
        UPRINT  `6d. ring 3 int 0x84 (DPL-3 trap gate, IF stays 1): handler eflags=`
        int     0x84
        UHEX    eax, 8
        UPRINT  `, int 0x81 (interrupt gate): handler eflags=`
        UHEX    [ux_int81_eflags], 8
        UPRINT  `\n`
        BACK

; INT 0x81 handler (DPL-3 interrupt gate): print the frame it got.
int81_handler:
        HANDLER_ENTER
        inc     dword [int81_count]
        test    byte [ebp + 8], 3
        jz      .quiet                  ; from ring 0 (check 2's site): silent
        PRINT   ` handler: eip=`
        HEX     [ebp + 4], 8
        PRINT   ` cs=`
        HEX     [ebp + 8], 4
        PRINT   ` eflags=`
        HEX     [ebp + 12], 8
        PRINT   ` ss=`
        HEX     [ebp + 20], 4
        PRINT   ` esp=top-`
        PUT_TOP_USE 16
        PRINT   ` own esp=esp0-`
        PUT_ESP0_USE 4
        PRINT   ` handler eflags=`
        pushfd
        pop     eax
        mov     [ux_int81_eflags], eax
        HEX     eax, 8
.quiet:
        pop     eax
        pop     ds
        pop     ebp
        iretd

; =======================================================================================
; 7. Exceptions in the kernel.
; =======================================================================================
check7:
        PRINT   `7. kernel exceptions\n`
        PRINT   `7a. div by zero:`
        mov     ecx, 0
        mov     eax, 1
        xor     edx, edx
        cmp     eax, eax
        EXPECT  .f1, .r1
.f1:
        div     ecx
.r1:
        PRINT   `\n7b. ud2:`
        cmp     eax, eax
        EXPECT  .f2, .r2
.f2:
        ud2
.r2:
        PRINT   `\n7c. mov ds, 0040 (beyond the GDT):`
        mov     ax, BAD_SEL
        cmp     eax, eax
        EXPECT  .f3, .r3
.f3:
        mov     ds, ax
.r3:
        PRINT   `\n7d. mov es, 0038 (not present):`
        mov     ax, NP_SEL
        cmp     eax, eax
        EXPECT  .f4, .r4
.f4:
        mov     es, ax
.r4:
        PRINT   `\n7e. mov ss, 001b:`
        mov     ax, UCODE
        cmp     eax, eax
        EXPECT  .f5, .r5
.f5:
        mov     ss, ax
.r5:
        PRINT   `\n7f. int3:`
        cmp     eax, eax
        EXPECT  .f7, .r7
.f7:
        int3
.r7:
        PRINT   `\n7g. into with OF=1:`
        mov     al, 0x7F
        add     al, 1                   ; OF=1
        EXPECT  .f8, .r8
.f8:
        into
.r8:
        PRINT   `\n7h. bound:`
        mov     eax, 5
        cmp     eax, eax
        EXPECT  .f9, .r9
.f9:
        bound   eax, [bound_pair]
.r9:
        PRINT   `\n7i. far jmp to the null selector:`
        cmp     eax, eax
        EXPECT  .f10, .r10
.f10:
        jmp     0x0000:0
.r10:
        PRINT   `\n7j. lldt with a code selector:`
        mov     ax, KCODE
        cmp     eax, eax
        EXPECT  .f11, .r11
.f11:
        lldt    ax
.r11:
        PRINT   `\n7k. iretd with a data segment as CS:`
        mov     [esp_before], esp
        pushfd
        push    dword KDATA
        push    dword .r12
        cmp     eax, eax
        EXPECT  .f12, .r12
.f12:
        iretd
.r12:
        mov     esp, [esp_before]
        PRINT   `\n7l. retf to a not-present segment:`
        push    dword NP_SEL
        push    dword .r13
        cmp     eax, eax
        EXPECT  .f13, .r13
.f13:
        retf
.r13:
        mov     esp, [esp_before]
        PRINT   `\n`
        mov     ax, KDATA
        mov     ds, ax
        mov     es, ax
        ret

; =======================================================================================
; 8. More things a deprivileging monitor could give away.
; =======================================================================================
check8:
        PRINT   `8. more\n`
        ; 8a. LAR/LSL/VERR of the kernel's own selectors, read from CS and SS.
        mov     ebx, cs
        lar     eax, bx
        and     eax, 0x00F0FF00
        PRINT   `8a. lar cs=`
        HEX     eax, 8
        mov     ebx, ss
        lar     eax, bx
        and     eax, 0x00F0FF00
        PRINT   ` lar ss=`
        HEX     eax, 8
        mov     ebx, cs
        lsl     eax, bx
        PRINT   ` lsl cs=`
        HEX     eax, 8
        mov     ebx, cs
        or      ebx, 3                  ; RPL 3 on a DPL-0 segment: invalid
        mov     eax, 0x5A5A5A5A
        lar     eax, bx
        setz    cl
        movzx   ecx, cl
        PRINT   ` lar (cs|3) zf=`
        DEC     ecx
        PRINT   ` eax=`
        HEX     eax, 8
        PRINT   `\n`

        ; 8b. SMSW (register and memory forms) against MOV from CR0.
        mov     eax, cr0
        mov     ebx, eax
        xor     eax, eax
        smsw    ax
        mov     word [scratch], 0xAAAA
        mov     word [scratch + 2], 0xBBBB
        smsw    [scratch]
        PRINT   `8b. cr0 low=`
        movzx   ebx, bx
        HEX     ebx, 4
        PRINT   ` smsw ax=`
        HEX     eax, 4
        PRINT   ` smsw m16 -> `
        HEX     [scratch], 8
        ; CR0.TS: set it, SMSW shows it, CLTS clears it
        mov     eax, cr0
        or      eax, 8
        mov     cr0, eax
        smsw    ax
        movzx   eax, ax
        PRINT   ` with TS: `
        HEX     eax, 4
        clts
        smsw    ax
        movzx   eax, ax
        PRINT   ` after clts: `
        HEX     eax, 4
        mov     ax, 0x003A              ; LMSW: sets TS, cannot clear PE
        lmsw    ax
        smsw    ax
        movzx   eax, ax
        PRINT   ` lmsw(003a) -> `
        HEX     eax, 4
        mov     eax, cr0
        PRINT   ` cr0 low `
        movzx   eax, ax
        HEX     eax, 4
        ; with TS set, an x87 instruction raises #NM
        PRINT   `; fnop with TS:`
        cmp     eax, eax
        EXPECT  .nm_f, .nm_r
.nm_f:
        fnop
.nm_r:
        clts                            ; (no x87 arithmetic: ringlab's core has no FPU)
        PRINT   `\n`

        ; 8c. STR, SLDT (null LDT), SGDT/SIDT.
        xor     eax, eax
        str     ax
        PRINT   `8c. str=`
        HEX     eax, 4
        mov     eax, 0xFFFF
        sldt    ax
        PRINT   ` sldt=`
        HEX     eax, 4
        mov     eax, -1
        sldt    eax                     ; 32-bit register form: upper half zeroed (P6+)
        PRINT   ` sldt r32=`
        HEX     eax, 8
        sidt    [table_reg]
        PRINT   ` sidt=`
        HEX     [table_reg + 2], 8
        PRINT   `/`
        movzx   eax, word [table_reg]
        HEX     eax, 4
        PRINT   `\n`

        ; 8d. NT and IOPL through POPFD and IRETD at CPL 0.
        cmp     eax, eax
        SET_EFLAGS 0x4046
        pushfd
        pop     eax
        SET_EFLAGS 0x0046
        PRINT   `8d. popfd(NT) -> `
        HEX     eax, 8
        cmp     eax, eax
        pushfd
        pop     eax
        and     eax, ~0x3000
        or      eax, 0x1000             ; IOPL 1
        push    eax
        push    dword KCODE
        push    dword .iret1
        iretd
.iret1:
        pushfd
        pop     eax
        PRINT   `, iretd(IOPL=1) -> `
        HEX     eax, 8
        SET_EFLAGS 0x0002
        PRINT   `\n`

        ; 8e. EFLAGS.AC with CR0.AM at CPL 0: no #AC (alignment checks are for CPL 3 only).
        mov     eax, cr0
        or      eax, 0x40000            ; AM
        mov     cr0, eax
        cmp     eax, eax
        SET_EFLAGS 0x40046              ; AC
        pushfd
        pop     ebx
        EXPECT  .ac_f, .ac_r
.ac_f:
        mov     eax, [scratch + 1]      ; misaligned
.ac_r:
        mov     dword [ux_resume], 0
        SET_EFLAGS 0x0002
        mov     eax, cr0
        and     eax, ~0x40000
        mov     cr0, eax
        PRINT   `8e. ring 0 with AC=1 AM=1: eflags=`
        HEX     ebx, 8
        PRINT   ` misaligned read ok`
        PRINT   `\n`

        ; 8f. TSS.ESP0 after interrupts from ring 3 and a nested interrupt in a handler.
        PRINT   `8f. tss.esp0 before ring 3: `
        HEX     [tss_esp0], 8
        PRINT   `\n`
        mov     eax, r3_int81_twice
        mov     ecx, 0x0202
        call    to_ring3
        PRINT   `8f. tss.esp0 after: `
        HEX     [tss_esp0], 8
        PRINT   `, int 0x81 taken `
        DEC     [int81_count]
        PRINT   ` times in all\n`

        ; 8g. Nested: INT 0x82 (interrupt gate, IF=0 inside) enables interrupts; the
        ; pending IRQ 0 interrupts the handler; a #UD inside the handler is reported too.
        cli
        IRQ_BASELINE
        call    arm_irq0
        int     0x82
        PRINT   `8g. irq 0 nested in int 0x82:`
        mov     ebx, int82_handler.n0
        call    print_irq
        PRINT   ` cs=`
        HEX     [irq_cs], 4
        PRINT   ` int82 saw isr before/after:`
        movzx   eax, byte [isr_before]
        HEX     eax, 2
        PRINT   `/`
        movzx   eax, byte [isr_after]
        HEX     eax, 2
        PRINT   `\n`
        mov     al, 0xFF
        out     PIC1_DATA, al

        ; 8h. Single-stepping (TF) over sensitive and privileged instructions: #DB after
        ; each, with its EIP recorded.
        mov     dword [db_count], 0
        xor     eax, eax
        mov     dr6, eax
        cmp     eax, eax
        pushfd
        or      dword [esp], 0x100
        popfd
.tf0:
        nop
        pushfd
        pop     eax
        mov     eax, cs
        mov     ebx, cr0
        push    ds
        pop     ds
        smsw    cx
        in      al, PIC1_DATA
.tf_end:
        pushfd
        and     dword [esp], ~0x100
        popfd
        mov     eax, dr6
        mov     [scratch], eax
        PRINT   `8h. single-step #DB at:`
        xor     esi, esi
.tf_print:
        cmp     esi, [db_count]
        jae     .tf_done
        cmp     esi, 16
        jae     .tf_done
        PRINT   ` +`
        mov     eax, [db_log + esi * 4]
        sub     eax, .tf0
        DEC     eax
        inc     esi
        jmp     .tf_print
.tf_done:
        PRINT   ` (`
        DEC     [db_count]
        PRINT   ` traps, eflags seen `
        HEX     [db_eflags], 8
        PRINT   `, dr6 bs=`
        mov     eax, [scratch]
        shr     eax, 14
        and     eax, 1
        DEC     eax
        PRINT   `)`
        PRINT   `\n`

        ; 8i. LIDT of a second IDT, a copy whose vector 0x81 goes to another handler: INT
        ; 0x81 from ring 0 and ring 3 and a #UD must all go through the new table.
        mov     esi, idt
        mov     edi, idt2
        mov     ecx, 512
        rep movsd
        mov     eax, int81_alt
        mov     [idt2 + 0x81 * 8], ax
        shr     eax, 16
        mov     [idt2 + 0x81 * 8 + 6], ax
        lidt    [idt2_ptr]
        sidt    [table_reg]
        PRINT   `8i. lidt of a copy: sidt=`
        HEX     [table_reg + 2], 8
        PRINT   `/`
        movzx   eax, word [table_reg]
        HEX     eax, 4
        mov     ebx, [int81_count]
        int     0x81
        PRINT   `, ring 0 int 0x81 -> alt handler `
        DEC     [alt_hits]
        PRINT   ` time(s)`
        mov     eax, r3_int81_alt
        mov     ecx, 0x0002
        call    to_ring3
        PRINT   `, ud2 through the copy:`
        cmp     eax, eax
        EXPECT  .ud_f, .ud_r
.ud_f:
        ud2
.ud_r:
        lidt    [idt_ptr]
        int     0x81
        PRINT   `; restored: int 0x81 -> alt `
        DEC     [alt_hits]
        PRINT   `, original `
        mov     eax, [int81_count]
        sub     eax, ebx
        DEC     eax
        PRINT   `\n`

        ; 8k. Segment descriptor caches: the GDT entry of KDATA (loaded in DS, ES, SS) gets
        ; base 0x00010000 in memory without any segment reload; exiting instructions run
        ; (I/O, PUSHFD/POPFD, CLI/STI, a privileged MOV); loads through DS, ES and SS
        ; must still use the cached base 0 until a reload.
        mov     dword [marker0], 0x0CAC4ED0
        mov     dword [marker0 + 0x10000], 0x0BA5E1
        cli
        mov     byte [gdt + KDATA + 4], 0x01    ; base 23:16 = 01
        in      al, PIC1_DATA
        pushfd
        popfd
        sti
        cli
        mov     eax, cr0
        mov     eax, [marker0]
        mov     ebx, [es:marker0]
        mov     ecx, [ss:marker0]
        mov     dx, KDATA
        mov     fs, dx                  ; a reload does see the new base
        mov     edx, [fs:marker0]
        mov     byte [gdt + KDATA + 4], 0x00
        mov     si, KDATA
        mov     fs, si
        PRINT   `8k. KDATA base changed in the GDT only: ds=`
        HEX     eax, 8
        PRINT   ` es=`
        HEX     ebx, 8
        PRINT   ` ss=`
        HEX     ecx, 8
        PRINT   `, fs reloaded=`
        HEX     edx, 8
        PRINT   `\n`

        ; 8j. CR4.TSD: RDTSC faults at CPL 3 only.
        mov     eax, cr4
        PRINT   `8j. cr4=`
        HEX     eax, 8
        or      eax, 4                  ; TSD
        mov     cr4, eax
        mov     eax, cr4
        PRINT   ` with TSD: `
        HEX     eax, 8
        rdtsc                           ; CPL 0: allowed (value not printed)
        PRINT   `, ring 0 rdtsc ok, ring 3 rdtsc:`
        mov     eax, r3_rdtsc
        mov     ecx, 0x0002
        call    to_ring3
        mov     eax, cr4
        and     eax, ~4
        mov     cr4, eax
        PRINT   `; TSD clear, ring 3 rdtsc:`
        mov     eax, r3_rdtsc
        mov     ecx, 0x0002
        call    to_ring3
        PRINT   `\n`
        ret

r3_int81_alt:
        int     0x81
        UPRINT  `, ring 3 int 0x81 -> alt handler `
        UDEC    [alt_hits]
        UPRINT  ` time(s)`
        BACK

int81_alt:
        inc     dword [ss:alt_hits]
        iretd

r3_rdtsc:
        mov     dword [ux_rdtsc], 0
        EXPECT  .f, .r
.f:
        rdtsc
        mov     dword [ux_rdtsc], 1
.r:
        mov     dword [ux_resume], 0
        cmp     dword [ux_rdtsc], 0
        je      .faulted
        UPRINT  ` ok`
.faulted:
        BACK

; =======================================================================================
; 9. The I/O permission bitmap (ring 3, IOPL 0).
; =======================================================================================
IOMAP_OFF       equ iomap - tss
TSS_LIMIT_IO    equ IOMAP_OFF + 8192    ; the byte after the bitmap is inside the limit

; set_tss_limit: EAX = byte-granular limit for the TSS descriptor; clears its busy bit and
; reloads TR (LTR needs an available TSS, SDM vol.3A §7.2.4).
set_tss_limit:
        mov     [gdt + TSS_SEL], ax
        shr     eax, 16
        and     al, 0x0F
        mov     [gdt + TSS_SEL + 6], al
        mov     byte [gdt + TSS_SEL + 5], ACC_TSS32
        mov     ax, TSS_SEL
        ltr     ax
        ret

check9:
        PRINT   `9. I/O permission bitmap\n`
        mov     edi, iomap
        mov     ecx, 8192 / 4 + 1
        mov     eax, -1
        rep stosd
        btr     dword [iomap + (0xE9 / 32) * 4], 0xE9 % 32
        btr     dword [iomap + (0x21 / 32) * 4], 0x21 % 32
        mov     word [tss + 102], IOMAP_OFF
        mov     eax, TSS_LIMIT_IO
        call    set_tss_limit
        xor     eax, eax
        lsl     eax, [dword tss_sel_word]
        PRINT   `9a. TSS limit now `
        HEX     eax, 8
        PRINT   `, I/O map base `
        movzx   eax, word [tss + 102]
        HEX     eax, 4
        PRINT   `, ports 21 and e9 open\n`
        mov     eax, r3_iomap
        mov     ecx, 0x0002
        call    to_ring3
        mov     word [tss + 102], TSS_SIZE
        mov     eax, TSS_SIZE - 1
        call    set_tss_limit
        ret

r3_iomap:
        UPRINT  `9b. ring 3: out e9 -> "`
        mov     al, 'o'
        out     DEBUGCON_PORT, al
        mov     al, 'k'
        out     DEBUGCON_PORT, al
        UPRINT  `", in 21 -> `
        in      al, PIC1_DATA
        movzx   eax, al
        UHEX    eax, 2
        UPRINT  `, rep outsb to e9 -> "`
        mov     esi, outs_text
        mov     ecx, outs_text_len
        mov     dx, DEBUGCON_PORT
        rep outsb
        UPRINT  `"; in 20`
        cmp     eax, eax
        EXPECT  .f1, .r1
.f1:
        in      al, PIC1_CMD
.r1:
        UPRINT  `; in ax,e8 (e8 closed)`
        mov     dx, 0xE8
        cmp     eax, eax
        EXPECT  .f2, .r2
.f2:
        in      ax, dx
.r2:
        UPRINT  `; out e9,ax (ea closed)`
        mov     dx, 0xE9
        cmp     eax, eax
        EXPECT  .f3, .r3
.f3:
        out     dx, ax
.r3:
        UPRINT  `; cli`
        cmp     eax, eax
        EXPECT  .f4, .r4
.f4:
        cli
.r4:
        UPRINT  `\n`
        BACK

; =======================================================================================
; 10. Virtual-8086 mode.
; =======================================================================================
V86_SEG         equ 0x0800              ; code and data at linear 0x8000
V86_SS          equ 0x0900              ; stack 0x9000-0x9fff
V86_VECTOR      equ 0x83

check10:
        PRINT   `10. virtual-8086 mode\n`
        COPY_V86_CODE
        SET_GATE V86_VECTOR, int83_handler, GATE_INT_DPL3
        mov     eax, v86_entry1 - v86_code
        mov     ecx, 0x23002            ; VM, IOPL 3, IF 0
        call    to_v86
        SET_GATE 13, v86_gp_handler, GATE_INT
        mov     eax, v86_entry2 - v86_code
        mov     ecx, 0x20002            ; VM, IOPL 0
        call    to_v86
        SET_GATE 13, rep_stub_13, GATE_INT
        ret

; INT 0x83 from virtual-8086 mode (IOPL 3): the frame has the v86 segment registers, and
; DS/ES/FS/GS are null on entry (SDM vol.3A §20.3.1.1).
int83_handler:
        mov     esi, ds
        mov     edi, gs
        KERNEL_FRAME
        PRINT   `10a. v86 IOPL 3, int 0x83:`
        call    put_v86_frame
        PRINT   ` fs=`
        HEX     [ebp + 28], 4
        PRINT   ` gs=`
        HEX     [ebp + 32], 4
        PRINT   `; in handler ds=`
        HEX     esi, 4
        PRINT   ` gs=`
        HEX     edi, 4
        PRINT   ` cx=`
        movzx   ecx, cx
        HEX     ecx, 4
        PRINT   `; v86 saw cs=`
        movzx   eax, word [V86_SEG * 16 + 0x200]
        HEX     eax, 4
        PRINT   ` flags=`
        movzx   eax, word [V86_SEG * 16 + 0x202]
        HEX     eax, 4
        PRINT   ` ss=`
        movzx   eax, word [V86_SEG * 16 + 0x204]
        HEX     eax, 4
        PRINT   `\n`
        jmp     v86_back

v86_gp_handler:
        KERNEL_FRAME
        PRINT   `10b. v86 IOPL 0, cli: #GP err=`
        HEX     [ebp], 4
        call    put_v86_gp_frame
        PRINT   ` ss=`
        HEX     [ebp + 20], 4
        PRINT   `, byte at cs:ip=`
        movzx   eax, word [ebp + 8]
        shl     eax, 4
        add     eax, [ebp + 4]
        movzx   eax, byte [eax]
        HEX     eax, 2
        PRINT   `\n`
        jmp     v86_back

; The virtual-8086 code, copied to V86_SEG:0 (16-bit code).
v86_code:
        bits    16
v86_entry1:
        mov     ax, cs
        mov     [0x200], ax
        pushf
        pop     bx
        mov     [0x202], bx
        mov     ax, ss
        mov     [0x204], ax
        mov     cx, 0x1234
        int     V86_VECTOR
        jmp     $
v86_entry2:
        cmp     ax, ax
        cli
        jmp     $
        bits    32
v86_code_end:

; INT 0x84 (trap gate): returns its own EFLAGS in EAX.
int84_handler:
        pushfd
        pop     eax
        iretd

r3_int81_twice:
        UPRINT  `8f. ring 3:`
        int     0x81
        UPRINT  `\n8f. ring 3 again:`
        int     0x81
        UPRINT  `\n`
        BACK

int82_handler:
        push    eax
        push    ds
        mov     ax, KDATA
        mov     ds, ax
        call    pic_status
        mov     [isr_before], ah
        mov     dword [ctr], 0
        sti
.n0:
        inc     dword [ctr]
        cli
        call    pic_status
        mov     [isr_after], ah
        PRINT   `8g. #UD inside int 0x82:`
        cmp     eax, eax
        EXPECT  .u0, .u1
.u0:
        ud2
.u1:
        PRINT   `\n`
        pop     ds
        pop     eax
        iretd

; #DB: log the EIP of the trap (the next instruction to run), keep EFLAGS.
db_handler:
        push    eax
        mov     eax, [ss:db_count]
        cmp     eax, 16
        jae     .full
        push    ebx
        mov     ebx, [esp + 8]
        mov     [ss:db_log + eax * 4], ebx
        mov     ebx, [esp + 16]
        and     ebx, ~0x10000
        mov     [ss:db_eflags], ebx
        pop     ebx
.full:
        inc     dword [ss:db_count]
        pop     eax
        iretd

; ---------------------------------------------------------------------------------------
; Ring-3 code for check 5, on its own user page (everything else is supervisor-only
; while paging is on). Its stack and the EXPECT words are in the user data page.
        align 4096
user_text:
r3_paging:
        UPRINT  `5b. ring 3 reads its user page: `
        UHEX    [udata_marker], 8
        UPRINT  `; reads a supervisor page:`
        cmp     eax, eax
        EXPECT  .f1, .r1
.f1:
        mov     eax, [sup_page2]
.r1:
        UPRINT  `; writes the read-only user page:`
        cmp     eax, eax
        EXPECT  .f2, .r2
.f2:
        mov     dword [ro_page], 0xBAD00003
.r2:
        UPRINT  `; reads a not-present page:`
        cmp     eax, eax
        EXPECT  .f3, .r3
.f3:
        mov     eax, [np_page]
.r3:
        UPRINT  `; executes a supervisor page:`
        cmp     eax, eax
        EXPECT  .f4, .r4
.f4:
        call    smc_fn
.r4:
        UPRINT  `\n`
        BACK
        align 4096, db 0xCC
user_text_end:

; straddle_fn: its "mov eax, sreg" has its first byte at the end of a page and the
; second at the start of the next.
STRADDLE_PRE    equ 5
        times (0x1000 - ((($ - $$) + STRADDLE_PRE + 1) & 0xFFF)) & 0xFFF db 0xCC
straddle_fn:
        mov     eax, 0x11111111         ; 5 bytes
straddle_insn:
        mov     eax, cs
        ret
%if ((straddle_insn - $$) & 0xFFF) != 0xFFF
 %error "straddle_insn is not at the end of a page"
%endif

[section .data]
idt2_ptr:       dw 0x7FF
                dd idt2
tss_sel_word:   dw TSS_SEL
bound_pair:     dd 0, 3
outs_text:      db "rep-outsb"
outs_text_len   equ $ - outs_text
__SECT__

[section .bss]
iomap:          resb 8192 + 4           ; early in .bss: within 64 KiB of the TSS
                alignb 8
idt2:           resb 2048
alt_hits:       resd 1
k_esp:          resd 1
esp_before:     resd 1
ctr:            resd 1
irq_count:      resd 1
irq_count_base: resd 1
irq_eip:        resd 1
irq_cs:         resd 1
irq_eflags:     resd 1
irq_ctr:        resd 1
irq_isr:        resb 1
isr_before:     resb 1
isr_after:      resb 1
                alignb 4
int81_count:    resd 1
db_count:       resd 1
db_eflags:      resd 1
db_log:         resd 16
table_reg:      resb 8
scratch:        resd 2
marker0:        resd 1
copy_buf:       resb 256
                alignb 16
                resb 4096
trap_stack_top:
                alignb 4096
page_dir:       resb 4096
page_table:     resb 4096
pa_page:        resb 4096
pb_page:        resb 4096
ro_page:        resb 4096
np_page:        resb 4096
sup_page:       resb 4096
sup_page2:      resb 4096
udata:                                  ; the user data page: EXPECT words, marker, stack
ux_resume:      resd 1
ux_expect:      resd 1
ux_faults:      resd 1
ux_esp:         resd 1
ux_rdtsc:       resd 1
ux_int81_eflags: resd 1
udata_marker:   resd 2
                resb 4096 - 32
udata_top:
__SECT__

%include "torture-code.inc"
%include "console.inc"
%include "syscall.inc"
%include "pic.inc"
%include "pit.inc"
%include "end.inc"
