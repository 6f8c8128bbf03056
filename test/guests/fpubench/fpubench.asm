; fpubench — an x87-bound benchmark guest: the Mandelbrot set on a WIDTH x HEIGHT grid over
; [-2, 1] x [-1.2, 1.2], at most MAX_ITER iterations a point, in the x87's 64-bit extended
; precision (FNINIT: PC = 64 bits, RC = nearest). Then one line on the debug console and exit
; status 0.
;
; Each full iteration is 16 x87 instructions (FLD/FMUL/FADD/FSUBP/FMULP/FXCH/FCOMP/FNSTSW)
; and a handful of integer ones, with z kept on the register stack, so a run's time is
; mostly x87 execution. The output is a constant: the total number of iterations, and a
; hash folding every point's count and final Re(z) scaled by 2^16 and rounded (FISTP), so a
; wrong rounding anywhere in a chain of up to MAX_ITER dependent operations changes it. Only
; the basic arithmetic is used, which QEMU's, Bochs's and the host's x87 all round exactly.
; No interrupt or device is touched in the loop (CPL 0, IF = 0).

%include "boot.inc"

%ifndef WIDTH
WIDTH           equ 96
%endif
%ifndef HEIGHT
HEIGHT          equ 48
%endif
%ifndef MAX_ITER
MAX_ITER        equ 500
%endif
X87_PER_ITER    equ 16

kmain:
        PRINT   `fpubench: `
        mov     eax, WIDTH
        call    con_dec
        PRINT   `x`
        mov     eax, HEIGHT
        call    con_dec
        PRINT   ` points, at most `
        mov     eax, MAX_ITER
        call    con_dec
        PRINT   ` iterations each, `
        mov     eax, X87_PER_ITER
        call    con_dec
        PRINT   ` x87 instructions an iteration\n`

        fninit
        xor     ebp, ebp                ; total iterations
        mov     ebx, 0x811C9DC5         ; hash (FNV offset basis)
        mov     dword [row], 0
.row:
        mov     dword [col], 0
.col:
        ; ci = -1.2 + row * 2.4 / HEIGHT, cr = -2 + col * 3 / WIDTH, z = 0; stack: zr zi cr ci 4
        fld     qword [four]
        fild    dword [row]
        fmul    qword [yspan]
        fidiv   dword [height]
        fadd    qword [ymin]
        fild    dword [col]
        fmul    qword [xspan]
        fidiv   dword [width]
        fadd    qword [xmin]
        fldz
        fldz
        xor     ecx, ecx
.iter:
        fld     st0                     ; zr zr zi cr ci 4
        fmul    st0, st0                ; zr2 zr zi cr ci 4
        fld     st2
        fmul    st0, st0                ; zi2 zr2 zr zi cr ci 4
        fld     st1
        fadd    st0, st1                ; |z|2 zi2 zr2 zr zi cr ci 4
        fcomp   st7                     ; against 4
        fnstsw  ax
        sahf                            ; C0 -> CF, C3 -> ZF
        ja      .escaped                ; |z|^2 > 4
        fsubp   st1, st0                ; zr2-zi2 zr zi cr ci 4
        fadd    st0, st3                ; zr' zr zi cr ci 4
        fxch    st1                     ; zr zr' zi cr ci 4
        fmulp   st2, st0                ; zr' zr*zi cr ci 4
        fxch    st1
        fadd    st0, st0                ; 2 zr zi, zr', cr ci 4
        fadd    st0, st3                ; zi' zr' cr ci 4
        fxch    st1                     ; zr' zi' cr ci 4
        inc     ecx
        cmp     ecx, MAX_ITER
        jb      .iter
        jmp     .done
.escaped:
        fstp    st0                     ; drop zi2
        fstp    st0                     ; drop zr2
.done:
        add     ebp, ecx
        fmul    qword [scale]           ; zr * 2^16
        fistp   dword [fold]
        imul    ebx, ebx, 0x01000193    ; FNV-1a style: hash = (hash * prime) ^ value
        xor     ebx, ecx
        imul    ebx, ebx, 0x01000193
        xor     ebx, [fold]
        fcompp                          ; drop zi, cr
        fcompp                          ; drop ci, 4
        inc     dword [col]
        cmp     dword [col], WIDTH
        jb      .col
        inc     dword [row]
        cmp     dword [row], HEIGHT
        jb      .row

        PRINT   `fpubench: iterations=`
        mov     eax, ebp
        call    con_dec
        PRINT   ` hash=`
        mov     eax, ebx
        mov     cl, 8
        call    con_hex
        fnstsw  ax                      ; the stack must be empty again: TOP = 0, no fault
        PRINT   ` fsw=`
        movzx   eax, ax
        mov     cl, 4
        call    con_hex
        PRINT   `\n`
        mov     al, EXIT_OK
        jmp     exit_status

[section .data]
        align 8
four:   dq 4.0
xmin:   dq -2.0
ymin:   dq -1.2
xspan:  dq 3.0
yspan:  dq 2.4
width:  dd WIDTH
height: dd HEIGHT
scale:  dq 65536.0
__SECT__

[section .bss]
        alignb 4
row:    resd 1
col:    resd 1
fold:   resd 1
__SECT__

%include "console.inc"
%include "end.inc"
