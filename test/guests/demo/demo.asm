; demo — the guest `ringlab run` boots when no kernel is given: nullkernel-preempt's
; machinery (common/turns.inc: PIT mode 2 -> 8259 IRQ 0 -> preemptive round robin of
; ring-3 tasks with a software context switch) behind a VGA text screen with a title bar,
; one box per task and a kernel log window. It ends by itself: after the last task, it
; keeps the final screen for 2 seconds of guest time (2000 PIT ticks) and exits with 0.
;
; The tasks compute at CPL 3: A lists primes, B Fibonacci numbers, C Collatz step counts.
; Each turn a task writes one result line (SYS_SAY, SYS_SAY_DEC) that goes both into its
; box (VGA only) and to the kernel log (VGA log window and port 0xE9). The 0xE9 transcript is deterministic
; for the reasons given in turns.inc; turns last at least 60 ticks so a person can watch.

%define TURN_HOOK
%include "boot.inc"

PIT_DIVISOR     equ 1193                ; 1000.15 Hz
TURN_MIN_TICKS  equ 60                  ; at least 60 ms per turn, for the eye
LINGER_TICKS    equ 2000                ; keep the final screen 2 s before exiting
NTASKS          equ 3

SYS_SAY         equ 6                   ; EBX = string: to the log and to my box
SYS_SAY_DEC     equ 7                   ; EBX = unsigned value, in decimal, the same way
SYS_BOX_DONE    equ 8                   ; mark my box finished

; Screen layout (80x25)
BOX_TOP         equ 2
BOX_HEIGHT      equ 11                  ; 9 inner rows
BOX_WIDTH       equ 26
LOG_HEADER_ROW  equ 14
LOG_TOP         equ 15                  ; the log window: rows 15-23
LOG_BOTTOM      equ 24
FOOTER_ROW      equ 24
ATTR_TITLE      equ 0x1F                ; bright white on blue
ATTR_BAR        equ 0x70                ; black on light grey
ATTR_LOG        equ 0x07

kmain:
        call    draw_screen
        mov     byte [con_top], LOG_TOP
        mov     byte [con_bottom], LOG_BOTTOM
        mov     dword [con_pos], LOG_TOP * VGA_COLS
        call    con_cursor

        PRINT   `ringlab demo: own GDT, IDT and TSS; 8259A remapped to 20h; PIT 1 kHz\n`
        call    syscall_install
        mov     ax, PIT_DIVISOR
        call    turns_init

        xor     esi, esi
.create:
        mov     eax, [task_entry + esi * 4]
        mov     ebx, esi
        mov     ecx, USER_EFLAGS_IF
        call    task_create
        inc     esi
        cmp     esi, NTASKS
        jb      .create
        PRINT   `3 ring-3 tasks, preempted by IRQ 0, one result per turn\n`
        jmp     turns_start

all_tasks_done:
        PRINT   `all tasks finished\n`
        call    print_turn_stats
        PRINT   `\n`
        mov     byte [con_attr], 0x0E
        PRINT   `exit status 0 after 2 s\n`
        ; Linger with interrupts on: the IRQ 0 handler only counts ticks now.
        mov     eax, [ticks]
        add     eax, LINGER_TICKS
        mov     [linger_until], eax
.linger:
        sti                             ; STI's one-instruction delay: no tick is lost
        hlt                             ; between the check and HLT (SDM vol.2 STI)
        cli
        mov     eax, [ticks]
        cmp     eax, [linger_until]
        jb      .linger
        mov     al, EXIT_OK
        jmp     exit_status

; ---------------------------------------------------------------------------------------
; The static screen: title bar, three boxes, log header, footer.
draw_screen:
        pushad
        mov     byte [con_attr], ATTR_LOG
        call    con_init
        ; title bar
        mov     dx, 0x0000
        mov     bx, (1 << 8) | VGA_COLS
        mov     ax, (ATTR_TITLE << 8) | ' '
        call    vga_fill
        mov     esi, str_title
        mov     dx, 0x0002
        mov     ah, ATTR_TITLE
        call    vga_puts_at
        mov     esi, str_title_right
        mov     dx, 0x0000 | (VGA_COLS - 16)
        call    vga_puts_at
        ; one box per task
        xor     ecx, ecx
.box:
        mov     ah, [box_attr + ecx]
        mov     dh, BOX_TOP
        imul    edx, ecx, BOX_WIDTH + 1
        mov     dh, BOX_TOP
        mov     bx, (BOX_HEIGHT << 8) | BOX_WIDTH
        call    vga_box
        add     dl, 2
        mov     esi, [box_title + ecx * 4]
        call    vga_puts_at
        inc     ecx
        cmp     ecx, NTASKS
        jb      .box
        ; log header and footer
        mov     dx, LOG_HEADER_ROW << 8
        mov     bx, (1 << 8) | VGA_COLS
        mov     ax, (ATTR_BAR << 8) | ' '
        call    vga_fill
        mov     esi, str_log
        mov     dl, 1
        mov     ah, ATTR_BAR
        call    vga_puts_at
        mov     dx, FOOTER_ROW << 8
        mov     ax, (ATTR_TITLE << 8) | ' '
        call    vga_fill
        mov     esi, str_footer
        mov     dl, 1
        mov     ah, ATTR_TITLE
        call    vga_puts_at
        popad
        ret

; turn_hook (from begin_turn, ring 0): EAX = task starting its turn. Put the running
; marker (CP437 0x10, a right-pointing triangle) in front of that task's box title only.
turn_hook:
        pushad
        xor     ecx, ecx
.mark:
        imul    edi, ecx, (BOX_WIDTH + 1) * 2
        lea     edi, [VGA_TEXT + BOX_TOP * VGA_COLS * 2 + 2 + edi]
        mov     bl, 0xCD                ; the plain top edge ...
        cmp     ecx, eax
        jne     .put
        mov     bl, 0x10                ; ... or the marker
.put:
        mov     [edi], bl
        inc     ecx
        cmp     ecx, NTASKS
        jb      .mark
        popad
        ret

; ---------------------------------------------------------------------------------------
SYSCALL_COUNT   equ 9
[section .data]
syscall_table:
        dd sys_task_exit, sys_puts, sys_puthex, sys_putdec, sys_putc, sys_turn_done
        dd sys_say, sys_say_dec, sys_box_done
__SECT__

; SYS_SAY: EBX = string, printed to the console (log window + port 0xE9) and the box.
sys_say:
        push    esi
        mov     esi, ebx
        call    con_puts
        call    box_puts
        pop     esi
        xor     eax, eax
        ret

; SYS_SAY_DEC: EBX = value, the same in decimal.
sys_say_dec:
        push    esi
        mov     eax, ebx
        mov     esi, dec_buffer
        call    format_dec
        call    con_puts
        call    box_puts
        pop     esi
        xor     eax, eax
        ret

; box_puts: ESI = string, written at the current task's box cursor; '\n' starts the next
; box row; text past the inner width is dropped.
box_puts:
        pushad
        mov     ebx, [current_task]
.next:
        lodsb
        test    al, al
        jz      .done
        cmp     al, `\n`
        jne     .char
        inc     byte [box_row + ebx]
        mov     byte [box_col + ebx], 0
        jmp     .next
.char:
        movzx   ecx, byte [box_col + ebx]
        cmp     ecx, BOX_WIDTH - 4
        jae     .next
        inc     byte [box_col + ebx]
        push    eax
        mov     eax, ebx
        call    box_origin              ; DH,DL = first inner cell, AH = attribute
        add     dh, [box_row + ebx]
        add     dl, cl
        call    vga_addr
        mov     cl, ah
        pop     eax
        mov     ah, cl
        mov     [edi], ax
        jmp     .next
.done:
        popad
        ret

; SYS_BOX_DONE: " finished " in the bottom edge of the caller's box.
sys_box_done:
        pushad
        mov     eax, [current_task]
        call    box_origin
        add     dh, BOX_HEIGHT - 2
        mov     esi, str_finished
        call    vga_puts_at
        popad
        xor     eax, eax
        ret

; box_origin: EAX = task -> DH,DL = row,column of its first inner cell, AH = attribute.
box_origin:
        push    ecx
        imul    ecx, eax, BOX_WIDTH + 1
        mov     dl, cl
        add     dl, 2
        mov     dh, BOX_TOP + 1
        mov     ecx, eax
        mov     ah, [box_attr + ecx]
        pop     ecx
        ret

; format_dec: EAX = unsigned value, ESI = buffer (11 bytes) -> zero-terminated decimal.
format_dec:
        pushad
        mov     edi, esi
        mov     ebx, 10
        xor     ecx, ecx
.div:
        xor     edx, edx
        div     ebx
        push    edx
        inc     ecx
        test    eax, eax
        jnz     .div
.out:
        pop     eax
        add     al, '0'
        stosb
        loop    .out
        mov     byte [edi], 0
        popad
        ret

; ---------------------------------------------------------------------------------------
; Ring-3 tasks. Each: ESI = task number, EDX = last turn seen, EDI = line number. WAIT_TURN
; uses EAX and ECX; SAY, SAY_DEC and TAG keep every register but EAX.

; SAY `text` / SAY_DEC value: a piece of the result line, to the log and to the box.
%macro SAY 1
        [section .data]
%%str:  db %1, 0
        __SECT__
        push    ebx
        mov     ebx, %%str
        mov     eax, SYS_SAY
        int     SYSCALL_VECTOR
        pop     ebx
%endmacro
%macro SAY_DEC 1
        push    ebx
        mov     ebx, %1
        mov     eax, SYS_SAY_DEC
        int     SYSCALL_VECTOR
        pop     ebx
%endmacro
; TAG: "[X] " at the start of a log line (log only).
%macro TAG 0
        UPRINT  `[`
        push    ebx
        lea     ebx, [esi + 'A']
        mov     eax, SYS_PUTC
        int     SYSCALL_VECTOR
        pop     ebx
        UPRINT  `] `
%endmacro

; Task A: the first 8 primes, by trial division. EBP = candidate.
task_primes:
        mov     esi, ebx
        xor     edx, edx
        mov     edi, 1
        mov     ebp, 1
.turn:
        WAIT_TURN
.candidate:
        inc     ebp
        mov     ebx, 2
.trial:
        mov     eax, ebx
        imul    eax, ebx
        cmp     eax, ebp
        ja      .is_prime
        push    edx
        mov     eax, ebp
        xor     edx, edx
        div     ebx
        test    edx, edx
        pop     edx
        jz      .candidate
        inc     ebx
        jmp     .trial
.is_prime:
        TAG
        SAY     `prime #`
        SAY_DEC edi
        SAY     `: `
        SAY_DEC ebp
        SAY     `\n`
        cmp     edi, 8
        jae     task_end
        END_TURN
        inc     edi
        jmp     .turn

; Task B: every fifth Fibonacci number, F(5), F(10), ... F(30). EBP, EBX = F(n), F(n+1).
task_fib:
        mov     esi, ebx
        xor     edx, edx
        mov     edi, 1
        xor     ebp, ebp                ; F(0)
        mov     ebx, 1                  ; F(1)
.turn:
        WAIT_TURN
        mov     ecx, 5
.step:
        lea     eax, [ebp + ebx]
        mov     ebp, ebx
        mov     ebx, eax
        loop    .step
        TAG
        SAY     `fib(`
        imul    eax, edi, 5
        SAY_DEC eax
        SAY     `): `
        SAY_DEC ebp
        SAY     `\n`
        cmp     edi, 6
        jae     task_end
        END_TURN
        inc     edi
        jmp     .turn

; Task C: Collatz step counts for n = 27 ... 33. EBP = n, EBX = steps.
task_collatz:
        mov     esi, ebx
        xor     edx, edx
        mov     edi, 1
        mov     ebp, 26
.turn:
        WAIT_TURN
        inc     ebp
        mov     eax, ebp
        xor     ebx, ebx
.step:
        cmp     eax, 1
        je      .done
        inc     ebx
        test    eax, 1
        jz      .even
        lea     eax, [eax * 2 + eax + 1]
        jmp     .step
.even:
        shr     eax, 1
        jmp     .step
.done:
        TAG
        SAY     `collatz(`
        SAY_DEC ebp
        SAY     `): `
        SAY_DEC ebx
        SAY     ` steps\n`
        cmp     edi, 7
        jae     task_end
        END_TURN
        inc     edi
        jmp     .turn

task_end:
        mov     eax, SYS_BOX_DONE
        int     SYSCALL_VECTOR
        mov     eax, SYS_EXIT
        int     SYSCALL_VECTOR

[section .data]
task_entry:     dd task_primes, task_fib, task_collatz
box_title:      dd str_box_a, str_box_b, str_box_c
box_attr:       db 0x0B, 0x0A, 0x0D     ; light cyan, light green, light magenta
box_row:        db 0, 0, 0
box_col:        db 0, 0, 0
str_title:      db "ringlab demo: a tiny kernel, three preemptive ring-3 tasks", 0
str_title_right: db "IA-32, no BIOS", 0
str_box_a:      db " task A: primes ", 0
str_box_b:      db " task B: Fibonacci ", 0
str_box_c:      db " task C: Collatz ", 0
str_log:        db "kernel log (the same text goes to port E9h)", 0
str_footer:     db "PIT 1 kHz -> 8259A IRQ 0 -> vector 20h: scheduler | INT 80h: system calls", 0
str_finished:   db " finished ", 0
[section .bss]
dec_buffer:     resb 12
linger_until:   resd 1
__SECT__

%include "console.inc"
%include "vga.inc"
%include "syscall.inc"
%include "pic.inc"
%include "pit.inc"
%include "sched.inc"
%include "turns.inc"
%include "end.inc"
