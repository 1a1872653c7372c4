// Vitest settings: tests live under test/ (mirroring src/), spawn real processes and may build images.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    reporters: process.env.CAIRN_TEST_JSON ? ["default", ["json", { outputFile: process.env.CAIRN_TEST_JSON }]] : ["default"],
  },
});
