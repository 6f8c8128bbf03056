; pae — PAE paging (SDM vol.3A §4.4 "PAE Paging") on a P6-class CPU.
;
; The kernel checks CPUID.1:EDX.PAE (bit 6), builds a page-directory-pointer table, page
; directories and page tables of 64-bit entries in .bss, sets CR4.PAE and CR0.PG, and then
; probes, printing what it observes (never an address of code, a count of spins or a
; time, so every correct machine prints the same):
;   1. a 4 KiB page and an alias of it through a page table (PDPTE 1, PDE 1): the value
;      written through one linear page is read through the other and through the
;      identity map, and the PTEs' accessed and dirty bits (low dword; the high dwords stay 0);
;   2. a 2 MiB page (PDE with PS = 1, with CR4.PSE = 0: PAE always allows them, §4.4.2),
;      its accessed and dirty bits in the PDE;
;   3. reserved bits (§4.4.2, §4.7): a PTE with bit 52 set, a PTE with bit 63 (XD, reserved
;      without IA32_EFER.NXE), a 2 MiB PDE with bit 13, a PDE with bit 40: #PF with P and
;      RSVD in the error code, W/R from the access, CR2 = the address. Only bits reserved
;      at every MAXPHYADDR the references use (ringlab 36, QEMU's pentium2 32 or 36,
;      Bochs's p3_katmai 40: bit 36 is an address bit there) and never a PAT bit (the
;      references' CPUs have a PAT). QEMU 7.2 leaves P clear in these error codes (8, A
;      where the SDM says 9, B: "bit 3 of the error code can be set only if bit 0 is also
;      set", §4.7), so this image prints them with bit 0 cleared; the strict build prints
;      them whole;
;   4. CR0.WP: a supervisor write to a read-only page succeeds with WP = 0 and is #PF(3)
;      with WP = 1 (§4.6);
;   5. INVLPG: after a PTE change and INVLPG the new page is seen (the value read before
;      the INVLPG is not printed: a TLB may or may not still hold the old one, §4.10.4.3);
;   6. CR3 loads: reloading CR3 makes a changed PTE visible; a second PDPT maps the same
;      linear address as a 2 MiB page elsewhere; back to the first; CR4.PGE toggled with
;      paging on (which reloads the PDPTEs, §4.4.1);
;   7. with -DSTRICT only: MOV CR3 naming a PDPT whose present entry sets a reserved bit
;      (bit 2), and MOV CR0 setting PG with such a CR3: #GP(0), nothing changed (§4.4.1).
;      QEMU 7.2 (TCG) does not check PDPTEs when they are loaded, so this case is not in
;      the image checked against QEMU.
; build.sh also builds pae/pae-strict.bin (-DSTRICT: whole error codes and probe 7),
; whose reference is Bochs 2.7 (expected-strict.txt), which follows the SDM in both.
; Then paging goes off again and the guest exits with status 0.
;
; The guest needs a CPU with PAE: run it with `--cpu pentium2` (ringlab), `-cpu pentium2`
; (QEMU), Bochs's default p3_katmai (test/guests/pae/cpu names the model for the scripts
; and tests). Without PAE it says so and exits with status 1.
;
; Memory (QEMU -m 32): linear 0-2 MiB identity-mapped with 4 KiB pages (the kernel, its
; tables and the VGA buffer), 2-8 MiB identity-mapped with 2 MiB pages; the test frames
; are at 4-7 MiB and reached through linear 0x40000000 (PDPTE 1).

%include "boot.inc"
%include "torture.inc"

P               equ 0x001
RW              equ 0x002
PS              equ 0x080
CR0_PG          equ 0x80000000
CR0_WP          equ 0x00010000
CR4_PAE         equ 0x20
CR4_PGE         equ 0x80

BIG_FRAME       equ 0x00400000              ; the 2 MiB page of probe 2 (physical)
FRAME_A         equ 0x00600000              ; 4 KiB frames of probes 1, 4, 5, 6
FRAME_B         equ 0x00601000
FRAME_C         equ 0x00602000
LIN_BIG         equ 0x40000000              ; PDPTE 1, PDE 0: 2 MiB page
LIN_4K          equ 0x40200000              ; PDPTE 1, PDE 1: page table pt1, page n at + n*4K

; TRY resume_label: arm the fault trap (boot.inc's exc_common resumes at the label after
; an exception, recording fault_vec and fault_err). CATCH resume_label: the end of the
; guarded code; both paths arrive at the label with the ESP that TRY saw. Ring 0 only.
%macro TRY 1
        mov     [probe_esp], esp
        mov     dword [fault_vec], -1
        mov     dword [fault_resume], %1
%endmacro
%macro CATCH 1
        mov     dword [fault_resume], 0
%1:
        mov     esp, [probe_esp]
%endmacro

[section .bss]
probe_esp:      resd 1
__SECT__

; SET64 entry, low, high: a 64-bit paging-structure entry.
%macro SET64 3
        mov     dword [%1], %2
        mov     dword [%1 + 4], %3
%endmacro

kmain:
        PRINT   `pae: PAE paging, 4 KiB and 2 MiB pages, A/D bits, reserved bits, CR0.WP, INVLPG, CR3 loads\n`
        mov     eax, 1
        cpuid
        bt      edx, 6
        jc      .has_pae
        PRINT   `CPUID.1:EDX.PAE = 0: this guest needs a CPU with PAE (e.g. a Pentium II)\n`
        mov     al, EXIT_FAIL
        jmp     exit_status
.has_pae:
        PRINT   `CPUID.1:EDX.PAE = 1\n`
        call    build_tables

        ; ---- PAE paging on: CR3 first, then CR4.PAE, then CR0.PG (SDM vol.3A §9.8.1 and
        ; §4.1.2: setting PG with PAE = 1 loads the PDPTEs from CR3).
        mov     eax, pdpt
        mov     cr3, eax
        mov     eax, cr4
        or      eax, CR4_PAE
        mov     cr4, eax
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
        jmp     .paged                      ; the kernel is identity-mapped: nothing moves
.paged:
        PRINT   `paging on: cr0.pg/wp/pe=`
        mov     eax, cr0
        and     eax, CR0_PG | CR0_WP | 1
        HEX     eax, 8
        PRINT   ` cr4=`
        mov     eax, cr4
        HEX     eax, 8
        PRINT   ` cr3=pdpt+`
        mov     eax, cr3
        sub     eax, pdpt
        HEX     eax, 3
        PRINT   `\n`

        ; ---- 1. 4 KiB pages: pt1[0] and pt1[1] both map FRAME_A.
        mov     dword [LIN_4K + 0x10], 0xcafe0001
        PRINT   `1. 4k page: wrote cafe0001 at 40200010; alias 40201010 reads `
        mov     eax, [LIN_4K + 0x1000 + 0x10]
        HEX     eax, 8
        PRINT   `, physical 00600010 reads `
        mov     eax, [FRAME_A + 0x10]
        HEX     eax, 8
        PRINT   `\n   pte0 flags `
        mov     eax, [pt1]
        and     eax, 0xfff
        HEX     eax, 3
        PRINT   ` hi `
        HEX     [pt1 + 4], 8
        PRINT   `, pte1 flags `
        mov     eax, [pt1 + 8]
        and     eax, 0xfff
        HEX     eax, 3
        PRINT   `, pde flags `
        mov     eax, [pd1 + 8]
        and     eax, 0xfff
        HEX     eax, 3
        PRINT   `\n`

        ; ---- 2. a 2 MiB page: pd1[0] maps BIG_FRAME, CR4.PSE = 0.
        mov     dword [LIN_BIG + 0x1ff120], 0xb16b16b1
        PRINT   `2. 2m page: wrote b16b16b1 at 401ff120; physical 005ff120 reads `
        mov     eax, [BIG_FRAME + 0x1ff120]
        HEX     eax, 8
        PRINT   `, pde flags `
        mov     eax, [pd1]
        and     eax, 0xfff
        HEX     eax, 3
        PRINT   ` hi `
        HEX     [pd1 + 4], 8
        PRINT   `\n`

        ; ---- 3. reserved bits: #PF with P | RSVD (| W).
        PRINT   `3. pte bit 52, read:`
        TRY     .r1
        mov     eax, [LIN_4K + 2 * 0x1000]
        CATCH   .r1
        call    show_fault
        PRINT   `   pte bit 63 (xd without efer.nxe), write:`
        TRY     .r2
        mov     dword [LIN_4K + 3 * 0x1000 + 0x24], 1
        CATCH   .r2
        call    show_fault
        PRINT   `   2m pde bit 13, read:`
        TRY     .r3
        mov     eax, [LIN_BIG + 2 * 0x200000 + 0x345]
        CATCH   .r3
        call    show_fault
        PRINT   `   pde bit 40, write:`
        TRY     .r4
        mov     byte [LIN_BIG + 3 * 0x200000 + 0x6789], 1
        CATCH   .r4
        call    show_fault

        ; ---- 4. CR0.WP: pt1[5] maps FRAME_B read-only.
        PRINT   `4. read-only page, cr0.wp=0, write:`
        TRY     .w1
        mov     dword [LIN_4K + 5 * 0x1000 + 0x8], 0x0b0b0b0b
        CATCH   .w1
        call    show_fault
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        PRINT   `   cr0.wp=1, write:`
        TRY     .w2
        mov     dword [LIN_4K + 5 * 0x1000 + 0xc], 0x0b0b0b0b
        CATCH   .w2
        call    show_fault
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax
        PRINT   `   pte5 flags `
        mov     eax, [pt1 + 5 * 8]
        and     eax, 0xfff
        HEX     eax, 3
        PRINT   `, physical 00601008 reads `
        HEX     [FRAME_B + 0x8], 8
        PRINT   ` 0060100c reads `
        HEX     [FRAME_B + 0xc], 8
        PRINT   `\n`

        ; ---- 5. INVLPG: pt1[6] maps FRAME_B, then FRAME_C.
        mov     dword [FRAME_B], 0xb0b0b0b0
        mov     dword [FRAME_C], 0xc0c0c0c0
        mov     eax, [LIN_4K + 6 * 0x1000]
        PRINT   `5. 40206000 through pte6 (frame b) reads `
        HEX     eax, 8
        mov     dword [pt1 + 6 * 8], FRAME_C | P | RW
        invlpg  [LIN_4K + 6 * 0x1000]
        PRINT   `; pte6 -> frame c, invlpg: reads `
        HEX     [LIN_4K + 6 * 0x1000], 8
        PRINT   `\n`

        ; ---- 6. CR3 loads.
        mov     dword [pt1 + 6 * 8], FRAME_B | P | RW
        mov     eax, cr3
        mov     cr3, eax
        PRINT   `6. pte6 -> frame b, mov cr3,cr3: reads `
        HEX     [LIN_4K + 6 * 0x1000], 8
        mov     eax, pdpt2
        mov     cr3, eax
        PRINT   `; cr3=pdpt2 (2m page at 00600000): 40001000 reads `
        HEX     [LIN_BIG + 0x1000], 8
        mov     eax, pdpt
        mov     cr3, eax
        PRINT   `; cr3=pdpt: 40001000 reads `
        HEX     [LIN_BIG + 0x1000], 8
        PRINT   `\n`
        mov     eax, cr4
        or      eax, CR4_PGE
        mov     cr4, eax
        and     eax, ~CR4_PGE
        mov     cr4, eax
        PRINT   `   cr4.pge set and cleared with paging on; 401ff120 reads `
        HEX     [LIN_BIG + 0x1ff120], 8
        PRINT   `\n`

%ifdef STRICT
        ; ---- 7. PDPTEs with a reserved bit (bit 2 of entry 2): MOV CR3 and MOV CR0.
        PRINT   `7. mov cr3 with a reserved bit in a present pdpte:`
        TRY     .g1
        mov     eax, pdpt_bad
        mov     cr3, eax
        CATCH   .g1
        call    show_fault
        PRINT   `   cr3 is still pdpt+`
        mov     eax, cr3
        sub     eax, pdpt
        HEX     eax, 3
        PRINT   `\n`
        mov     eax, cr0                    ; paging off, CR3 = the bad table, PG on again
        and     eax, ~CR0_PG
        mov     cr0, eax
        mov     eax, pdpt_bad
        mov     cr3, eax
        PRINT   `   paging off, cr3=pdpt_bad, mov cr0 setting pg:`
        TRY     .g2
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
        CATCH   .g2
        call    show_fault
        PRINT   `   cr0.pg=`
        mov     eax, cr0
        shr     eax, 31
        HEX     eax, 1
        PRINT   `\n`
        mov     eax, pdpt
        mov     cr3, eax
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
%endif

        ; ---- paging off, PAE off.
        mov     eax, cr0
        and     eax, ~CR0_PG
        mov     cr0, eax
        mov     eax, cr4
        and     eax, ~CR4_PAE
        mov     cr4, eax
        PRINT   `paging off; exit 0\n`
        mov     al, EXIT_OK
        jmp     exit_status

; show_fault: prints " no fault" or " #PF err=XXXX cr2=XXXXXXXX" (or the vector and error
; code of another exception), then a newline.
show_fault:
        cmp     dword [fault_vec], -1
        jne     .faulted
        PRINT   ` no fault\n`
        ret
.faulted:
        cmp     dword [fault_vec], 14
        jne     .other
        PRINT   ` #PF err=`
        mov     eax, [fault_err]
%ifndef STRICT
        test    al, 8                       ; RSVD: QEMU 7.2 leaves P clear (see the top)
        jz      .whole
        and     al, ~1
.whole:
%endif
        HEX     eax, 4
        PRINT   ` cr2=`
        mov     eax, cr2
        HEX     eax, 8
        PRINT   `\n`
        ret
.other:
        PRINT   ` exception `
        HEX     [fault_vec], 2
        PRINT   ` err=`
        HEX     [fault_err], 4
        PRINT   `\n`
        ret

; build_tables: the paging structures (all in .bss, zeroed by _start).
build_tables:
        pushad
        ; pdpt: entry 0 -> pd0 (identity 0-8 MiB), entry 1 -> pd1 (the probes). PDPTEs
        ; have only P, PWT, PCD and the address (SDM vol.3A table 4-8).
        SET64   pdpt, pd0 + P, 0
        SET64   pdpt + 8, pd1 + P, 0
        ; pd0: entry 0 -> pt0 (0-2 MiB in 4 KiB pages), entries 1-3: 2 MiB pages at 2-8 MiB.
        SET64   pd0, pt0 + P + RW, 0
        SET64   pd0 + 1 * 8, 0x00200000 + PS + P + RW, 0
        SET64   pd0 + 2 * 8, 0x00400000 + PS + P + RW, 0
        SET64   pd0 + 3 * 8, 0x00600000 + PS + P + RW, 0
        xor     ecx, ecx
.identity:
        mov     eax, ecx
        shl     eax, 12
        or      eax, P | RW
        mov     [pt0 + ecx * 8], eax
        inc     ecx
        cmp     ecx, 512
        jb      .identity
        ; pd1: entry 0 a 2 MiB page at BIG_FRAME, entry 1 -> pt1; entries 2 and 3 carry
        ; reserved bits (a 2 MiB page with bit 13, a table pointer with bit 40).
        SET64   pd1, BIG_FRAME + PS + P + RW, 0
        SET64   pd1 + 1 * 8, pt1 + P + RW, 0
        SET64   pd1 + 2 * 8, BIG_FRAME + 0x2000 + PS + P + RW, 0
        SET64   pd1 + 3 * 8, pt1 + P + RW, 0x100
        ; pt1: 0 and 1 alias FRAME_A; 2 has bit 52, 3 bit 63; 5 is read-only; 6 for INVLPG.
        SET64   pt1, FRAME_A + P + RW, 0
        SET64   pt1 + 1 * 8, FRAME_A + P + RW, 0
        SET64   pt1 + 2 * 8, FRAME_A + P + RW, 0x00100000
        SET64   pt1 + 3 * 8, FRAME_A + P + RW, 0x80000000
        SET64   pt1 + 5 * 8, FRAME_B + P, 0
        SET64   pt1 + 6 * 8, FRAME_B + P + RW, 0
        ; pdpt2: the same identity map, and linear 1-2 GiB through pd2: one 2 MiB page at
        ; 0x00600000 (FRAME_A's region).
        SET64   pdpt2, pd0 + P, 0
        SET64   pdpt2 + 8, pd2 + P, 0
        SET64   pd2, 0x00600000 + PS + P + RW, 0
        ; pdpt_bad: pdpt with entry 2 present and bit 2 (reserved) set.
        SET64   pdpt_bad, pd0 + P, 0
        SET64   pdpt_bad + 8, pd1 + P, 0
        SET64   pdpt_bad + 16, pd2 + P + 4, 0
        popad
        ret

%include "console.inc"

[section .bss]
                alignb 4096
pd0:            resb 4096
pd1:            resb 4096
pd2:            resb 4096
pt0:            resb 4096
pt1:            resb 4096
pdpt:           resb 32                 ; PDPTs are 32-byte aligned (CR3 bits 31:5)
pdpt2:          resb 32
pdpt_bad:       resb 32

%include "end.inc"
