// Shared vitest settings for every package. Decorated classes in test files need the
// legacy decorator transform under vite 8: vite 8 parses TypeScript with oxc, which otherwise
// rejects (or does not emit metadata for) the experimental decorators tsyringe relies on.
import { defineProject, type UserWorkspaceConfig } from "vitest/config";

export function ringlabProject(name: string, extra: UserWorkspaceConfig["test"] = {}) {
  return defineProject({
    oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      ...extra,
    },
  } as UserWorkspaceConfig);
}
