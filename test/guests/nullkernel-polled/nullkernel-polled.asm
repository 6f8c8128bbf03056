; nullkernel-polled — the interrupt-free nullkernel variant of the FreeMWare plan.
;
; The kernel sets up its own GDT (flat ring-0/ring-3 code and data, one TSS), an IDT and
; the TSS's SS0:ESP0, then drops to ring 3 with IRET. Two ring-3 tasks take turns
; cooperatively: each prints a line through INT 0x80 (to the VGA screen and port 0xE9)
; and then yields. The kernel paces the turns by polling the 8254: channel 0 runs in mode 2
; at 1 kHz and the yield call busy-waits for one period by reading the counter with the
; Counter Latch Command. Interrupts stay disabled for the whole run (IF=0 in ring 3 too),
; so the 8259s are never touched. Everything printed is independent of timing.
;
; Exercises: LGDT, far JMP to reload CS, MOV to segment registers, LTR, LIDT, IRET to
; ring 3, INT 0x80 through a DPL-3 gate with the TSS stack switch, IRET back, OUT/IN to
; the PIT, writes to 0xB8000.

%include "boot.inc"

PIT_DIVISOR     equ 1193                ; 1193182 / 1193 = 1000.15 Hz
TASK_LINES      equ 4                   ; each task prints this many lines

SYS_YIELD       equ 5

kmain:
        PRINT   `nullkernel-polled: own GDT, IDT and TSS loaded\n`
        call    syscall_install

        mov     ax, PIT_DIVISOR
        call    pit_ch0_mode2
        PRINT   `PIT channel 0: mode 2, divisor 1193 (1 kHz), polled with the latch command\n`
        ; Check that the counter moves before relying on it.
        mov     ecx, 1
        call    pit_wait_periods
        jc      pit_stuck

        mov     eax, task_main
        mov     ebx, 0                  ; task 0 is "A"
        mov     ecx, USER_EFLAGS_NOIF
        call    task_create
        mov     eax, task_main
        mov     ebx, 1                  ; task 1 is "B"
        mov     ecx, USER_EFLAGS_NOIF
        call    task_create
        PRINT   `starting 2 cooperative ring-3 tasks\n`
        xor     eax, eax
        jmp     sched_start

pit_stuck:
        PRINT   `*** PIT channel 0 counter does not reload\n`
        mov     al, EXIT_FAIL
        jmp     exit_status

; ---------------------------------------------------------------------------------------
; System calls (the table is indexed by EAX, see syscall.inc).
SYSCALL_COUNT   equ 6
[section .data]
syscall_table:
        dd sys_task_exit, sys_puts, sys_puthex, sys_putdec, sys_putc, sys_yield
__SECT__

; SYS_YIELD: wait one PIT period, then let the next task run.
sys_yield:
        mov     ecx, 1
        call    pit_wait_periods
        jc      pit_stuck
        inc     dword [periods_waited]
        call    sched_next
        call    sched_switch
        xor     eax, eax
        ret

; SYS_EXIT: this task is finished. Run another one, or end when none is left.
sys_task_exit:
        mov     eax, [current_task]
        mov     dword [task_alive + eax * 4], 0
        call    sched_next
        cmp     eax, -1
        je      .all_done
        call    sched_switch            ; never comes back: nothing switches to a dead task
.all_done:
        PRINT   `all tasks finished after `
        mov     eax, [periods_waited]
        call    con_dec
        PRINT   ` paced PIT periods; exit 0\n`
        mov     al, EXIT_OK
        jmp     exit_status

; ---------------------------------------------------------------------------------------
; Ring-3 code. EBX = task number. Prints TASK_LINES lines, yielding after each.
task_main:
        mov     esi, ebx                ; task number
        mov     edi, 1                  ; line number
        lea     ebp, [ebx + 'A']        ; task letter
.line:
        UPRINT  `task `
        mov     eax, SYS_PUTC
        mov     ebx, ebp
        int     SYSCALL_VECTOR
        UPRINT  `: line `
        UDEC    edi
        UPRINT  ` of 4, running at CPL `
        mov     eax, cs                 ; the RPL of CS is the CPL (SDM vol.3A §5.5)
        and     eax, 3
        UDEC    eax
        UPRINT  `\n`
        mov     eax, SYS_YIELD
        int     SYSCALL_VECTOR
        inc     edi
        cmp     edi, TASK_LINES
        jbe     .line
        mov     eax, SYS_EXIT
        int     SYSCALL_VECTOR
        ; not reached

[section .bss]
periods_waited: resd 1
__SECT__

%include "console.inc"
%include "syscall.inc"
%include "pit.inc"
%include "sched.inc"
%include "end.inc"
