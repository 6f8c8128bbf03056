#!/bin/sh
# Rebuild every guest image with nasm, and check that the build is reproducible: each
# guest is assembled twice and the two images must be byte-identical (nasm's flat binary
# output carries no timestamps or paths, so any difference is a bug).
#
#   test/guests/build.sh            build all guests
#   test/guests/build.sh NAME...    build only these
#
# Needs nasm 2.15 or later. Exits non-zero on any assembler message or difference.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

all="nullkernel-polled nullkernel-preempt sensitive cpubench demo monitor-torture monitor-torture2 irq-boundary x87 fpubench pae syscallbench idle"
[ $# -gt 0 ] && all="$*"

command -v nasm >/dev/null 2>&1 || { echo "build.sh: nasm not found (apt-get install nasm)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

status=0
for g in $all; do
    src="$g/$g.asm"
    [ -f "$src" ] || { echo "build.sh: no such guest: $g" >&2; exit 2; }
    for n in 1 2; do
        # -I common/: the shared include files; --reproducible for good measure.
        if ! nasm -f bin --reproducible -I common/ -o "$tmp/$g.$n.bin" "$src" 2>"$tmp/$g.$n.log"; then
            cat "$tmp/$g.$n.log" >&2
            echo "build.sh: $g: nasm failed" >&2
            exit 1
        fi
        if [ -s "$tmp/$g.$n.log" ]; then
            cat "$tmp/$g.$n.log" >&2
            echo "build.sh: $g: nasm printed warnings" >&2
            status=1
        fi
    done
    if ! cmp -s "$tmp/$g.1.bin" "$tmp/$g.2.bin"; then
        echo "build.sh: $g: two builds differ (not reproducible)" >&2
        status=1
        continue
    fi
    if [ -f "$g/$g.bin" ] && cmp -s "$tmp/$g.1.bin" "$g/$g.bin"; then
        change="unchanged"
    else
        change="updated"
    fi
    cp "$tmp/$g.1.bin" "$g/$g.bin"
    size=$(wc -c <"$g/$g.bin" | tr -d ' ')
    sum=$(sha256sum "$g/$g.bin" | cut -c1-16)
    printf '%-20s %6s bytes  sha256 %s...  reproducible, %s\n' "$g" "$size" "$sum" "$change"
done

# Short cpubench builds for the test suite and the benchmark (the full one is ~1.1 billion instructions): same
# source, 100,000 iterations; its expected checksum comes from cpubench/model.py.
case " $all " in *" cpubench "*)
    nasm -f bin --reproducible -I common/ -DITERATIONS=100000 -o cpubench/cpubench-100k.bin cpubench/cpubench.asm
    echo "cpubench-100k        $(wc -c <cpubench/cpubench-100k.bin | tr -d ' ') bytes  (test-suite size)"
    # And a 4,000,000-iteration one (~114 million instructions) for `pnpm bench`.
    nasm -f bin --reproducible -I common/ -DITERATIONS=4000000 -o cpubench/cpubench-4m.bin cpubench/cpubench.asm
    echo "cpubench-4m          $(wc -c <cpubench/cpubench-4m.bin | tr -d ' ') bytes  (benchmark size)"
esac
# irq-boundary with the cases the reference machines disagree on (-DDISPUTED, see the
# README): not compared with QEMU, but every ringlab policy must print the same for it.
case " $all " in *" irq-boundary "*)
    nasm -f bin --reproducible -I common/ -DDISPUTED -o irq-boundary/irq-boundary-disputed.bin irq-boundary/irq-boundary.asm
    echo "irq-boundary-disputed $(wc -c <irq-boundary/irq-boundary-disputed.bin | tr -d ' ') bytes  (with -DDISPUTED)"
esac
# pae with the cases QEMU 7.2 gets wrong (-DSTRICT: whole reserved-bit #PF error codes,
# the PDPTE #GP(0)); its reference is Bochs (pae/expected-strict.txt).
case " $all " in *" pae "*)
    nasm -f bin --reproducible -I common/ -DSTRICT -o pae/pae-strict.bin pae/pae.asm
    echo "pae-strict           $(wc -c <pae/pae-strict.bin | tr -d ' ') bytes  (with -DSTRICT)"
esac
# idle ending in STI; HLT with every IRQ line masked (ringlab must report it, QEMU idles).
case " $all " in *" idle "*)
    nasm -f bin --reproducible -I common/ -DHALT_MASKED -o idle/idle-halt-masked.bin idle/idle.asm
    echo "idle variant: -halt-masked"
esac
# syscallbench with paging off (the same work, for the paged/unpaged ratio), and both at
# the benchmark's size (500,000 iterations, about 12 million instructions).
case " $all " in *" syscallbench "*)
    nasm -f bin --reproducible -I common/ -DNO_PAGING -o syscallbench/syscallbench-nopaging.bin syscallbench/syscallbench.asm
    nasm -f bin --reproducible -I common/ -DITERATIONS=500000 -o syscallbench/syscallbench-bench.bin syscallbench/syscallbench.asm
    nasm -f bin --reproducible -I common/ -DITERATIONS=500000 -DNO_PAGING -o syscallbench/syscallbench-bench-nopaging.bin syscallbench/syscallbench.asm
    echo "syscallbench variants: -nopaging, -bench, -bench-nopaging"
esac
exit $status
