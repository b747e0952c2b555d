import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { quillCard } from "./helpers/quill-card.js";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "red63b-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const quill = (included: number, roundAt: string) => quillCard({ included, tiers: { lite: "1", max: "4" }, precision: `{ display: 2, rounding: half-even, round_at: ${roundAt} }`, split: true });

describe("diff's worth of what a card that splits rows at the credits refuses (red63b M1)", () => {
  it.each(["none", "event"])("is what the rows' rests would have been charged, never below zero (round_at: %s)", async (roundAt) => {
    // Lite 1, max 4 a unit. Base 100: lite 50 (50), max 30: 12 served (48) and 18 refused (72), lite 10: 2 served and 8
    // refused (8), lite 20 refused (20), max 10 refused (40): 56 units worth 72 + 8 + 20 + 40 = 140. New 200: 50 + 120
    // + 10 + 20 = 200, then max 10 refused: 40. Before, the base card's split rests had no charge, and the meter's
    // average read 87.5 → -12.5.
    const dir = folder({
      "base.yaml": quill(100, roundAt),
      "new.yaml": quill(200, roundAt),
      "acct.yaml": "plan: starter\nanchor: 2026-11-01\ntimezone: UTC\n",
      "u.csv": "timestamp,meter,quantity,project,tier\n2026-11-02T10:00:00Z,summary,50,a,lite\n2026-11-03T10:00:00Z,summary,30,a,max\n2026-11-04T10:00:00Z,summary,10,a,lite\n2026-11-05T10:00:00Z,summary,20,a,lite\n2026-11-06T10:00:00Z,summary,10,a,max\n",
    });
    const out = await burnrate(["diff", "--base", join(dir, "base.yaml"), "--card", join(dir, "new.yaml"), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"]);
    const [refused] = JSON.parse(out.stdout).refused;
    expect(refused).toMatchObject({ old_quantity: "56", new_quantity: "10", worth: { old: "140", new: "40", delta: "-100" } });
  });
});

/** The comment of Fliplet's maps calls 0.08 → 0.10 credits over a log of `rows`, each usage account on Pro. */
async function mapsRiseComment(rows: readonly string[]): Promise<string> {
  const { readFileSync } = await import("node:fs");
  const card = readFileSync(`${ROOT}/ratecards/fliplet.yaml`, "utf8");
  const dir = folder({
    "base.yaml": card,
    "new.yaml": card.replace('version: "2026-11"', 'version: "2026-12"').replace('price: "0.08"             # "Maps API calls (0.08 each)"', 'price: "0.10"'),
    "acct.yaml": "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\nunnamed_accounts: top_level\n",
    "u.csv": `${rows.join("\n")}\n`,
  });
  return (await burnrate(["diff", "--base", join(dir, "base.yaml"), "--card", join(dir, "new.yaml"), "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv"), "--format", "markdown"])).stdout;
}

describe("the pull-request comment, cut to fit (red63b M2, M3, L4)", () => {
  it("keeps the largest changes first, and every card change", async () => {
    // 300 accounts of 5 maps calls each (0.40 → 0.50 credits), and one of 500 (40 → 50): the one change of 10 leads
    // the table, where it would have come last by name.
    const rows = ["timestamp,account,meter,quantity,project"];
    for (let i = 0; i < 300; i++) rows.push(`2026-11-02T10:00:00Z,a${String(i).padStart(3, "0")},maps_call,5,p1`);
    rows.push("2026-11-02T10:00:00Z,zz-big,maps_call,500,p1");
    const md = await mapsRiseComment(rows);
    const table = md.split("\n").filter((l) => l.startsWith("| ") && l.includes("maps_call"));
    expect(table[0]).toMatch(/^\| zz-big \| 2026-11-01 \| maps_call \| 40(\.00)? \| 50(\.00)? \| \+10/);
    expect(md).toContain("meters.maps_call.price");
  });

  it("stays within 60,000 characters whatever the names: the tables go, then the text is cut and says so", async () => {
    const rows = ["timestamp,account,meter,quantity,project"];
    for (let i = 0; i < 8; i++) rows.push(`2026-11-02T10:00:00Z,${String(i).repeat(20_000)},maps_call,5,p1`);
    const md = await mapsRiseComment(rows);
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toContain("burnrate diff --format json");
  });
});

describe("the notes of a month's files (red63b M4, L1)", () => {
  it("names a file of a line end alone, or a byte-order mark, among the usage files", async () => {
    const header = "timestamp,meter,quantity,project\n";
    const dir = folder({ "d1.csv": `${header}2026-11-01T10:00:00Z,maps_call,5,p1\n`, "d2.csv": "\n", "d3.csv": "\uFEFF\r\n", "d4.csv": header });
    const out = await burnrate(["statement", "--card", `${ROOT}/ratecards/fliplet.yaml`, "--plan", "pro", "--anchor", "2026-11-01", "--usage", dir, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(`2 of the 4 usage files are empty, without even a header ("d2.csv", "d3.csv" in ${JSON.stringify(dir)})`);
  });

  it("says which one account is billed the last cycle's fee where the others' subscriptions ended", async () => {
    const { spilloverNote } = await import("../src/commands/spillover-note.js");
    const { Zone } = await import("../src/time.js");
    const statement = { accounts: [{ account: "a" }, { account: "b" }, { account: "c" }], events: { read: 1000, priced: 1000, duplicates: 0, rejected: 0 }, lastUsage: { index: 1, rows: 1, starts: { first: Date.UTC(2026, 10, 1), before: Date.UTC(2026, 10, 1), last: Date.UTC(2026, 11, 1) }, end: Date.UTC(2027, 0, 1), latest: Date.UTC(2026, 11, 1) } };
    const ended = (account: string) => ({ at: Date.UTC(2026, 10, 2), account, change: { kind: "subscription_end", end: Date.UTC(2026, 10, 20) } });
    const settings = { zone: Zone.of("UTC")!, through: undefined, changes: [ended("a"), ended("b")], accounts: new Map(), terms: {} };
    expect(spilloverNote(statement as never, settings as never, { cycle: undefined })).toContain("the statement's last: 1 of its 3 accounts, on a plan, is billed that cycle's plan fee");
  });
});
