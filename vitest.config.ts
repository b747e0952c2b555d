import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // Vitest leaves a core free by default: on a 2-core machine that is one test file at a time.
    maxWorkers: availableParallelism(),
  },
});
