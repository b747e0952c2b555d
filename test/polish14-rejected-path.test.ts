import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileLineWithin } from "../src/render/shared/file-line.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// The Rejected table named only the file: with one export folder a day, each holding
// usage.csv, "usage.csv:2" did not say which day's file to open.
describe("the Rejected table's First line", () => {
  it("keeps as many of the path's last folders as fit, marking a cut path", () => {
    expect(fileLineWithin({ file: "exports/2026-11-03/usage.csv", line: 2, column: 1 }, 40)).toBe("exports/2026-11-03/usage.csv:2");
    // 30 characters of room: "…/" + "2026-11-03/usage.csv" + ":2" is 24; adding "exports/" would make 32.
    expect(fileLineWithin({ file: "/data/exports/2026-11-03/usage.csv", line: 2, column: 1 }, 30)).toBe("…/2026-11-03/usage.csv:2");
    // No room for a folder: the name alone, as a narrow table always showed it.
    expect(fileLineWithin({ file: "fixtures/fliplet/usage.csv", line: 1199, column: 1 }, 16)).toBe("usage.csv:1199");
    expect(fileLineWithin({ file: "a-very-long-export-name.csv", line: 7, column: 1 }, 5)).toBe("a-very-long-export-name.csv:7");
  });

  it("tells two days' usage.csv apart in a statement of a glob over daily folders", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-rejected-"));
    for (const day of ["02", "03"]) {
      mkdirSync(join(dir, "exports", `2026-11-${day}`), { recursive: true });
      // Fliplet Free: 100 credits, no grace; 9,000 data reads are 90 credits.
      writeFileSync(join(dir, "exports", `2026-11-${day}`, "usage.csv"), `timestamp,meter,quantity,project\n2026-11-${day}T10:00:00Z,data_read,9000,alpha\n`);
    }
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "free", "--anchor", "2026-11-01", "--usage", "exports/*/usage.csv", "--format", "table"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    // The second day's 90 credits do not fit in the 10 left: that row, line 2 of the 3rd's file, is refused.
    expect(run.stdout).toMatch(/^ {2}data_read +credits exhausted +1 +9,000 +2026-11-03 10:00 +exports\/2026-11-03\/usage\.csv:2$/m);
    for (const line of run.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
  });
});
