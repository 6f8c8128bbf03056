; syscallbench — a paged, system-call-heavy ring-3 benchmark guest (issue 15): a ring-3 loop
; of ITERATIONS iterations, each about 17 instructions of integer work and one INT 0x81
; into a 4-instruction kernel handler that mixes the user's value into kernel state kept on
; a supervisor-only page, and IRETs back: two CPL changes every ~23 instructions, what an
; operating system does all day. Then one checksum line and exit status 0.
;
; By default paging is on (an identity map of 0-4 MiB, every page supervisor-only except
; the ring-3 code, data and stack pages), and after the loop the guest checks that page
; protection still holds after all those CPL changes (SDM vol.3 §4.6): ring 3 reading the
; kernel's data page and calling into the kernel's handler page (both used at CPL 0 on
; every iteration) is #PF with error code 5, ring 3 writing its read-only page is #PF 7,
; the kernel writing that page succeeds with CR0.WP = 0 and is #PF 3 with CR0.WP = 1.
; -DNO_PAGING builds the same work with paging off (no protection checks); its checksum
; line is the same. -DITERATIONS=n sets the loop count.

%include "boot.inc"

%ifndef ITERATIONS
ITERATIONS      equ 20000
%endif
WORK_VECTOR     equ 0x81
PTE_P           equ 1
PTE_W           equ 2
PTE_U           equ 4
CR0_PG          equ 0x80000000
CR0_WP          equ 0x10000
SYS_ARM         equ 5                   ; EBX = resume address for the next expected fault
SYS_FAULT       equ 6                   ; returns EAX = error code of that fault, EBX = CR2

; PTE_OF label: EDI = address of the page-table entry that maps `label` (identity map).
%macro PTE_OF 1
        mov     edi, %1
        shr     edi, 12
        lea     edi, [page_table + edi * 4]
%endmacro

kmain:
%ifdef NO_PAGING
        PRINT   `syscallbench: paging off, `
%else
        PRINT   `syscallbench: paging on, `
%endif
        mov     eax, ITERATIONS
        call    con_dec
        PRINT   ` ring-3 iterations with an INT 0x81 every ~23 instructions\n`
        call    syscall_install
        mov     eax, WORK_VECTOR
        mov     ebx, work_entry
        mov     dl, GATE_INT_DPL3
        call    idt_set
        mov     eax, 14
        mov     ebx, pf_entry
        mov     dl, GATE_INT
        call    idt_set
%ifndef NO_PAGING
        ; Identity-map 0-4 MiB, supervisor read/write, then open the user pages.
        mov     edi, page_table
        mov     eax, PTE_P | PTE_W
        mov     ecx, 1024
.fill:
        stosd
        add     eax, 0x1000
        loop    .fill
        PTE_OF  user_text
        or      dword [edi], PTE_U
        PTE_OF  user_data
        or      dword [edi], PTE_U
        PTE_OF  user_stack
        or      dword [edi], PTE_U
        PTE_OF  user_ro
        mov     dword [edi], user_ro + (PTE_P | PTE_U)
        mov     dword [page_dir], page_table + (PTE_U | PTE_W | PTE_P)
        mov     eax, page_dir
        mov     cr3, eax
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
%endif
        mov     eax, user_main
        mov     edx, user_stack + 4096
        mov     ecx, USER_EFLAGS_NOIF
        jmp     enter_ring3

USER_EFLAGS_NOIF equ 0x002

; ---------------------------------------------------------------------------------------
; System calls through INT 0x80 (syscall.inc).
SYSCALL_COUNT   equ 7
[section .data]
syscall_table:
        dd sys_exit, sys_puts, sys_puthex, sys_putdec, sys_putc, sys_arm, sys_fault
__SECT__

sys_arm:
        mov     [fault_resume], ebx
        xor     eax, eax
        ret

; Returns the error code in EAX and CR2 in the caller's EBX.
sys_fault:
        mov     eax, [fault_cr2]
        mov     [esp + 4 + 16], eax     ; the caller's EBX in the PUSHAD frame
        mov     eax, [fault_err]
        ret

sys_exit:
%ifndef NO_PAGING
        ; The kernel writes the user's read-only page: allowed with CR0.WP = 0, #PF with
        ; error code 3 (present, write, supervisor) with CR0.WP = 1 (SDM vol.3 §4.6).
        mov     dword [user_ro], 0x11111111
        PRINT   `kernel write to a user read-only page, CR0.WP=0: ok, reads `
        mov     eax, [user_ro]
        mov     cl, 8
        call    con_hex
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        mov     dword [fault_resume], .wp_faulted
        mov     dword [user_ro], 0x22222222
        PRINT   `\n*** no fault with CR0.WP=1\n`
        mov     al, EXIT_FAIL
        jmp     exit_status
.wp_faulted:
        PRINT   `\nkernel write to it, CR0.WP=1: #PF err=`
        mov     eax, [fault_err]
        mov     cl, 2
        call    con_hex
        PRINT   ` cr2 ok=`
        mov     eax, [fault_cr2]
        cmp     eax, user_ro
        sete    al
        movzx   eax, al
        call    con_dec
        PRINT   `, page still reads `
        mov     eax, [user_ro]
        mov     cl, 8
        call    con_hex
        mov     al, `\n`
        call    con_putc
%endif
        mov     al, EXIT_OK
        jmp     exit_status

; The page-fault gate: CR2 is kept for the report, then the common expected-fault path.
pf_entry:
        push    eax
        mov     eax, cr2
        mov     [ss:fault_cr2], eax
        pop     eax
        jmp     exc_stub_14

%include "console.inc"
%include "syscall.inc"

; ---------------------------------------------------------------------------------------
; The kernel's side of the loop, on its own supervisor-only page: mixes EBX into the kernel
; state (on a supervisor-only data page) and returns it in EAX.
        align   4096
work_entry:
        xor     eax, ebx
        add     eax, [ss:kstate]
        rol     eax, 5
        mov     [ss:kstate], eax
        iretd

; ---------------------------------------------------------------------------------------
; Ring 3.
        align   4096
user_text:
user_main:
        mov     esi, 0x12345678         ; xorshift32 state
        mov     edi, 0x811C9DC5         ; checksum
        mov     ebp, ITERATIONS
        xor     eax, eax
.loop:
        mov     edx, esi                ; xorshift32 (Marsaglia 2003)
        shl     edx, 13
        xor     esi, edx
        mov     edx, esi
        shr     edx, 17
        xor     esi, edx
        mov     edx, esi
        shl     edx, 5
        xor     esi, edx
        mov     ebx, esi
        add     ebx, [user_counter]
        inc     dword [user_counter]
        int     WORK_VECTOR             ; EAX = mixed kernel state
        add     edi, eax
        rol     edi, 3
        dec     ebp
        jnz     .loop

        UPRINT  `checksum=`
        UHEX    edi, 8
        UPRINT  `\n`
%ifndef NO_PAGING
        ; Ring 3 reads the kernel's data page (used at CPL 0 on every iteration).
        mov     eax, SYS_ARM
        mov     ebx, .r_faulted
        int     SYSCALL_VECTOR
        mov     eax, [kstate]
        UPRINT  `*** ring 3 read a supervisor page\n`
        jmp     .done
.r_faulted:
        UPRINT  `ring 3 read of the kernel's data page: `
        call    report_fault
        ; Ring 3 calls into the kernel's handler page (run at CPL 0 on every iteration).
        mov     eax, SYS_ARM
        mov     ebx, .x_faulted
        int     SYSCALL_VECTOR
        mov     eax, work_entry
        call    eax
        UPRINT  `*** ring 3 ran a supervisor page\n`
        jmp     .done
.x_faulted:
        add     esp, 4                  ; the return address CALL pushed
        UPRINT  `ring 3 fetch from the kernel's code page: `
        call    report_fault
        ; Ring 3 writes its read-only page.
        mov     eax, SYS_ARM
        mov     ebx, .w_faulted
        int     SYSCALL_VECTOR
        mov     dword [user_ro], 0x33333333
        UPRINT  `*** ring 3 wrote a read-only page\n`
        jmp     .done
.w_faulted:
        UPRINT  `ring 3 write of its read-only page: `
        call    report_fault
%endif
.done:
        mov     eax, SYS_EXIT
        int     SYSCALL_VECTOR

%ifndef NO_PAGING
; Prints "#PF err=EE cr2=AAAAAAAA" for the last expected fault.
report_fault:
        mov     eax, SYS_FAULT
        int     SYSCALL_VECTOR
        UPRINT  `#PF err=`
        UHEX    eax, 2
        UPRINT  ` cr2=`
        UHEX    ebx, 8
        UPRINT  `\n`
        ret
%endif

; Ring-3 data, read-only page and stack: their own pages.
        align   4096
user_data:
user_counter:   dd 0
        align   4096
user_ro:        dd 0x0DEC0DE0
        align   4096

[section .data]
kstate:         dd 0x9E3779B9
fault_cr2:      dd 0
__SECT__

section .bss
        alignb  4096
page_dir:       resb 4096
page_table:     resb 4096
user_stack:     resb 4096

%include "end.inc"
