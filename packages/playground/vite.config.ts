import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// A static app: relative asset URLs (so dist/ can be served from any folder), the machine in
// a module Web Worker, and the project's guest images (test/guests/*/*.bin) as assets.
export default defineConfig({
  base: "./",
  resolve: { alias: { "@guests": fileURLToPath(new URL("../../test/guests", import.meta.url)) } },
  worker: { format: "es" },
  build: {
    target: "es2022",
    // Guest images stay files of their own, never inlined as data: URLs.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2048,
  },
});
