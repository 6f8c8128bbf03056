#!/bin/sh
# Run a guest under Bochs and compare its debug-console (port 0xE9) output with the
# recorded expected.txt (QEMU's). Prints PASS or FAIL per guest; exits non-zero if any
# failed. The second reference machine next to run-qemu.sh.
#
#   test/guests/run-bochs.sh NAME             one guest
#   test/guests/run-bochs.sh                  every guest
#   test/guests/run-bochs.sh --record NAME    also write Bochs's output to NAME/bochs.txt
#                                             (only if the guest exited with status 0;
#                                             --record may also follow the names)
#   test/guests/run-bochs.sh path/to/k.bin    run any kernel image, print its output
#                                             (e.g. a build with other -D options)
#
# Bochs 2.7 has no Multiboot loader, so the guest is wrapped in a ROM built from
# common/rom-boot.asm (nasm): the ROM starts at the reset vector, enters protected mode,
# copies the kernel to its load address and jumps to it with the Multiboot register
# state. Bochs (Debian build) has no headless display library and its debugger is
# compiled in, so it runs with `display_library: term` under a pseudo-terminal
# (script(1)), and the debugger, driven by a command file, does the job of QEMU's
# isa-debug-exit device (Bochs has nothing at port 0xF4): a breakpoint on the guest's
# exit instruction (`out 0xf4, al; cli; hlt` in boot.inc's exit_status, found in the
# image), `r` to read AL = the status, `quit`. The guest's output is what Bochs writes
# to stdout between the debugger's first line and the breakpoint message.
#
# Environment: BOCHS and NASM the programs (bochs, nasm on PATH), BOCHS_TIMEOUT seconds (60), BOCHS_IPS instructions per emulated second
# (100000000; the 8254 and so every timer-paced guest run on this virtual clock),
# BOCHS_CPU a Bochs CPU model (p3_katmai, or the Bochs part for the model named in the
# image directory's `cpu` file, e.g. p2_klamath for pentium2; `bochs -help cpu` lists them), BOCHS_KEEP a
# directory that keeps the ROM, bochsrc, debugger commands, log and raw output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
all="nullkernel-polled nullkernel-preempt sensitive cpubench demo monitor-torture monitor-torture2 irq-boundary x87 fpubench pae syscallbench idle"
timeout_s=${BOCHS_TIMEOUT:-60}
ips=${BOCHS_IPS:-100000000}
cpu=${BOCHS_CPU:-p3_katmai}
bochs=${BOCHS:-bochs}
nasm=${NASM:-nasm}
vgarom=/usr/share/seabios/vgabios-stdvga.bin   # /usr/share/bochs/VGABIOS-* is a broken link

record=0
guests=
for a in "$@"; do
    if [ "$a" = "--record" ]; then record=1; else guests="$guests $a"; fi
done
[ -n "$guests" ] || guests=$all

for tool in "$bochs" "$nasm" script perl timeout; do
    command -v $tool >/dev/null 2>&1 || {
        echo "run-bochs.sh: $tool not found (apt-get install bochs bochs-term bochsbios nasm)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# run_one IMAGE DIR: boots IMAGE under Bochs with DIR as scratch; leaves DIR/out (the
# guest's output) and DIR/status (the guest's exit status, or empty if it never got to
# the exit instruction). Returns 124 on timeout, 2 on a set-up error.
run_one() {
    img=$1; d=$2
    mkdir -p "$d"
    # The image must start with the Multiboot header (README "Image format"); its
    # load_addr is the address of file offset 0.
    magic=$(od -An -tx4 -N4 "$img" | tr -d ' ')
    if [ "$magic" != "1badb002" ]; then
        echo "run-bochs.sh: $img: no Multiboot header at offset 0" >&2; return 2
    fi
    load=$(od -An -tu4 -j16 -N4 "$img" | tr -d ' ')
    off=$(LC_ALL=C grep -obUaP '\xe6\xf4\xfa\xf4' "$img" | head -1 | cut -d: -f1)
    if [ -z "$off" ]; then
        echo "run-bochs.sh: $img: no exit_status (out 0xf4, al; cli; hlt) in the image" >&2; return 2
    fi
    if ! "$nasm" -f bin -DKERNEL="\"$img\"" -o "$d/guest.rom" "$here/common/rom-boot.asm" 2>"$d/nasm.log"; then
        cat "$d/nasm.log" >&2; return 2
    fi
    # A guest that needs a CPU model names it (ringlab's and QEMU's name) in the `cpu` file
    # beside its image (test/guests/README.md); BOCHS_CPU still wins when set.
    model=$cpu
    if [ -z "${BOCHS_CPU:-}" ] && [ -f "$(dirname "$img")/cpu" ]; then
        case $(cat "$(dirname "$img")/cpu") in
        pentium2) model=p2_klamath ;;
        *) echo "run-bochs.sh: $(dirname "$img")/cpu: no Bochs model for $(cat "$(dirname "$img")/cpu")" >&2; return 2 ;;
        esac
    fi
    cat >"$d/bochsrc" <<EOF
megs: 32
romimage: file=$d/guest.rom
vgaromimage: file=$vgarom
cpu: model=$model, count=1, ips=$ips, reset_on_triple_fault=0
clock: sync=none, time0=946684800
display_library: term
port_e9_hack: enabled=1
log: $d/bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
speaker: enabled=0
sound: driver=dummy
EOF
    printf 'lb 0x%x\nc\nr\nquit\n' $((load + off)) >"$d/commands"
    (cd "$d" && timeout "$timeout_s" script -qfec \
        "'$bochs' -q -f '$d/bochsrc' -rc '$d/commands' >'$d/raw' 2>'$d/stderr'" /dev/null \
        >/dev/null 2>&1 </dev/null)
    rc=$?
    # The guest's bytes: after the debugger's first "(0) [0x...fffffff0]" line, up to
    # its "(0) Breakpoint 1, " (which may follow a guest line that lacks its newline).
    perl -0777 -ne 'if (/\(0\) \[0x0*fffffff0\][^\n]*\n(.*?)(\(0\) Breakpoint 1, |\z)/s) { print $1 }' \
        "$d/raw" >"$d/out"
    perl -0777 -ne 'if (/\(0\) Breakpoint 1, .*?\nrax: [0-9a-f]+_([0-9a-f]{8})/s) { print hex($1) & 0xff }' \
        "$d/raw" >"$d/status"
    [ $rc -eq 124 ] && return 124
    return 0
}

failed=0
for g in $guests; do
    case $g in
    *.bin)
        [ -f "$g" ] || { echo "run-bochs.sh: no such image: $g" >&2; exit 2; }
        img=$(cd "$(dirname "$g")" && pwd)/$(basename "$g")
        run_one "$img" "$tmp/image"; rc=$?
        [ $rc -eq 2 ] && exit 2
        cat "$tmp/image/out"
        st=$(cat "$tmp/image/status")
        [ -n "${BOCHS_KEEP:-}" ] && { mkdir -p "$BOCHS_KEEP" && cp -r "$tmp/image/." "$BOCHS_KEEP/"; }
        if [ $rc -eq 124 ]; then echo "run-bochs.sh: timed out after ${timeout_s}s" >&2; exit 124; fi
        if [ -z "$st" ]; then echo "run-bochs.sh: the guest never reached its exit instruction" >&2; exit 3; fi
        exit "$st"
        ;;
    esac
    bin="$here/$g/$g.bin"
    expected="$here/$g/expected.txt"
    # A guest whose reference output is not all Bochs's (x87: its transcendental results
    # come from the host's x87, which Bochs does not match) keeps Bochs's own in bochs.txt;
    # test/x87-guest.test.ts checks that the two differ only where documented.
    [ -f "$here/$g/bochs.txt" ] && [ $record -eq 0 ] && expected="$here/$g/bochs.txt"
    if [ ! -f "$bin" ]; then
        echo "FAIL $g: no image $bin (run build.sh)"; failed=1; continue
    fi
    start=$(date +%s)
    run_one "$bin" "$tmp/$g"; rc=$?
    secs=$(( $(date +%s) - start ))
    [ -n "${BOCHS_KEEP:-}" ] && { mkdir -p "$BOCHS_KEEP/$g" && cp -r "$tmp/$g/." "$BOCHS_KEEP/$g/"; }
    out="$tmp/$g/out"
    st=$(cat "$tmp/$g/status" 2>/dev/null)
    if [ $rc -eq 2 ]; then failed=1; continue; fi
    if [ $rc -eq 124 ]; then
        echo "FAIL $g: timed out after ${timeout_s}s"; tail -3 "$out" | sed 's/^/  > /'; failed=1; continue
    fi
    if [ -z "$st" ]; then
        echo "FAIL $g: Bochs ended before the guest's exit instruction"
        grep -E 'PANIC|ERROR|>>' "$tmp/$g/bochs.log" 2>/dev/null | tail -5 | sed 's/^/  | /'
        tail -3 "$out" | sed 's/^/  > /'
        failed=1; continue
    fi
    if [ "$st" != 0 ]; then
        echo "FAIL $g: guest exit status $st"; tail -5 "$out" | sed 's/^/  > /'; failed=1; continue
    fi
    if [ $record -eq 1 ]; then
        cp "$out" "$here/$g/bochs.txt"
        echo "RECORDED $g: $(wc -l <"$out" | tr -d ' ') lines -> $g/bochs.txt (${secs}s)"
    fi
    if [ ! -f "$expected" ]; then
        echo "FAIL $g: no $g/expected.txt (record it with run-qemu.sh --record)"; failed=1; continue
    fi
    if cmp -s "$out" "$expected"; then
        echo "PASS $g (exit status 0, $(wc -l <"$out" | tr -d ' ') lines match $(basename "$expected"), ${secs}s)"
    else
        echo "FAIL $g: output differs from $(basename "$expected")"
        diff "$expected" "$out" | head -40 | sed 's/^/  /'
        failed=1
    fi
done
exit $failed
