import { describe, expect, it } from "vitest";
import { earlyThreadSize, pieceSize, threadSizeOf } from "../src/usage/thread-size.js";
import { binary } from "./helpers/cli.js";

// BURNRATE_THREAD_MB: how much usage is read on the second thread (src/usage/thread-size.ts).

describe("the reading thread's size (BURNRATE_THREAD_MB)", () => {
  it("is 8 MB unless set, and a number of megabytes where set, fractions too", () => {
    expect(threadSizeOf({})).toBe(8 * 1024 * 1024);
    expect(threadSizeOf({ BURNRATE_THREAD_MB: "" })).toBe(8 * 1024 * 1024);
    expect(threadSizeOf({ BURNRATE_THREAD_MB: "1" })).toBe(1024 * 1024);
    expect(threadSizeOf({ BURNRATE_THREAD_MB: "0.5" })).toBe(512 * 1024);
    expect(threadSizeOf({ BURNRATE_THREAD_MB: "0" })).toBe(0);
    expect(threadSizeOf({ BURNRATE_THREAD_MB: "100000" })).toBe(100_000 * 1024 * 1024);
    // The pass cuts pieces of half the size: 4 MB at the default, as it did before the setting.
    expect(pieceSize(8 * 1024 * 1024)).toBe(4 * 1024 * 1024);
    expect(pieceSize(0)).toBe(1);
  });

  it("starts no thread ahead of its command where the value is not a number of megabytes", () => {
    for (const given of ["abc", "-1", "1e3", "8MB", " 8", "0x10"]) {
      expect(threadSizeOf({ BURNRATE_THREAD_MB: given }), given).toBeUndefined();
      expect(earlyThreadSize({ BURNRATE_THREAD_MB: given }), given).toBe(Number.POSITIVE_INFINITY);
    }
  });

  const statement = ["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--format", "json"];

  it("is refused at the variable where its value is not read as given, rather than run on the default", () => {
    for (const given of ["abc", "-1", "8MB"]) {
      const run = binary(statement, { env: { BURNRATE_THREAD_MB: given } });
      expect(run.code, given).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(`burnrate: error: BURNRATE_THREAD_MB: not a size in megabytes (expected a number of megabytes such as 8, or 0.5, found "${given}")\n`);
    }
  });

  it("is refused by `burnrate test` once, before any case runs, not as each case's failure", () => {
    const run = binary(["test", "ratecards/fliplet.yaml"], { env: { BURNRATE_THREAD_MB: "abc" } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe('burnrate: error: BURNRATE_THREAD_MB: not a size in megabytes (expected a number of megabytes such as 8, or 0.5, found "abc")\n');
  });

  it("reads a log on the thread from the size set, to the same statement, with ids cut into pieces too", () => {
    const here = binary(statement);
    expect(here.code, here.stderr).toBe(0);
    // 0 reads every log on the thread, and cuts the ids' first pass into pieces of a byte.
    for (const size of ["0", "0.001"]) {
      const there = binary(statement, { env: { BURNRATE_THREAD_MB: size } });
      expect(there.code, there.stderr).toBe(0);
      expect(there.stderr).toBe("");
      expect(there.stdout).toBe(here.stdout);
    }
  });
});
