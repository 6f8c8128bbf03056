; x87-host.asm — the x87 guest's computations (../x87-cases.inc) as a function of a native
; 32-bit Linux program, so that the host's own x87 prints the expected output. Built by
; run-host.sh: nasm -f elf32 -DHOSTED, linked with x87-host.c by gcc -m32.
;
; Printing goes through the C library's putchar (cdecl: EAX, ECX, EDX are the callee's,
; so con_putc saves everything); format.inc supplies con_puts and con_hex over it, exactly
; as console.inc does in the guest.

bits 32
cpu 686

%include "macros.inc"

section .text
global x87_run
extern putchar

; x87_run(void): every case, then return. cdecl: EBX, ESI, EDI, EBP preserved.
x87_run:
        pushad
        call    x87_cases
        popad
        ret

con_putc:
        pushad
        movzx   eax, al
        push    eax
        call    putchar
        add     esp, 4
        popad
        ret

con_cursor:
        ret

%include "format.inc"
%include "x87/x87-cases.inc"

; No executable stack for the linker (the GNU convention for assembler objects).
section .note.GNU-stack noalloc noexec nowrite progbits
