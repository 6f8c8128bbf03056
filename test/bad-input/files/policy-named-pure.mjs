// A plugin policy that takes a name already registered (a built-in one).
import { definePolicy, purePolicy } from "@ringlab/monitor";
import { z } from "@ringlab/sdk";

export const again = definePolicy({
  name: "pure",
  description: "a second policy called pure",
  options: z.object({}).strict(),
  create: (cpu, options, context) => purePolicy.create(cpu, options, context),
});
