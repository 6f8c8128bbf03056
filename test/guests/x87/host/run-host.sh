#!/bin/sh
# Build the x87 guest's native twin and run it on this machine's own x87: prints the cases'
# output (what test/guests/x87/expected-host.txt records). Needs nasm and gcc with
# 32-bit support (Debian: nasm gcc-multilib).
#
#   test/guests/x87/host/run-host.sh            print the output
#   test/guests/x87/host/run-host.sh --record   also write ../expected-host.txt, and
#                                               ../expected.txt from it and ../bochs.txt
#
# The guest's expected.txt is Bochs's output (bochs.txt, from run-bochs.sh --record x87)
# with the block of case lines (line 3 on: the two lines before them are the guest's
# banner and CPUID) replaced by the host's: Bochs matches the host everywhere but in the
# transcendental instructions' last bits and C1.
#
# Environment: NASM, CC (the programs; default nasm and gcc).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
nasm=${NASM:-nasm}
cc=${CC:-gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$nasm" -f elf32 -DHOSTED -I "$here/../../common/" -I "$here/../../" -o "$tmp/cases.o" "$here/x87-host.asm"
# -no-pie: the cases address their data absolutely, as the guest does.
"$cc" -m32 -no-pie -O1 -o "$tmp/x87-host" "$here/x87-host.c" "$tmp/cases.o"
"$tmp/x87-host" >"$tmp/out"
cat "$tmp/out"
if [ "${1:-}" = "--record" ]; then
    cp "$tmp/out" "$here/../expected-host.txt"
    n=$(wc -l <"$tmp/out")
    { head -n 2 "$here/../bochs.txt"; cat "$tmp/out"; tail -n +$((3 + n)) "$here/../bochs.txt"; } >"$here/../expected.txt"
fi
