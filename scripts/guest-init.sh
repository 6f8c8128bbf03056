#!/bin/sh
# /init of the busybox initramfs scripts/fetch-guests.sh builds: prints markers and the
# results of a small deterministic workload on the console, then powers off. Every line it
# prints starts with "ringlab-init:", so a test can pick them out of the kernel log.
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sys /sys
$bb mount -t devtmpfs dev /dev 2>/dev/null
echo "ringlab-init: reached /init"
echo "ringlab-init: kernel $($bb uname -r) on $($bb uname -m)"
echo "ringlab-init: seq $($bb seq 1 2000 | $bb md5sum | $bb cut -d' ' -f1)"
echo "ringlab-init: zero $($bb dd if=/dev/zero bs=1024 count=256 2>/dev/null | $bb md5sum | $bb cut -d' ' -f1)"
echo "ringlab-init: float $($bb awk 'BEGIN { s = 0; for (i = 1; i <= 100; i++) s += 1 / i; printf "%.6f", s }')"
echo "ringlab-init: done"
$bb poweroff -f
