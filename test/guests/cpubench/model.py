#!/usr/bin/env python3
"""Reference model of cpubench's loop: prints the checksum the guest must print.

    python3 test/guests/cpubench/model.py [ITERATIONS]    (default 40000000, ~1-2 min)

Build a smaller guest with `nasm -DITERATIONS=n` and compare: the model is an
independent statement of what each instruction in cpubench.asm computes.
"""
import sys

MASK = 0xFFFFFFFF
TABLE = 1024


def rol(x, n):
    return ((x << n) | (x >> (32 - n))) & MASK


def checksum(iterations):
    table = [(i * 0x9E3779B9) & MASK for i in range(TABLE)]
    x = 0x12345678                      # xorshift32 state (EAX)
    acc = 0x811C9DC5                    # checksum (EBX)
    for ecx in range(iterations, 0, -1):
        x ^= (x << 13) & MASK
        x ^= x >> 17
        x ^= (x << 5) & MASK
        slot = x & (TABLE - 1)          # EDX
        value = rol((table[slot] + x) & MASK, 3)
        table[slot] = value
        acc = (acc + value) & MASK
        acc = ((acc * 0x01000193) & MASK) ^ x          # call mix
        if x & 0x100:
            acc = (acc + ecx) & MASK
        else:                           # sub ebx, edx / adc ebx, 0
            borrow = 1 if slot > acc else 0
            acc = (acc - slot + borrow) & MASK
        if ecx & 0xFF == 0:             # call slow_path
            q, r = divmod(x, ecx | 1)
            acc = ((acc + q) & MASK) ^ r
            base = x & (TABLE - 32)
            table[base + 16:base + 32] = table[base:base + 16]
    for value in table:
        acc = rol(acc ^ value, 1)
    return acc


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40000000
    print("cpubench: checksum=%08x" % checksum(n))
