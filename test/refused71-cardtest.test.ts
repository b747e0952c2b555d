import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer71 L4: a tests case whose one row an allowance cut refused failed as "total: expected 21000, got 0", which
// reads as a price gone wrong. A figure that comes out short where the statement refused events says how many, of
// which meter and why.
describe("burnrate test: a figure short by refused events", () => {
  // Fliplet Free: 100 included credits, no top-ups. 20,000 reads at 0.01 are 200 credits, past the allowance: the row
  // is refused whole. 10 writes at 0.05 are 0.5, charged.
  const dir = mkdtempSync(join(tmpdir(), "refused71-"));
  writeFileSync(join(dir, "u.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,20000,p1\n2026-11-02T11:00:00Z,data_write,10,p1\n");
  const tests = join(dir, "t.tests.yaml");
  writeFileSync(tests, `card: ${join(ROOT, "ratecards/fliplet.yaml")}
cases:
  - name: a big read on Free
    account: { plan: free, anchor: 2026-11-01, timezone: UTC }
    usage: u.csv
    expect: { total: "200.5", meters: { data_read: "200", data_write: "0.5" }, cycles: [{ total: "0.4" }] }
`);

  it("says the refused events beside the figure, and only where it came out short", async () => {
    const r = await burnrate(["test", tests]);
    expect(r.code).toBe(1);
    // Each at its value in the case's line 6: the total's at column 22, data_read's at 52, the cycle's total at 98.
    const failed = r.stdout.split("\n").filter((l) => l.includes("expected")).map((l) => l.replace(`${dir}/`, ""));
    expect(failed.map((l) => l.trim())).toEqual([
      "t.tests.yaml:6:22: total: expected 200.5, got 0.5 (1 event refused: data_read, credits exhausted)",
      "t.tests.yaml:6:52: meter data_read: expected 200, got 0 (1 event refused: data_read, credits exhausted)",
      // Above what is expected: no refusal explains a figure too high.
      "t.tests.yaml:6:98: cycle 1 total: expected 0.4, got 0.5",
    ]);
  });

  it("gives the JSON a refused key on those mismatches alone", async () => {
    const r = await burnrate(["test", tests, "--format", "json"]);
    const mismatches = JSON.parse(r.stdout).suites[0].cases[0].mismatches;
    expect(mismatches.map((m: { refused?: string }) => m.refused)).toEqual(["1 event refused: data_read, credits exhausted", "1 event refused: data_read, credits exhausted", undefined]);
  });
});
