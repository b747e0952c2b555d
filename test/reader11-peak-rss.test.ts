import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PRELOAD = join(ROOT, "bench/peak-rss.cjs");

describe("the bench's peak RSS (bench/peak-rss.cjs)", () => {
  it("writes the whole process's peak as it exits, a worker's memory included", () => {
    const dir = mkdtempSync(join(tmpdir(), "reader11-"));
    const file = join(dir, "peak");
    // A worker touches 96 MB and ends before the process does.
    const script = `
      const { Worker } = require("node:worker_threads");
      const w = new Worker("const b = Buffer.alloc(96 << 20, 1); require('node:worker_threads').parentPort.postMessage(b[7]);", { eval: true });
      w.on("message", () => w.terminate());
    `;
    const run = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, BURNRATE_BENCH_PEAK: file, NODE_OPTIONS: `--require "${PRELOAD}"` }, encoding: "utf8" });
    expect(run.status).toBe(0);
    const kb = Number(readFileSync(file, "utf8"));
    // 96 MB touched by the worker, over node's own memory.
    expect(kb).toBeGreaterThan(96 * 1024);
  });
});

describe("the bundles (scripts/bundle.mjs)", () => {
  it("are Latin-1 text, which V8 keeps as a string of a byte a character", () => {
    for (const name of ["dist/burnrate.cjs", "dist/screen-worker.js"]) {
      const text = readFileSync(join(ROOT, name), "utf8");
      expect(/[^\u0000-\u00ff]/u.exec(text)?.[0], name).toBeUndefined();
    }
  });
});
