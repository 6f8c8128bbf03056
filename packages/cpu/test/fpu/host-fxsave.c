/*
 * host-fxsave: runs a piece of 32-bit machine code on the host and prints the data area it
 * worked on (the oracle of packages/cpu/test/fpu/fxsave-host.test.ts, for FXSAVE/FXRSTOR
 * images). Built by the test with `gcc -m32 -O1`. Reads lines on stdin:
 *
 *   <code, hex bytes> [<data, hex bytes>]
 *
 * The code runs with EBX pointing to a 4 KiB data area, 64-byte aligned, that holds the data
 * bytes followed by 0xAA; it ends with a return to here (the program appends FNINIT, so a
 * pending x87 exception cannot reach the C library, and RET). Prints one line per case:
 *
 *   <code address, 8 hex> <data address, 8 hex> <the data area's first 2048 bytes, hex>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>

static unsigned char data[4096] __attribute__((aligned(64)));

static size_t parse_hex(const char *s, unsigned char *out, size_t max) {
  size_t n = 0;
  while (s[0] && s[1] && n < max) {
    unsigned v;
    if (sscanf(s, "%2x", &v) != 1) break;
    out[n++] = (unsigned char)v;
    s += 2;
  }
  return n;
}

int main(void) {
  static char line[16384];
  static char code_hex[8192], data_hex[8192];
  unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  setvbuf(stdout, NULL, _IOFBF, 1 << 20);
  while (fgets(line, sizeof line, stdin)) {
    data_hex[0] = 0;
    if (sscanf(line, "%8191s %8191s", code_hex, data_hex) < 1) continue;
    /* push ebx; mov ebx, [esp+8]; <code>; fninit; pop ebx; ret */
    static const unsigned char pro[] = {0x53, 0x8b, 0x5c, 0x24, 0x08};
    static const unsigned char epi[] = {0xdb, 0xe3, 0x5b, 0xc3};
    size_t n = 0;
    memcpy(page, pro, sizeof pro);
    n = sizeof pro;
    n += parse_hex(code_hex, page + n, 4096 - n - sizeof epi);
    memcpy(page + n, epi, sizeof epi);
    memset(data, 0xAA, sizeof data);
    parse_hex(data_hex, data, sizeof data);
    ((void (*)(void *))page)(data);
    printf("%08x %08x ", (unsigned)(uintptr_t)(page + sizeof pro), (unsigned)(uintptr_t)data);
    for (int i = 0; i < 2048; i++) printf("%02x", data[i]);
    printf("\n");
  }
  return 0;
}
