; idle — a kernel that does nothing but wait for its timer, the way an operating system
; idles: STI; HLT in a loop, woken by every tick of the 8254 (channel 0, mode 2, 1 kHz, IRQ 0
; through the 8259A). The tick handler counts and acknowledges (non-specific EOI); the loop
; counts its wake-ups. After IDLE_TICKS ticks (2 s of guest time) it checks that every
; wake-up was a tick's: HLT resumes at the next instruction only after an interrupt's IRET
; (SDM vol.2 HLT: "an enabled interrupt ... resumes execution").
;
; Then it masks IRQ 0 at the 8259A, keeps the PIT running, and checks that a timer that
; still runs cannot wake a HLT it is masked from: it polls the IRR (OCW3) with IF=0 until
; IRQ 0 is requested again — the request is latched but not delivered — and reports that.
;
; What it is for: the cost of idling. Almost no instructions retire (about 20 per tick), so
; a machine whose wake-up path is cheap runs these 2 s of guest time in a few milliseconds.

%include "boot.inc"

%ifndef IDLE_TICKS
IDLE_TICKS      equ 2000                ; 2 s at 1 kHz (-DIDLE_TICKS=n for longer idles)
%endif
PIT_DIVISOR     equ 1193                ; 1193182 / 1193 = 1000.15 Hz
PIC_READ_IRR    equ 0x0A                ; OCW3: RR=1 RIS=0 (8259A datasheet, "OCW3")

kmain:
        PRINT   `idle: PIT channel 0 mode 2 at 1 kHz on IRQ 0, STI; HLT until `
        mov     eax, IDLE_TICKS
        call    con_dec
        PRINT   ` ticks\n`
        call    pic_init
        mov     eax, IRQ_BASE
        mov     ebx, tick_handler
        mov     dl, GATE_INT
        call    idt_set
        mov     ax, 0xFFFE              ; only IRQ 0 unmasked
        call    pic_set_mask
        mov     ax, PIT_DIVISOR
        call    pit_ch0_mode2

        xor     esi, esi                ; wake-ups
.idle:
        sti
        hlt                             ; the STI shadow covers HLT: no tick is lost here
        cli
        inc     esi
        cmp     dword [ticks], IDLE_TICKS
        jb      .idle

        ; Each wake-up must have taken a tick: HLT ends only on an interrupt (or NMI, and
        ; there is none). The counts need not be equal everywhere: a machine whose timer
        ; follows the host's clock (QEMU) may deliver two late ticks in one wake-up.
        mov     eax, [ticks]
        call    con_dec
        PRINT   ` ticks taken in HLT`
        cmp     esi, [ticks]
        ja      .spurious
        test    esi, esi
        jz      .spurious
        PRINT   `, every wake-up by a tick\n`
        jmp     .masked
.spurious:
        PRINT   `, but woke `
        mov     eax, esi
        call    con_dec
        PRINT   ` times\n`
        mov     al, EXIT_FAIL
        jmp     exit_status
.masked:
        ; IRQ 0 masked: the PIT goes on requesting, the 8259A latches it in the IRR and
        ; never asserts INTR (datasheet, "Interrupt Mask Register").
        mov     ax, 0xFFFF
        call    pic_set_mask
        mov     al, PIC_READ_IRR
        out     PIC1_CMD, al
        mov     ecx, 100000000          ; far more polls than one 1 ms period takes anywhere
.poll:
        in      al, PIC1_CMD
        test    al, 1
        jnz     .latched
        loop    .poll
        PRINT   `IRQ 0 never requested with the line masked\n`
        mov     al, EXIT_FAIL
        jmp     exit_status
.latched:
        mov     eax, [ticks]
        PRINT   `IRQ 0 masked: requested in the IRR, not delivered (ticks still `
        call    con_dec
        PRINT   `)\n`
%ifdef HALT_MASKED
        ; Built with -DHALT_MASKED: sleep with IRQ 0 masked while the PIT still runs. Nothing
        ; can ever wake the CPU; a machine must say so rather than idle for ever (QEMU idles).
        PRINT   `STI; HLT with every line masked\n`
        sti
        hlt
        PRINT   `woke up with every line masked\n`
        mov     al, EXIT_FAIL
        jmp     exit_status
%endif
        mov     al, EXIT_OK
        jmp     exit_status

tick_handler:
        inc     dword [ticks]
        call    pic_eoi_master
        iretd

[section .bss]
ticks:          resd 1
__SECT__

%include "console.inc"
%include "pic.inc"
%include "pit.inc"
%include "end.inc"
