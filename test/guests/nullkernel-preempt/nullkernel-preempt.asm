; nullkernel-preempt — the interrupt-driven nullkernel variant: three ring-3 tasks
; switched preemptively by the PIT timer interrupt.
;
; Hardware set-up: the 8259 pair is initialised from scratch (ICW1-ICW4) with IRQ 0-15 at
; vectors 0x20-0x2F and only IRQ 0 unmasked; the 8254 channel 0 runs in mode 2 at 1 kHz;
; every tick is acknowledged with a non-specific EOI. Tasks run at CPL 3 with IF=1; the
; kernel itself always runs with IF=0 (interrupt gates only), so ticks can only interrupt
; ring-3 code.
;
; Task switching is a software context switch on per-task kernel stacks (sched.inc), not
; a hardware TSS switch: the timer handler saves the interrupted task's registers on its
; kernel stack, swaps ESP to the next task's kernel stack, updates TSS.ESP0 and IRETs.
;
; Why the output is the same at any tick rate and any CPU speed: see common/turns.inc.
; In short, each task prints exactly one line per turn, and the timer switches away only
; from a task that has finished its line, in fixed round-robin order: A1 B1 C1 A2 ...
; Each task also carries a running checksum in registers across its turns, so a context
; switch that loses a register changes the output. Tested with divisors 60 to 65535 and
; with QEMU -icount shift=0 and 8: identical output.

%include "boot.inc"

%ifndef PIT_DIVISOR                     ; (-DPIT_DIVISOR=n tries other tick rates)
PIT_DIVISOR     equ 1193                ; 1193182 / 1193 = 1000.15 Hz
%endif
TURN_MIN_TICKS  equ 1                   ; switch at the first tick after the line is done
NTASKS          equ 3

kmain:
        PRINT   `nullkernel-preempt: own GDT, IDT and TSS loaded\n`
        call    syscall_install
        mov     ax, PIT_DIVISOR
        call    turns_init
        PRINT   `8259A: IRQ 0-15 at vectors 20-2f, only IRQ 0 unmasked\n`
        PRINT   `PIT channel 0: mode 2, divisor 1193 (1 kHz), IRQ 0 drives the scheduler\n`

        xor     esi, esi
.create:
        mov     eax, task_main
        mov     ebx, esi
        mov     ecx, USER_EFLAGS_IF
        call    task_create
        inc     esi
        cmp     esi, NTASKS
        jb      .create
        PRINT   `starting 3 ring-3 tasks (A: 5 lines, B: 3, C: 4), round robin, one line per turn\n`
        jmp     turns_start             ; IRET into task A with IF=1

all_tasks_done:
        PRINT   `all tasks finished: `
        call    print_turn_stats
        PRINT   `; exit 0\n`
        mov     al, EXIT_OK
        cmp     dword [preempt_ring0], 0 ; the kernel never enables interrupts, so a
        je      .status                 ; preemption of ring-0 code would be a bug
        mov     al, EXIT_FAIL
.status:
        jmp     exit_status

SYSCALL_COUNT   equ 6
[section .data]
syscall_table:
        dd sys_task_exit, sys_puts, sys_puthex, sys_putdec, sys_putc, sys_turn_done
__SECT__

; ---------------------------------------------------------------------------------------
; Ring-3 task. EBX = task number. Registers live across turns (and preemptions):
;   ESI task number, EDI line number, EBP running checksum, EDX last turn seen,
;   ECX ring-3 spin count (timing-dependent, never printed).
task_main:
        mov     esi, ebx
        mov     edi, 1
        imul    ebp, esi, 0x9E3779B9    ; a different seed per task
        xor     edx, edx
.turn:
        WAIT_TURN
        imul    ebp, ebp, 31            ; checksum = checksum*31 + line*letter
        lea     eax, [esi + 'A']
        imul    eax, edi
        add     ebp, eax

        UPRINT  `task `
        push    edx
        lea     ebx, [esi + 'A']
        mov     eax, SYS_PUTC
        int     SYSCALL_VECTOR
        pop     edx
        UPRINT  ` (CPL `
        mov     eax, cs                 ; RPL of CS = CPL (SDM vol.3A §5.5)
        and     eax, 3
        UDEC    eax
        UPRINT  `): line `
        UDEC    edi
        UPRINT  ` of `
        UDEC    [task_lines + esi * 4]
        UPRINT  `, checksum `
        UHEX    ebp, 8
        UPRINT  `\n`

        cmp     edi, [task_lines + esi * 4]
        jae     .last
        END_TURN
        inc     edi
        jmp     .turn
.last:
        mov     eax, SYS_EXIT
        int     SYSCALL_VECTOR
        ; not reached

[section .data]
task_lines:     dd 5, 3, 4
__SECT__

%include "console.inc"
%include "syscall.inc"
%include "pic.inc"
%include "pit.inc"
%include "sched.inc"
%include "turns.inc"
%include "end.inc"
