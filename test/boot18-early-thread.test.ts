import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { warmEarly } from "../src/usage/scan-thread.js";
import { binary } from "./helpers/cli.js";

// bin/burnrate starts the reading thread before the bundle is compiled (warmEarly), from the command line
// as given, and the bundle's own copy of scan-thread.ts takes it as it is evaluated. Here the test's import
// of the module plays the shim's copy, and a fresh import (vi.resetModules) the bundle's.

const HANDED = Symbol.for("burnrate.warm-thread");
type Slot = { [HANDED]?: { worker: Worker } };
const slot = globalThis as Slot;

let dir: string;
let script: URL;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "boot18-"));
  // A worker that stays until it is ended, as the real one waits for its setup.
  writeFileSync(join(dir, "worker.mjs"), 'import { parentPort } from "node:worker_threads";\nparentPort.on("message", () => {});\n');
  script = pathToFileURL(join(dir, "worker.mjs"));
});
afterEach(async () => {
  await slot[HANDED]?.worker.terminate();
  delete slot[HANDED];
  rmSync(dir, { recursive: true, force: true });
});

/** A file of `mb` MiB that takes no room on disk: only its size is looked at. */
function sized(name: string, mb: number): string {
  const path = join(dir, name);
  closeSync(openSync(path, "w"));
  truncateSync(path, mb << 20);
  return path;
}

/** Whether warmEarly left a thread for the bundle for this command line. */
function started(argv: string[]): boolean {
  warmEarly(argv, script);
  const handed = slot[HANDED] !== undefined;
  void slot[HANDED]?.worker.terminate();
  delete slot[HANDED];
  return handed;
}

describe("the reading thread started by bin/burnrate", () => {
  it("starts for a statement, reconcile or diff whose usage on the command line is 8 MiB or more", () => {
    const big = sized("big.csv", 9);
    const small = sized("small.csv", 5);
    const other = sized("other.csv", 5);
    expect(started(["statement", "--account", "a.yaml", "--usage", big, "-o", "out.json"])).toBe(true);
    expect(started(["--no-progress", "reconcile", "--bill", "bill.csv", `--usage=${big}`])).toBe(true);
    expect(started(["diff", "--base", "old.yaml", "--usage", small, other])).toBe(true);
    expect(started(["statement", "--usage", small, "--usage", other])).toBe(true);
    // 5 MiB alone, or 5 and a file that is not there.
    expect(started(["statement", "--usage", small])).toBe(false);
    expect(started(["statement", "--usage", small, join(dir, "missing.csv")])).toBe(false);
    // The values of --usage end at the next flag: the file after --plan's value is no usage.
    expect(started(["statement", "--usage", small, "--plan", "pro", other])).toBe(false);
  });

  it("does not start for another command, standard input or a flag before the command; starts for a large compressed log", () => {
    const big = sized("big.csv", 9);
    const gz = sized("big.csv.gz", 9);
    expect(started(["check", "--usage", big])).toBe(false);
    expect(started(["simulate", "scenario.yaml", "--usage", big])).toBe(false);
    expect(started(["help", "statement", "--usage", big])).toBe(false);
    expect(started(["--version"])).toBe(false);
    expect(started(["--plan", "pro", "statement", "--usage", big])).toBe(false);
    expect(started(["statement", "--usage", "-"])).toBe(false);
    // Gunzipped on the reading thread since stop 41, as JSON Lines and Parquet are scanned there.
    expect(started(["statement", "--usage", gz])).toBe(true);
    expect(started(["statement", "--", "--usage", big])).toBe(false);
  });

  it("counts a folder as its CSV, JSON Lines and Parquet files, gzipped or not, hidden ones and others aside", () => {
    const folder = join(dir, "days");
    mkdirSync(folder);
    writeFileSync(join(folder, "README.md"), "");
    const day = (name: string, mb: number) => sized(join("days", name), mb);
    day("2026-11-01.csv", 2);
    day(".2026-11-02.csv", 5);
    day("2026-11-03.csv.gz", 1);
    day("2026-11-04.jsonl.gz", 1);
    day("2026-11-04.json", 5);
    expect(started(["statement", "--usage", folder])).toBe(false);
    day("2026-11-05.CSV", 2);
    expect(started(["statement", "--usage", folder])).toBe(false);
    day("2026-11-06.ndjson", 1);
    expect(started(["statement", "--usage", folder])).toBe(false);
    day("2026-11-07.parquet", 1);
    expect(started(["statement", "--usage", folder])).toBe(true);
  });

  it("is taken by the bundle's copy of the module, which scans on it or ends it with the run", async () => {
    const big = sized("big.csv", 9);
    warmEarly(["statement", "--usage", big], script);
    const handed = slot[HANDED]!.worker;
    vi.resetModules();
    const bundle = await import("../src/usage/scan-thread.js");
    expect(slot[HANDED]).toBeUndefined();
    // Taken as the warm thread: the scan gets the very worker, and a later warmFor starts none.
    bundle.warmFor([big]);
    expect(bundle.scanWorker()).toBe(handed);
    const ended = new Promise((resolve) => handed.once("exit", resolve));
    await handed.terminate();
    await ended;

    warmEarly(["statement", "--usage", big], script);
    const unused = slot[HANDED]!.worker;
    vi.resetModules();
    const again = await import("../src/usage/scan-thread.js");
    const exit = new Promise((resolve) => unused.once("exit", resolve));
    await again.endWarm();
    await exit;
  });

  it("leaves a command line that commander refuses as it was: its message and exit code", () => {
    sized("big.csv", 9);
    writeFileSync(join(dir, "account.yaml"), "plan: pro\nanchor: 2026-11-01\n");
    const run = binary(["statement", "--account", "account.yaml", "--usage", "big.csv", "--format", "yaml", "--no-progress"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^burnrate: error: option '--format <format>' argument 'yaml' is invalid/);
  }, 60_000);
});
