#!/bin/sh
# Builds gdb-target.elf (an ELF with symbols, unlike the flat guests build.sh makes):
# nasm -f elf32, then GNU ld -m elf_i386 with gdb-target.ld. Needs nasm and binutils.
# An argument writes the ELF there instead (test/guest-images.test.ts compares the two).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:-$here/gdb-target.elf}")
cd "$here"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
nasm -f elf32 -o "$tmp/gdb-target.o" gdb-target.asm
ld -m elf_i386 -T gdb-target.ld --build-id=none --no-warn-rwx-segments -o "$out" "$tmp/gdb-target.o"
echo "$out: $(wc -c <"$out" | tr -d ' ') bytes"
