/*
 * The native twin of test/guests/x87: runs the guest's x87 cases (x87-cases.inc, assembled
 * by nasm into x87-host.asm) on the host CPU and prints what the guest prints for them.
 * The host's x87 is the reference (issue 13): its output is expected-host.txt.
 */
#include <stdio.h>

extern void x87_run(void);

int main(void) {
  x87_run();
  return fflush(stdout) == 0 ? 0 : 1;
}
