import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emit, ReportFile, writeAtomically } from "../src/output.js";

// A report file gathers small pieces into a string, encodes them into one reused buffer and
// writes the buffer when it fills; a large piece is encoded alone. Whatever the pieces, the
// file holds their UTF-8 bytes in order.
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const dir = mkdtempSync(join(tmpdir(), "burnrate-report-file-"));

// Well-formed pieces, as every renderer gives: half of a surrogate pair at a piece's end would be encoded alone, as before.
const unit = fc.constantFrom("a", "{", "\n", "é", "€", "\u2028", "\ud83d\ude00", "x\ud800y");
// Lengths around the thresholds: 8K units gathered as one string, 1 MiB of bytes in the buffer.
const piece = fc.oneof(
  fc.string({ unit, maxLength: 40 }),
  fc.tuple(unit, fc.integer({ min: 8000, max: 9000 })).map(([u, n]) => u.repeat(n)),
  fc.tuple(unit, fc.integer({ min: 300_000, max: 400_000 })).map(([u, n]) => u.repeat(n)),
);

describe("a report file", () => {
  it("holds the UTF-8 bytes of its pieces in order, small and large, across the buffer's edges", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 30 }), async (pieces) => {
        const path = join(dir, "report.txt");
        await writeAtomically({ path }, pieces);
        expect(readFileSync(path).equals(Buffer.from(pieces.join("")))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("turns the event loop while a long report is written, so a Ctrl-C is heard before the file is complete", async () => {
    const path = join(dir, "slow.txt");
    let heard: number | undefined;
    let made = 0;
    // Forty pieces, each taking 10 ms to make: 400 ms of synchronous work, a timer due after 30 ms.
    function* slow(): Generator<string> {
      for (; made < 40; made++) {
        const until = Date.now() + 10;
        while (Date.now() < until);
        yield `piece ${made}\n`;
      }
    }
    setTimeout(() => (heard = made), 30);
    await emit(slow(), path, { stdout: process.stdout, stdoutFile: undefined, stdoutTerminal: undefined, stderr: process.stderr });
    expect(heard).toBeDefined();
    expect(heard!).toBeLessThan(40);
    expect(readFileSync(path, "utf8").split("\n")).toHaveLength(41);
  });

  it("cuts back to a mark, what was gathered and buffered after it dropped", () => {
    const path = join(dir, "cut.txt");
    const file = new ReportFile({ path });
    file.write("start\n");
    const mark = file.mark();
    file.write("é".repeat(500_000));
    file.write("dropped");
    file.truncate(mark);
    file.write("end\n");
    file.commitFile();
    expect(readFileSync(path, "utf8")).toBe("start\nend\n");
  });
});
