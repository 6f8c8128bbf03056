// Shared vitest settings for every package. Decorated classes in test files need the
// legacy decorator transform under vite 8 (see ../shared/TOOLCHAIN.md).
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
