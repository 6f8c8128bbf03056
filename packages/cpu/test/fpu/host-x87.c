/*
 * host-x87: run one x87 instruction per input line on the host's own FPU (the oracle for
 * ringlab's src/fpu). Built by the tests with `gcc -m32 -O1`; reads lines on stdin:
 *
 *   <op> <control word, 4 hex> <a, up to 20 hex> <b, up to 20 hex>
 *
 * a and b are 80-bit register images (sign+exponent in the top 16 bits, then the 64-bit
 * significand), except for the load ops (fld32, fild16, fbld, ...) where a is the memory
 * image of the source, and the memory-operand forms (add32, iadd16, com64, ...) where b is the
 * memory image of the second operand. Each case starts from FNINIT, loads the control word, pushes b then a
 * (so ST(0)=a, ST(1)=b), runs the instruction and saves the whole state with FNSAVE (which
 * neither waits nor faults, so unmasked exceptions stay pending and are dropped). Prints:
 *
 *   <status word> <empty bits of ST0,ST1> <ST0> <ST1> <memory destination, 20 hex> <eflags>
 *
 * The memory destination starts as 0xAA bytes so that "nothing stored" is visible. The
 * transcendental instructions (sin ... yl2xp1) are here too: test/fpu/transcendental.test.ts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef struct { unsigned char b[10]; } __attribute__((packed)) t80;
typedef struct { unsigned char b[108]; } fsave_t;

static void parse80(const char *s, t80 *out) {
  /* right-aligned hex, little-endian bytes */
  size_t n = strlen(s);
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < n && i < 20; i++) {
    char c = s[n - 1 - i];
    int v = (c >= '0' && c <= '9') ? c - '0' : (c | 32) - 'a' + 10;
    out->b[i / 2] |= (unsigned char)(v << (4 * (i & 1)));
  }
}

static void print80(const unsigned char *p) {
  for (int i = 9; i >= 0; i--) printf("%02x", p[i]);
}

#define CASE2(NAME, INSN)                                                              \
  else if (!strcmp(op, NAME)) __asm__ volatile(                                        \
      "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" INSN "\n\tfnsave %[st]"    \
      : [st] "=m"(st), [mem] "+m"(mem) : [cw] "m"(cw), [a] "m"(a), [b] "m"(b) : "memory")
/* ST(0) = a, memory source = b's low bytes: FADD m32, FIADD m16, FCOM m64 ... */
#define CASEMEM(NAME, INSN)                                                            \
  else if (!strcmp(op, NAME)) __asm__ volatile(                                        \
      "fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" INSN " %[b]\n\tfnsave %[st]"           \
      : [st] "=m"(st) : [cw] "m"(cw), [a] "m"(a), [b] "m"(b) : "memory")
#define CASE1(NAME, INSN)                                                              \
  else if (!strcmp(op, NAME)) __asm__ volatile(                                        \
      "fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" INSN "\n\tfnsave %[st]"                 \
      : [st] "=m"(st), [mem] "+m"(mem) : [cw] "m"(cw), [a] "m"(a) : "memory")
#define CASELOAD(NAME, INSN)                                                           \
  else if (!strcmp(op, NAME)) __asm__ volatile(                                        \
      "fninit\n\tfldcw %[cw]\n\t" INSN " %[a]\n\tfnsave %[st]"                         \
      : [st] "=m"(st) : [cw] "m"(cw), [a] "m"(a) : "memory")
#define CASECOMI(NAME, INSN)                                                           \
  else if (!strcmp(op, NAME)) __asm__ volatile(                                        \
      "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" INSN                       \
      "\n\tpushfl\n\tpopl %[fl]\n\tfnsave %[st]"                                       \
      : [st] "=m"(st), [fl] "=r"(fl) : [cw] "m"(cw), [a] "m"(a), [b] "m"(b) : "memory", "cc")

int main(void) {
  char line[256], op[32], cws[16], as[32], bs[32];
  setvbuf(stdout, NULL, _IOFBF, 1 << 20);
  while (fgets(line, sizeof line, stdin)) {
    bs[0] = 0;
    if (sscanf(line, "%31s %15s %31s %31s", op, cws, as, bs) < 3) continue;
    uint16_t cw = (uint16_t)strtoul(cws, NULL, 16);
    t80 a, b, mem;
    fsave_t st;
    uint32_t fl = 0;
    parse80(as, &a);
    parse80(bs, &b);
    memset(&mem, 0xAA, sizeof mem);
    if (0) {}
    CASE2("add", "fadd %%st(1), %%st");
    CASE2("sub", "fsub %%st(1), %%st");
    CASE2("mul", "fmul %%st(1), %%st");
    CASE2("div", "fdiv %%st(1), %%st");
    CASE2("subr", "fsubr %%st(1), %%st");
    CASE2("divr", "fdivr %%st(1), %%st");
    CASEMEM("add32", "fadds");
    CASEMEM("add64", "faddl");
    CASEMEM("iadd16", "fiadds");
    CASEMEM("iadd32", "fiaddl");
    CASEMEM("sub32", "fsubs");
    CASEMEM("sub64", "fsubl");
    CASEMEM("isub16", "fisubs");
    CASEMEM("isub32", "fisubl");
    CASEMEM("subr32", "fsubrs");
    CASEMEM("subr64", "fsubrl");
    CASEMEM("isubr16", "fisubrs");
    CASEMEM("isubr32", "fisubrl");
    CASEMEM("mul32", "fmuls");
    CASEMEM("mul64", "fmull");
    CASEMEM("imul16", "fimuls");
    CASEMEM("imul32", "fimull");
    CASEMEM("div32", "fdivs");
    CASEMEM("div64", "fdivl");
    CASEMEM("idiv16", "fidivs");
    CASEMEM("idiv32", "fidivl");
    CASEMEM("divr32", "fdivrs");
    CASEMEM("divr64", "fdivrl");
    CASEMEM("idivr16", "fidivrs");
    CASEMEM("idivr32", "fidivrl");
    CASEMEM("com32", "fcoms");
    CASEMEM("com64", "fcoml");
    CASEMEM("icom16", "ficoms");
    CASEMEM("icom32", "ficoml");
    CASE2("prem", "fprem");
    CASE2("prem1", "fprem1");
    CASE2("scale", "fscale");
    CASE2("com", "fcom %%st(1)");
    CASE2("ucom", "fucom %%st(1)");
    CASECOMI("comi", "fcomi %%st(1), %%st");
    CASECOMI("ucomi", "fucomi %%st(1), %%st");
    CASE1("sqrt", "fsqrt");
    CASE1("sin", "fsin");
    CASE1("cos", "fcos");
    CASE1("sincos", "fsincos");
    CASE1("ptan", "fptan");
    CASE1("f2xm1", "f2xm1");
    CASE2("patan", "fpatan");
    CASE2("yl2x", "fyl2x");
    CASE2("yl2xp1", "fyl2xp1");
    CASE1("xtract", "fxtract");
    CASE1("rndint", "frndint");
    CASE1("tst", "ftst");
    CASE1("xam", "fxam");
    CASE1("fst32", "fstps %[mem]");
    CASE1("fst64", "fstpl %[mem]");
    CASE1("fist16", "fistps %[mem]");
    CASE1("fist32", "fistpl %[mem]");
    CASE1("fist64", "fistpll %[mem]");
    CASE1("fistt16", "fisttps %[mem]");
    CASE1("fistt32", "fisttpl %[mem]");
    CASE1("fistt64", "fisttpll %[mem]");
    CASE1("fbstp", "fbstp %[mem]");
    CASELOAD("fld32", "flds");
    CASELOAD("fld64", "fldl");
    CASELOAD("fild16", "filds");
    CASELOAD("fild32", "fildl");
    CASELOAD("fild64", "fildll");
    CASELOAD("fbld", "fbld");
    else { fprintf(stderr, "host-x87: unknown op %s\n", op); return 2; }
    uint16_t sw = (uint16_t)(st.b[4] | st.b[5] << 8);
    uint16_t tw = (uint16_t)(st.b[8] | st.b[9] << 8);
    unsigned top = (sw >> 11) & 7;
    unsigned e0 = ((tw >> (2 * top)) & 3) == 3, e1 = ((tw >> (2 * ((top + 1) & 7))) & 3) == 3;
    printf("%04x %u ", sw, e0 | e1 << 1);
    print80(st.b + 28);
    putchar(' ');
    print80(st.b + 38);
    putchar(' ');
    print80(mem.b);
    printf(" %08x\n", fl);
  }
  return 0;
}
