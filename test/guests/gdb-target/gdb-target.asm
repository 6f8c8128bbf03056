; gdb-target: a tiny Multiboot v1 kernel in ELF form *with symbols*, for the gdb end-to-end
; test (test/gdb.test.ts): gdb breaks at `count_loop`, watches `counter`, steps and reads
; `message`. It runs a few sensitive instructions (PUSHFD, MOV from CS, CLI, OUT) so that
; scan-patch and pvi patch or trap them while gdb must still see the guest's own state.
; Build: see build-elf.sh beside this file (nasm -f elf32, then ld -m elf_i386).

bits 32

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 0                      ; ELF kernel: no a.out kludge, no info needed

section .multiboot
align 4
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

section .text
global _start, count_loop, print, done
_start:
    mov esp, stack_top
    cli
    pushfd                          ; sensitive: the guest's IF and IOPL
    pop eax
    mov [saved_flags], eax
    mov ax, cs                      ; sensitive: the guest's CPL in CS.RPL
    mov [saved_cs], ax
    mov ecx, 5
count_loop:
    inc dword [counter]
    loop count_loop
    mov esi, message
    call print
done:
    xor eax, eax
    mov dx, 0xF4
    out dx, al                      ; status 0: the run ends
    hlt

; Writes the NUL-terminated string at ESI to the debug console (port 0xE9).
print:
    mov dx, 0xE9
.next:
    lodsb
    test al, al
    jz .end
    out dx, al
    jmp .next
.end:
    ret

section .data
global counter, message, saved_flags, saved_cs
align 4
counter:     dd 0
saved_flags: dd 0
saved_cs:    dw 0
message:     db "gdb-target: counted to 5", 10, 0

section .bss
align 16
    resb 4096
stack_top:
