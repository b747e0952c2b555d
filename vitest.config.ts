import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    // Hooks that write a large log (progress.test.ts: 1.2M rows) took over the default 10 s on a loaded machine.
    hookTimeout: 60_000,
    pool: "forks",
    // Each worker keeps its loaded modules from one test file to the next: loading src/ afresh for each
    // of some 75 files cost about half a CPU second a file. No test mocks modules or changes the
    // process's environment; in-process runs share the module-level caches of src/ as one process would.
    isolate: false,
    // Vitest leaves a core free by default: on a 2-core machine that is one test file at a time.
    maxWorkers: availableParallelism(),
  },
});
