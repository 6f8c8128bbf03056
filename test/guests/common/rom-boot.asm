; rom-boot.asm — a ROM that boots one of the project's Multiboot kernels with no BIOS, so
; that machines without a Multiboot loader (Bochs) can run the guests.
;
;   nasm -f bin -DKERNEL='"NAME/NAME.bin"' -o NAME.rom common/rom-boot.asm
;
; The kernel image (a.out-kludge flat form, README "Image format") is included in the
; ROM. From the reset vector (F000:FFF0, real mode, SDM vol.3A §9.1.4) the ROM enables
; A20 (port 0x92, "fast A20"), loads its own flat GDT, sets CR0.PE and far-jumps to 32-bit
; code (SDM vol.3A §9.9.1), copies the kernel from the ROM to its load_addr, zeroes
; load_end_addr..bss_end_addr, builds a Multiboot information structure (mem_lower and
; mem_upper only) and enters the kernel in the state Multiboot 0.6.96 §3.2 prescribes:
; EAX=0x2BADB002, EBX=the information structure, CS a flat 32-bit code segment, DS ES
; FS GS SS flat data segments, paging off, IF=0 (and DF=0). Nothing else is set up: the
; 8259s, the 8254 and the VGA are in their power-on state, which is all the project's
; guests assume (they program the 8259s and the PIT themselves and only write the VGA
; text buffer and cursor registers).
;
; ROM_SIZE (default 128 KiB) must be a power of two of at least 64 KiB. A PC maps the
; system ROM so that it ends at 4 GiB, and the last 128 KiB of it also end at 1 MiB
; (Bochs: romimage, QEMU: -bios). The kernel is at ROM offset 0; the ROM's code is in
; its last 64 KiB (segment F000). Only the copy reads the kernel, from the alias below
; 1 MiB when the whole ROM fits there, else from the one below 4 GiB.
;
; MEM_MB (default 32) is the RAM size reported in mem_upper (KiB above 1 MiB); no CMOS
; is read, so the value is the same on every machine.

%ifndef KERNEL
 %error "define KERNEL: nasm -DKERNEL='\"path/to/kernel.bin\"'"
%endif
%ifndef ROM_SIZE
 %define ROM_SIZE 0x20000
%endif
%ifndef MEM_MB
 %define MEM_MB 32
%endif

MB_MAGIC        equ 0x1BADB002          ; Multiboot 0.6.96 §3.1.2
MB_BOOT_MAGIC   equ 0x2BADB002          ; §3.2
MB_AOUT_KLUDGE  equ 0x00010000          ; header flags bit 16
MB_SEARCH       equ 8192                ; the header is in the first 8 KiB, 4-aligned
MBI_ADDR        equ 0x00009000          ; the information structure (low RAM)
STACK_TOP       equ 0x00008000          ; the ROM's own stack, below it

%if ROM_SIZE <= 0x20000
ROM_PHYS        equ 0x00100000 - ROM_SIZE
%else
ROM_PHYS        equ (0x100000000 - ROM_SIZE) & 0xFFFFFFFF
%endif
F000_BASE       equ 0x000F0000          ; the last 64 KiB, below 1 MiB

        org     0
kernel:
        incbin  KERNEL
kernel_end:
KERNEL_SIZE     equ kernel_end - kernel
%if KERNEL_SIZE > ROM_SIZE - 0x10000
 %error "kernel too large for this ROM_SIZE (use -DROM_SIZE=...)"
%endif

        times (ROM_SIZE - 0x10000) - ($ - $$) db 0xFF
code:
; Addresses of the code part: offset in segment F000 and linear address (below 1 MiB).
%define OFS(l) ((l) - code)
%define LIN(l) ((l) - code + F000_BASE)

; ---------------------------------------------------------------------------------------
; Real mode, CS=F000 (after the far jump from the reset vector).
        bits    16
start16:
        cli
        cld
        in      al, 0x92                ; System Control Port A: bit 1 = A20 gate
        or      al, 0x02
        and     al, 0xFE                ; bit 0 would reset the CPU
        out     0x92, al
        mov     ax, cs
        mov     ds, ax
        o32 lgdt [OFS(gdt_ptr)]
        mov     eax, cr0
        or      al, 1                   ; PE
        mov     cr0, eax
        jmp     dword 0x08:LIN(start32) ; reload CS: 32-bit code from here on

; ---------------------------------------------------------------------------------------
        bits    32
start32:
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, STACK_TOP
        call    apic_virtual_wire

        ; Find the Multiboot header: magic, flags, checksum summing to 0 (§3.1.1).
        mov     esi, ROM_PHYS + kernel
        xor     ecx, ecx
.search:
        cmp     ecx, MB_SEARCH
        jae     fail
        cmp     ecx, KERNEL_SIZE - 32
        ja      fail
        mov     eax, [esi + ecx]
        cmp     eax, MB_MAGIC
        jne     .next
        add     eax, [esi + ecx + 4]
        add     eax, [esi + ecx + 8]
        jz      .found
.next:
        add     ecx, 4
        jmp     .search
.found:
        lea     ebp, [esi + ecx]        ; EBP = the header in the ROM
        test    dword [ebp + 4], MB_AOUT_KLUDGE
        jz      fail                    ; only the address fields tell where it goes
        ; header_addr (+12) is where the header lands, load_addr (+16) where the byte at
        ; file offset (header offset - (header_addr - load_addr)) lands (§3.1.3).
        mov     eax, [ebp + 12]
        sub     eax, [ebp + 16]         ; header_addr - load_addr
        sub     ecx, eax                ; file offset of load_addr
        jb      fail
        lea     esi, [esi + ecx]        ; source
        mov     edi, [ebp + 16]         ; load_addr
        mov     ecx, [ebp + 20]         ; load_end_addr (0: to the end of the file)
        test    ecx, ecx
        jnz     .have_end
        mov     ecx, ROM_PHYS + kernel_end
        sub     ecx, esi
        add     ecx, edi
.have_end:
        sub     ecx, edi                ; bytes to copy
        jb      fail
        mov     ebx, [ebp + 24]         ; bss_end_addr
        mov     edx, [ebp + 28]         ; entry_addr
        rep movsb
        mov     ecx, ebx                ; zero load_end .. bss_end (EDI is at load_end)
        sub     ecx, edi
        jbe     .no_bss
        xor     eax, eax
        rep stosb
.no_bss:
        ; Multiboot information (§3.3): flags bit 0, mem_lower, mem_upper in KiB.
        mov     edi, MBI_ADDR
        mov     ecx, 22                 ; the 88-byte structure of 0.6.96
        xor     eax, eax
        rep stosd
        mov     dword [MBI_ADDR + 0], 1
        mov     dword [MBI_ADDR + 4], 639
        mov     dword [MBI_ADDR + 8], (MEM_MB - 1) * 1024
        mov     eax, MB_BOOT_MAGIC
        mov     ebx, MBI_ADDR
        xor     ecx, ecx
        xor     esi, esi
        xor     edi, edi
        xor     ebp, ebp
        push    dword 0x0002            ; EFLAGS: IF=0, DF=0
        popfd
        jmp     edx

; apic_virtual_wire: with a local APIC (CPUID.1:EDX bit 9), put it in the virtual-wire
; mode a BIOS leaves it in (MultiProcessor Specification 1.4 §3.6.2.2): software-enabled
; (SVR bit 8), LINT0 = ExtINT unmasked, LINT1 = NMI. At reset LINT0 is masked, and then
; the 8259's INTR never reaches the CPU (QEMU -bios shows it); a machine without an APIC
; wires the 8259 to the CPU directly. Needs CPUID: EFLAGS.ID must be writable.
APIC_BASE_MSR   equ 0x1B
APIC_SVR        equ 0xF0
APIC_LINT0      equ 0x350
APIC_LINT1      equ 0x360
apic_virtual_wire:
        pushfd
        pop     eax
        mov     ecx, eax
        xor     eax, 0x00200000         ; ID
        push    eax
        popfd
        pushfd
        pop     eax
        push    ecx
        popfd
        xor     eax, ecx
        jz      .done                   ; no CPUID
        mov     eax, 1
        cpuid
        test    edx, 1 << 9
        jz      .done
        mov     ecx, APIC_BASE_MSR
        rdmsr
        test    eax, 1 << 11            ; APIC globally enabled
        jz      .done
        and     eax, 0xFFFFF000
        or      dword [eax + APIC_SVR], 0x1FF   ; enabled, spurious vector 0xFF
        mov     dword [eax + APIC_LINT0], 0x00000700
        mov     dword [eax + APIC_LINT1], 0x00000400
.done:
        ret

; No usable header: say so on the debug console and stop.
fail:
        mov     esi, LIN(fail_msg)
.put:
        lodsb
        test    al, al
        jz      .stop
        out     0xE9, al
        jmp     .put
.stop:
        mov     al, 4
        out     0xF4, al
        cli
        hlt
        jmp     .stop

fail_msg:       db "rom-boot: no Multiboot a.out-kludge header in the kernel image", 10, 0

        align   8
gdt:
        dq      0
        dq      0x00CF9B000000FFFF      ; 0x08 code, flat 4 GiB, 32-bit, accessed
        dq      0x00CF93000000FFFF      ; 0x10 data, flat 4 GiB, accessed
gdt_ptr:
        dw      gdt_ptr - gdt - 1
        dd      LIN(gdt)

; ---------------------------------------------------------------------------------------
; The reset vector: F000:FFF0 (linear FFFFFFF0 until CS is reloaded).
        bits    16
        times ROM_SIZE - 16 - ($ - $$) db 0xFF
        jmp     0xF000:OFS(start16)
        times ROM_SIZE - ($ - $$) db 0xFF
