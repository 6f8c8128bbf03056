/**
 * Byte-level mutations for the bounded driver (run.ts): the classic ones of AFL and
 * libFuzzer — flip a bit, set a byte, an "interesting" value at an offset, insert, erase,
 * duplicate a range, splice in part of another seed. Deterministic for a given `rnd`.
 */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0f, 0xf4, 0xcc, 0xcd, 0x0f];

export function mutate(input: Uint8Array, rnd: () => number, seeds: readonly Uint8Array[], maxLength: number): Uint8Array {
  let out: Uint8Array = input.slice();
  const steps = 1 + Math.floor(rnd() * 4);
  const at = (n: number) => Math.floor(rnd() * n);
  for (let s = 0; s < steps; s++) {
    switch (at(8)) {
      case 0:
        if (out.length > 0) out[at(out.length)]! ^= 1 << at(8);
        break;
      case 1:
        if (out.length > 0) out[at(out.length)] = at(256);
        break;
      case 2:
        if (out.length > 0) out[at(out.length)] = INTERESTING[at(INTERESTING.length)]!;
        break;
      case 3: {
        // A 32-bit interesting value (0, -1, a page boundary, the top of RAM), little-endian.
        const v = [0, 0xffffffff, 0x1000, 0xfff, 0x100000, 0x7fffffff, 0x80000000][at(7)]!;
        const p = at(out.length + 1);
        const bytes = Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
        out = concat(out.subarray(0, p), bytes, out.subarray(Math.min(out.length, p + 4)));
        break;
      }
      case 4: {
        const p = at(out.length + 1);
        const n = 1 + at(16);
        out = concat(out.subarray(0, p), Uint8Array.from({ length: n }, () => at(256)), out.subarray(p));
        break;
      }
      case 5: {
        if (out.length < 2) break;
        const p = at(out.length);
        const n = 1 + at(Math.min(32, out.length - p));
        out = concat(out.subarray(0, p), out.subarray(p + n));
        break;
      }
      case 6: {
        if (out.length === 0) break;
        const p = at(out.length);
        const n = 1 + at(Math.min(64, out.length - p));
        const q = at(out.length + 1);
        out = concat(out.subarray(0, q), out.slice(p, p + n), out.subarray(q));
        break;
      }
      default: {
        const other = seeds[at(seeds.length)];
        if (other === undefined || other.length === 0) break;
        const p = at(other.length);
        const n = 1 + at(Math.min(256, other.length - p));
        const q = at(out.length + 1);
        out = concat(out.subarray(0, q), other.subarray(p, p + n), out.subarray(q));
      }
    }
  }
  return out.length > maxLength ? out.slice(0, maxLength) : out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
