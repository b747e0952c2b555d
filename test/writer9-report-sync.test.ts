import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeAtomically } from "../src/output.js";

// A report file past 64 MiB asks the disk early, through a descriptor of its own, to take what is
// written so far; the fsync before the rename stays. The report must be whole and in order.
const dir = mkdtempSync(join(tmpdir(), "burnrate-writer9-"));

describe("a report of more than 64 MiB", () => {
  it("is complete in place, written while the disk was asked early to take its first part", async () => {
    const path = join(dir, "large.txt");
    // 80 pieces of 1 MiB, each of one character: the file must hold every piece, in order.
    const pieces = function* () {
      for (let i = 0; i < 80; i++) yield String.fromCharCode(97 + (i % 26)).repeat(1 << 20);
    };
    await writeAtomically({ path }, pieces());
    const written = readFileSync(path);
    expect(written.length).toBe(80 << 20);
    for (let i = 0; i < 80; i++) expect(written[(i << 20) + 12345]).toBe(97 + (i % 26));
  });
});
