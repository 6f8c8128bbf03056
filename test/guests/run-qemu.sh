#!/bin/sh
# Run a guest under QEMU and compare its debug-console (port 0xE9) output with the
# recorded expected.txt. Prints PASS or FAIL per guest; exits non-zero if any failed.
#
#   test/guests/run-qemu.sh NAME             one guest
#   test/guests/run-qemu.sh                  every guest
#   test/guests/run-qemu.sh --record NAME    (re)write NAME/expected.txt from this run,
#                                            only if the guest exited with status 0
#
# The QEMU command is the project's reference one (QEMU 7.2, Debian's qemu-system-x86), with stdout
# (the debug console) captured to a file:
#   qemu-system-i386 -kernel NAME.bin -display none -debugcon stdio \
#       -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot -m 32
# A guest that needs a CPU model names it in NAME/cpu (e.g. pentium2, the same name in
# QEMU and ringlab); the command then gets `-cpu` with it.
# A guest status v written to port 0xF4 makes QEMU exit with (v << 1) | 1, so a guest
# that succeeds (v = 0) makes QEMU exit with 1. Timeout: $QEMU_TIMEOUT seconds (60).
set -u
here=$(cd "$(dirname "$0")" && pwd)
all="nullkernel-polled nullkernel-preempt sensitive cpubench demo monitor-torture monitor-torture2 irq-boundary fpubench pae syscallbench idle"
timeout_s=${QEMU_TIMEOUT:-60}

record=0
if [ "${1:-}" = "--record" ]; then record=1; shift; fi
guests="$*"
[ -n "$guests" ] || guests=$all

command -v qemu-system-i386 >/dev/null 2>&1 || {
    echo "run-qemu.sh: qemu-system-i386 not found (apt-get install qemu-system-x86)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

failed=0
for g in $guests; do
    bin="$here/$g/$g.bin"
    expected="$here/$g/expected.txt"
    if [ ! -f "$bin" ]; then
        echo "FAIL $g: no image $bin (run build.sh)"; failed=1; continue
    fi
    out="$tmp/$g.out"
    cpuopt=
    [ -f "$here/$g/cpu" ] && cpuopt="-cpu $(cat "$here/$g/cpu")"
    start=$(date +%s)
    # shellcheck disable=SC2086 # $cpuopt is empty or two words
    timeout "$timeout_s" qemu-system-i386 $cpuopt -kernel "$bin" -display none -debugcon stdio \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot -m 32 \
        >"$out" 2>"$tmp/$g.err" </dev/null
    rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 124 ]; then
        echo "FAIL $g: timed out after ${timeout_s}s"; failed=1; continue
    fi
    if [ $rc -ne 1 ]; then
        if [ $(( rc & 1 )) -eq 1 ]; then
            why="guest exit status $(( rc >> 1 ))"
        else
            why="QEMU exit status $rc (no exit-port write?)"
        fi
        echo "FAIL $g: $why"
        sed 's/^/  | /' "$tmp/$g.err" | head -20
        tail -5 "$out" | sed 's/^/  > /'
        failed=1; continue
    fi
    if [ $record -eq 1 ]; then
        cp "$out" "$expected"
        echo "RECORDED $g: $(wc -l <"$expected" | tr -d ' ') lines -> $g/expected.txt (${secs}s)"
        continue
    fi
    if [ ! -f "$expected" ]; then
        echo "FAIL $g: no $g/expected.txt (run with --record)"; failed=1; continue
    fi
    if cmp -s "$out" "$expected"; then
        echo "PASS $g (exit status 0, $(wc -l <"$out" | tr -d ' ') lines match expected.txt, ${secs}s)"
    else
        echo "FAIL $g: output differs from expected.txt"
        diff "$expected" "$out" | head -40 | sed 's/^/  /'
        failed=1
    fi
done
exit $failed
