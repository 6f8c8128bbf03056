#!/bin/sh
# Fetches the third-party guests ringlab boots — software nobody on the project wrote — from
# Debian's archive with the ordinary package tools, and builds a reproducible busybox
# initramfs for the Linux kernel. Nothing fetched here is committed.
#
#   scripts/fetch-guests.sh            fetch everything into the cache
#   scripts/fetch-guests.sh --print    print the cache folder and what is in it
#
# The cache is $RINGLAB_GUESTS_DIR, default .guests/ in the repository (git ignores it):
#   linux/vmlinuz        Debian's i386 686 kernel (linux-image-686's current image)
#   linux/initramfs.img  busybox-static (i386) with /init from scripts/guest-init.sh
#   memtest/memtest.bin  memtest86+ (Debian memtest86+: memtest86+ia32.bin, Linux boot protocol)
#   seabios/bios.bin     SeaBIOS, and seabios/vgabios-isavga.bin, its ISA VGA BIOS
#   VERSIONS             the Debian package versions fetched
#
# Needs apt-get (as root, for `dpkg --add-architecture i386` and `apt-get update`), dpkg-deb
# and cpio. Exit status: 0 when everything is in the cache, 2 when a tool is missing, 1 when
# a download or unpacking failed (the message names the package).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cache=${RINGLAB_GUESTS_DIR:-$repo/.guests}

if [ "${1:-}" = "--print" ]; then
    echo "$cache"
    [ -f "$cache/VERSIONS" ] && cat "$cache/VERSIONS"
    exit 0
fi

need() { command -v "$1" >/dev/null 2>&1 || { echo "fetch-guests: $1 not found ($2)" >&2; exit 2; }; }
need apt-get "a Debian system is needed to fetch the guests"
need dpkg-deb "apt-get install -y dpkg"
need cpio "apt-get install -y cpio"

mkdir -p "$cache/linux" "$cache/memtest" "$cache/seabios"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

if ! dpkg --print-foreign-architectures | grep -qx i386; then
    [ "$(id -u)" = 0 ] || { echo "fetch-guests: the i386 architecture is not enabled and this is not root (dpkg --add-architecture i386)" >&2; exit 1; }
    dpkg --add-architecture i386
fi
if [ "$(id -u)" = 0 ]; then apt-get update -qq; fi

# The image package the linux-image-686 metapackage depends on today.
kernel_pkg=$(apt-cache depends linux-image-686:i386 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$kernel_pkg" ] || { echo "fetch-guests: apt-cache finds no linux-image-686:i386 (is the i386 architecture's package list updated?)" >&2; exit 1; }

fetch() { # package → unpacked into $work/$2
    (cd "$work" && apt-get download -qq "$1" >/dev/null 2>&1) || { echo "fetch-guests: apt-get download $1 failed" >&2; exit 1; }
    deb=$(ls "$work"/*.deb)
    dpkg-deb -x "$deb" "$work/$2" || { echo "fetch-guests: cannot unpack $deb" >&2; exit 1; }
    echo "$1 $(dpkg-deb -f "$deb" Version)" >>"$work/VERSIONS"
    rm -f "$deb"
}

fetch "$kernel_pkg" kernel
cp "$work"/kernel/boot/vmlinuz-* "$cache/linux/vmlinuz"
fetch busybox-static:i386 busybox
fetch memtest86+ memtest
cp "$work/memtest/boot/memtest86+ia32.bin" "$cache/memtest/memtest.bin"
fetch seabios seabios
cp "$work/seabios/usr/share/seabios/bios.bin" "$work/seabios/usr/share/seabios/vgabios-isavga.bin" "$cache/seabios/"

# The initramfs: busybox and /init, owned by root, every timestamp the same, files in
# sorted order — so the same packages always give the same bytes.
root="$work/initramfs"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"
cp "$work/busybox/bin/busybox" "$root/bin/busybox"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
# The kernel opens /dev/console for /init's output before devtmpfs is mounted.
[ "$(id -u)" = 0 ] && mknod -m 600 "$root/dev/console" c 5 1
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -print | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) >"$cache/linux/initramfs.img"

mv "$work/VERSIONS" "$cache/VERSIONS"
echo "fetch-guests: guests in $cache"
cat "$cache/VERSIONS"
