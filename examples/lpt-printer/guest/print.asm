; A guest that prints a line on the printer of LPT1 (the example device of
; docs/writing-a-device.md), polling its STATUS register as a BIOS's INT 17h does,
; then exits through port 0xF4 with status 0.
; Build: nasm -f bin -o print.bin print.asm; run it loaded at 1 MiB (ringlab run --load).
bits 32
org 0x100000

DATA    equ 0x378
STATUS  equ 0x379
CONTROL equ 0x37a

start:
        mov esp, 0x90000        ; a stack: a raw image is entered with none set up
        mov dx, CONTROL
        mov al, 0x0c            ; nINIT high, SELECT IN: take the printer out of reset
        out dx, al
        mov esi, message
.next:  mov bl, [esi]
        inc esi
        test bl, bl
        jz .done
        call wait_ready
        mov dx, DATA
        mov al, bl
        out dx, al
        mov dx, CONTROL
        mov al, 0x0d            ; assert STROBE: the printer takes the byte
        out dx, al
        mov al, 0x0c            ; and release it
        out dx, al
        jmp .next
.done:  call wait_ready         ; the last byte is acknowledged
        xor al, al
        out 0xf4, al
        hlt

; Waits until STATUS bit 7 (not busy) is set.
wait_ready:
        mov dx, STATUS
.poll:  in al, dx
        test al, 0x80
        jz .poll
        ret

message: db "Hello from LPT1!", 10, 0
