import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { formatsOnce } from "../src/usage/scanned-events.js";

// A run looks at each usage file's format once (the ids' first pass, then the scanner's setup): formatsOnce.

describe("formatsOnce", () => {
  it("looks at a path once, however often it is asked, and at each path apart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-start14-"));
    const csv = join(dir, "a.csv");
    const other = join(dir, "b.csv");
    writeFileSync(csv, "timestamp,meter,quantity\n2026-11-02T10:00:00Z,data_read,3\n");
    writeFileSync(other, gzipSync("timestamp,meter,quantity\n"));
    const formatOf = formatsOnce();
    expect(await formatOf(csv)).toEqual({ format: "csv", compressed: false });
    // Changed after the first look: the run's answer stays the first one's.
    writeFileSync(csv, gzipSync("timestamp,meter,quantity\n"));
    expect(await formatOf(csv)).toEqual({ format: "csv", compressed: false });
    expect(await formatOf(other)).toEqual({ format: "csv", compressed: true });
    // A new run looks again.
    expect(await formatsOnce()(csv)).toEqual({ format: "csv", compressed: true });
  });

  it("gives a file that cannot be read its refusal each time it is asked", async () => {
    const formatOf = formatsOnce();
    const missing = join(mkdtempSync(join(tmpdir(), "burnrate-start14-")), "none.csv");
    await expect(formatOf(missing)).rejects.toThrow();
    await expect(formatOf(missing)).rejects.toThrow();
  });
});
