/**
 * The tool versions a generated device package pins: the ones ringlab itself is built and
 * tested with (the workspace root's devDependencies), so a package made by `ringlab
 * new-device` builds and tests as ringlab's own devices do. A test checks these against the
 * root package.json, so they cannot drift apart.
 */
export const TEMPLATE_TOOL_VERSIONS = {
  typescript: "5.9.3",
  vitest: "4.1.12",
} as const;
