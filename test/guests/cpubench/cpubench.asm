; cpubench — a CPU-bound benchmark guest: a fixed number of iterations of integer ALU work,
; loads and stores to a 4 KiB table, near calls and returns, and data-dependent branches,
; then one checksum line on the debug console and exit status 0.
;
; It runs entirely at CPL 0 with interrupts off and touches no device in the loop, so its
; time is pure instruction execution — what a monitor policy adds shows up directly (under
; scan-and-patch this is guest-kernel code, i.e. the deprivileged and scanned kind). The
; iteration count is fixed (ITERATIONS) so the checksum is a constant: any wrong result of
; an ALU op, shift, flag, load/store or branch changes it.

%include "boot.inc"

%ifndef ITERATIONS
ITERATIONS      equ 40000000            ; about 1.5-2 s under QEMU TCG on the reference machine
%endif
TABLE_DWORDS    equ 1024

kmain:
        PRINT   `cpubench: `
        mov     eax, ITERATIONS
        call    con_dec
        PRINT   ` iterations of ALU, load/store, call and branch work\n`

        ; table[i] = i * 0x9E3779B9 (so the loads start from known, varied data)
        xor     ecx, ecx
.fill:
        imul    eax, ecx, 0x9E3779B9
        mov     [table + ecx * 4], eax
        inc     ecx
        cmp     ecx, TABLE_DWORDS
        jb      .fill

        mov     eax, 0x12345678         ; xorshift32 state (never 0)
        mov     ebx, 0x811C9DC5         ; checksum (FNV offset basis)
        mov     ecx, ITERATIONS
        mov     esi, table
.loop:
        ; ALU: one xorshift32 step (Marsaglia 2003: x ^= x<<13; x ^= x>>17; x ^= x<<5)
        mov     edx, eax
        shl     edx, 13
        xor     eax, edx
        mov     edx, eax
        shr     edx, 17
        xor     eax, edx
        mov     edx, eax
        shl     edx, 5
        xor     eax, edx
        ; load, modify, store at a pseudo-random table slot
        mov     edx, eax
        and     edx, TABLE_DWORDS - 1
        mov     edi, [esi + edx * 4]
        add     edi, eax
        rol     edi, 3
        mov     [esi + edx * 4], edi
        add     ebx, edi
        ; a call
        call    mix
        ; a data-dependent branch (taken about half the time)
        test    eax, 0x100
        jz      .even
        add     ebx, ecx
        jmp     .joined
.even:
        sub     ebx, edx
        adc     ebx, 0
.joined:
        ; every 256th iteration, a division and a string copy inside the table
        test    ecx, 0xFF
        jnz     .next
        call    slow_path
.next:
        dec     ecx
        jnz     .loop

        ; fold the whole table into the checksum
        xor     ecx, ecx
.fold:
        mov     edx, [esi + ecx * 4]
        xor     ebx, edx
        rol     ebx, 1
        inc     ecx
        cmp     ecx, TABLE_DWORDS
        jb      .fold

        PRINT   `cpubench: checksum=`
        mov     eax, ebx
        mov     cl, 8
        call    con_hex
        PRINT   `\n`
        mov     al, EXIT_OK
        jmp     exit_status

; mix: EBX = EBX * FNV prime ^ EAX. Keeps everything else.
mix:
        imul    ebx, ebx, 0x01000193
        xor     ebx, eax
        ret

; slow_path: EBX += EAX / (ECX | 1) remainder folded in; copy 16 dwords within the table.
slow_path:
        push    eax
        push    ecx
        push    edx
        push    esi
        push    edi
        mov     edi, ecx
        or      edi, 1
        xor     edx, edx
        div     edi                     ; EDX:EAX / EDI, divisor never 0
        add     ebx, eax
        xor     ebx, edx
        mov     eax, [esp + 16]         ; the xorshift state again
        and     eax, TABLE_DWORDS - 32
        lea     esi, [table + eax * 4]
        lea     edi, [esi + 64]
        mov     ecx, 16
        rep movsd
        pop     edi
        pop     esi
        pop     edx
        pop     ecx
        pop     eax
        ret

[section .bss]
        alignb 4096
table:  resd TABLE_DWORDS
__SECT__

%include "console.inc"
%include "end.inc"
