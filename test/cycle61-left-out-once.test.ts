import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer61 L1: a statement of nine accounts with --cycle printed what --cycle left out nine times, the same each time.
describe("--cycle's note of the cycles left out, with several accounts", () => {
  it("is told once where it is the same for every account, in the table and the Markdown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cycle61-"));
    const rows = ["timestamp,account,meter,quantity,project"];
    for (const account of ["acme", "bolt", "cove"]) rows.push(`2026-10-02T10:00:00Z,${account},data_write,1,p1`, `2026-11-02T10:00:00Z,${account},data_write,1,p1`);
    writeFileSync(join(dir, "usage.csv"), `${rows.join("\n")}\n`);
    for (const format of ["table", "markdown"]) {
      const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-10-01", "--usage", join(dir, "usage.csv"), "--cycle", "2026-11", "--format", format]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.split("--cycle: 1 of 2 cycle(s) shown, 1 before and 0 after left out, for this account and those after it unless told again.").length - 1).toBe(1);
      expect(run.stdout.split("--cycle:").length - 1).toBe(1);
    }
  });
});
