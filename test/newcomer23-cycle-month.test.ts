import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// `--cycle 2026-11` and `--cycle "Nov 2026"` were refused, where a bill's period takes both and finance asks for a
// month (newcomer, stop 40). A month is its first day to its last, whole.

/** Fliplet Pro anchored on `anchor` in UTC, 100 data reads (1 credit) on each date given. */
function account(anchor: string, dates: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "newcomer23-cycle-"));
  const file = join(dir, "account.yaml");
  writeFileSync(file, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: acme\nplan: pro\nanchor: ${anchor}\ntimezone: UTC\n`);
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, `timestamp,meter,quantity,project\n${dates.map((d) => `${d}T10:00:00Z,data_read,100,alpha`).join("\n")}\n`);
  return ["statement", "--account", file, "--usage", usage];
}

async function shown(args: string[], cycle: string) {
  const r = await burnrate([...args, "--cycle", cycle, "--format", "json"]);
  expect(r.code, r.stderr).toBe(0);
  const st = JSON.parse(r.stdout);
  return { period: st.period, cycles: st.accounts[0].cycles.map((c: { start: string; total: string }) => [c.start, c.total]), left: st.accounts[0].cycles_left_out };
}

describe("statement --cycle MONTH", () => {
  const dates = ["2026-09-03", "2026-10-20", "2026-11-02", "2026-11-29", "2026-12-05"];

  it("is the month's cycle where cycles start on the 1st, written either way", async () => {
    const args = account("2026-09-01", dates);
    const november = { period: { from: "2026-11-01T00:00:00Z", through: "2026-11-30T23:59:59.999Z" }, cycles: [["2026-11-01T00:00:00Z", "2"]], left: { before: 2, after: 1 } };
    expect(await shown(args, "2026-11")).toEqual(november);
    expect(await shown(args, "Nov 2026")).toEqual(november);
    expect(await shown(args, "November 2026")).toEqual(november);
  });

  it("is both cycles holding days of the month where they start on the 15th", async () => {
    // Cycles Sep 15 - Oct 15 (none), Oct 15 - Nov 15 (the reads of Oct 20 and Nov 2) and Nov 15 - Dec 15 (Nov 29 and Dec 5).
    const got = await shown(account("2026-09-15", dates.slice(1)), "2026-11");
    expect(got.cycles).toEqual([
      ["2026-10-15T00:00:00Z", "2"],
      ["2026-11-15T00:00:00Z", "2"],
    ]);
    expect(got.left).toEqual({ before: 1, after: 0 });
  });

  it("joins a range of months, FROM's first day to THROUGH's last", async () => {
    const got = await shown(account("2026-09-01", dates), "2026-10..2026-11");
    expect(got.period).toEqual({ from: "2026-10-01T00:00:00Z", through: "2026-11-30T23:59:59.999Z" });
    expect(got.cycles.map((c: string[]) => c[0])).toEqual(["2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"]);
  });

  it("starts at the anchor where the month began before it", async () => {
    const got = await shown(account("2026-09-15", ["2026-09-20", "2026-10-20"]), "Sep 2026");
    expect(got.period).toEqual({ from: "2026-09-15T00:00:00Z", through: "2026-09-30T23:59:59.999Z" });
    expect(got.cycles).toEqual([["2026-09-15T00:00:00Z", "1"]]);
  });

  it("refuses a month name it does not know, a thirteenth month and a month the cycles do not reach, at the flag", async () => {
    const args = account("2026-09-01", dates);
    const refused = async (cycle: string) => (await burnrate([...args, "--cycle", cycle])).stderr;
    expect(await refused("Novembre 2026")).toBe('burnrate: error: --cycle: unknown month name (expected an English month name such as Nov or November, found "Novembre")\n');
    expect(await refused("2026-13")).toMatch(/^burnrate: error: --cycle: no such month \(/);
    expect(await refused("2027-01")).toMatch(/^burnrate: error: --cycle: date outside the statement's cycles \(expected a date from 2026-09-01 to 2026-12-31/);
    expect(await refused("Aug 2026")).toMatch(/^burnrate: error: --cycle: date before the first cycle \(expected a date on or after the anchor 2026-09-01/);
  });
});

describe("statement --cycle: a month and a date before the anchor (red team, stop 40)", () => {
  it("a month holding the anchor starts at it whatever ends the range; a date before it is refused either way", async () => {
    const args = account("2026-10-15", ["2026-10-20", "2026-11-02"]);
    const ok = async (cycle: string) => (await shown(args, cycle)).period;
    expect(await ok("2026-10..2026-10-20")).toEqual({ from: "2026-10-15T00:00:00Z", through: "2026-10-20T23:59:59.999Z" });
    expect(await ok("Oct 2026..2026-11-10")).toEqual({ from: "2026-10-15T00:00:00Z", through: "2026-11-10T23:59:59.999Z" });
    const refused = async (cycle: string) => (await burnrate([...args, "--cycle", cycle])).stderr;
    expect(await refused("2026-10-01..Nov 2026")).toMatch(/^burnrate: error: --cycle: date before the first cycle/);
    expect(await refused("2026-10-01..2026-11-30")).toMatch(/^burnrate: error: --cycle: date before the first cycle/);
    // September holds no day of a cycle anchored on October 15th.
    expect(await refused("Sept 2026..2026-11-30")).toMatch(/^burnrate: error: --cycle: date before the first cycle/);
  });
});
