// Measures pure-emulation speed on an integer loop (process CPU time; not a test).
// Usage: node bench/measure-mips.mjs  (after `npx tsc -p tsconfig.build.json`)
import { Bus, VirtualClock } from "@ringlab/sdk";
import { Cpu } from "../dist/index.js";

const bus = new Bus({ ramSize: 16 << 20 });
bus.memory.mapRam("ram", 0, 16 << 20);
const clock = new VirtualClock();
const cpu = new Cpu(bus, clock);
const loops = {
  // l: add eax,ecx; xor edx,eax; inc ebx; dec ecx; jnz l
  "reg ALU loop": [0x01, 0xc8, 0x31, 0xc2, 0x43, 0x49, 0x75, 0xf8],
  // l: mov eax,[esi]; add eax,ebx; mov [edi+4],eax; add esi,4 -> lea; dec ecx; jnz l
  "memory loop": [0x8b, 0x06, 0x01, 0xd8, 0x89, 0x47, 0x04, 0x8d, 0x76, 0x00, 0x49, 0x75, 0xf3],
  // l: push eax; pop ebx; call f; dec ecx; jnz l; hlt; f: ret
  "call/push loop": [0x50, 0x5b, 0xe8, 0x04, 0x00, 0x00, 0x00, 0x49, 0x75, 0xf6, 0xf4, 0xc3],
};
for (const [name, body] of Object.entries(loops)) {
  const code = new Uint8Array([0xb9, 0xff, 0xff, 0xff, 0x7f, ...body, 0xf4]);
  bus.memory.ram8.set(code, 0x1000);
  cpu.setFlat32(0x1000);
  cpu.setReg32(4, 0x80000);
  cpu.setReg32(6, 0x20000);
  cpu.setReg32(7, 0x30000);
  cpu.run(5_000_000); // warm-up
  const slice = 1_000_000;
  let total = 0;
  // CPU time of this process, so other load on the machine does not count.
  const t0 = process.cpuUsage();
  while (total < 100_000_000) {
    cpu.run(slice);
    total += slice;
  }
  const used = process.cpuUsage(t0);
  const secs = (used.user + used.system) / 1e6;
  console.log(`${name}: ${(total / secs / 1e6).toFixed(1)} MIPS (${total} instructions in ${secs.toFixed(2)} s)`);
}
