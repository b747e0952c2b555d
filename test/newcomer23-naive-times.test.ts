import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A gateway writes UTC without an offset; read in the account's zone (New York), a row at 02:30 on December 1st was
// billed to December where UTC puts it on November 30th, in silence (newcomer, stop 40). The rule stays as
// docs/usage.md says; the rows that UTC would put in another cycle are told, with the key that settles it.

function run(stamps: string[], { zone = "America/New_York", mapping }: { zone?: string; mapping?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "newcomer23-naive-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: ${zone}\n`);
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${stamps.map((t) => `${t},data_read,100,alpha`).join("\n")}\n`);
  const args = ["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"];
  if (mapping !== undefined) {
    writeFileSync(join(dir, "map.yaml"), mapping);
    args.push("--mapping", "map.yaml");
  }
  return burnrate(args, { cwd: dir });
}

const totals = (stdout: string) => (JSON.parse(stdout).accounts[0].cycles as { start: string; total: string }[]).map((c) => [c.start, c.total]);

describe("times without an offset read in the account's zone", () => {
  it("are told where UTC would put them in another cycle, and billed by the documented rule", async () => {
    const r = await run(["2026-11-15 10:00:00", "2026-12-01 02:30:00", "2026-12-01T03:59:00"]);
    expect(r.code).toBe(0);
    // Read in New York: November 15th's read in November, December 1st's two (02:30 and 03:59) in December. 100 reads at 0.01 each.
    expect(totals(r.stdout)).toEqual([
      ["2026-11-01T04:00:00Z", "1"],
      ["2026-12-01T05:00:00Z", "2"],
    ]);
    expect(r.stderr).toBe(
      'burnrate: note: 2 rows of usage.csv (the first at usage.csv:3) have times without an offset, read in America/New_York, the account\'s time zone, where UTC would put them in another cycle; if the export writes UTC, timestamp_zone: UTC in the usage mapping reads them so (timestamp_zone: "America/New_York" says the account\'s zone is meant, and ends this note)\n',
    );
  });

  it("are read as UTC, with no note, under timestamp_zone: UTC", async () => {
    const r = await run(["2026-11-15 10:00:00", "2026-12-01 02:30:00", "2026-12-01T03:59:00"], { mapping: "timestamp_zone: UTC\n" });
    expect(r.stderr).toBe("");
    // In UTC all three are before December 1st 05:00 UTC, New York's midnight: November's.
    expect(totals(r.stdout)).toEqual([["2026-11-01T04:00:00Z", "3"]]);
  });

  it("say nothing where no row is near a boundary, the times have offsets, or the account is in UTC", async () => {
    expect((await run(["2026-11-15 10:00:00", "2026-11-20 23:30:00"])).stderr).toBe("");
    expect((await run(["2026-11-15T10:00:00Z", "2026-12-01T02:30:00Z"])).stderr).toBe("");
    expect((await run(["2026-11-15 10:00:00", "2026-12-01 02:30:00"], { zone: "UTC" })).stderr).toBe("");
    expect((await run(["2026-11-15 10:00:00", "2026-12-01 02:30:00"], { mapping: 'timestamp_zone: "America/New_York"\n' })).stderr).toBe("");
  });
});

describe("the note's count of times without an offset (red team, stop 40)", () => {
  it("reads a quoted timestamp cell as its text, first row or later", async () => {
    const quoted = (t: string) => `"${t}"`;
    const r = await run([quoted("2026-11-15 10:00:00"), "2026-12-01 02:30:00", quoted("2026-12-01T03:59:00")]);
    expect(r.stderr).toContain("2 rows of usage.csv (the first at usage.csv:3) have times without an offset");
  });
});
