import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    // Hooks that write a large log (progress.test.ts: 1.2M rows) took over the default 10 s on a loaded machine.
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest leaves a core free by default: on a 2-core machine that is one test file at a time.
    maxWorkers: availableParallelism(),
  },
});
