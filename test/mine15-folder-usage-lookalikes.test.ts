import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A usage folder's file that no reader takes by its name but holds usage is refused, not passed over with a
// note: a header of near misses of the canonical columns (Timestamp, Meter) is usage too, and so is a gzip's (red15).
const root = mkdtempSync(join(tmpdir(), "burnrate-folder-usage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const DAY = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,alpha\n";

function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, body] of Object.entries(files)) writeFileSync(join(dir, file), body);
  return dir;
}

const statement = (dir: string) => burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", dir, "--format", "json"]);

describe("a usage folder's usage under another name", () => {
  it("refuses a backup whose header is the canonical columns capitalised", async () => {
    const dir = folder("capital", { "a.csv": DAY, "b.bak": "Timestamp,Meter,Quantity,Project\n2026-11-03T10:00:00Z,data_read,5,alpha\n" });
    const run = await statement(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "b.bak")}:1:1: a file in the usage folder whose first line is a header of usage`);
  });

  it("refuses a gzipped usage file under another name", async () => {
    const dir = folder("gzip", { "a.csv": DAY, "e.csv.gz.bak": gzipSync(DAY.replace("alpha", "beta")) });
    const run = await statement(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "e.csv.gz.bak")}:1:1:`);
    expect(run.stderr).toContain("(.csv.gz if gzipped)");
  });

  it("still only names a README", async () => {
    const dir = folder("readme", { "a.csv": DAY, "README.md": "# November exports\nOne file a day.\n" });
    const run = await statement(dir);
    expect(run.code).toBe(0);
    // data_read 3 x 0.01.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.03");
    expect(run.stderr).toContain("passed over");
  });
});
