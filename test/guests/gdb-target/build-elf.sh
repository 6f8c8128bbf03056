#!/bin/sh
# Builds gdb-target.elf (an ELF with symbols, unlike the flat guests build.sh makes):
# nasm -f elf32, then GNU ld -m elf_i386 with gdb-target.ld. Needs nasm and binutils.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
nasm -f elf32 -o "$tmp/gdb-target.o" gdb-target.asm
ld -m elf_i386 -T gdb-target.ld --build-id=none --no-warn-rwx-segments -o gdb-target.elf "$tmp/gdb-target.o"
echo "gdb-target.elf: $(wc -c <gdb-target.elf | tr -d ' ') bytes"
