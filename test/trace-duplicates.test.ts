import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const HEADER = "timestamp,meter,quantity,project,event_id";
const CARD = join(ROOT, "ratecards/fliplet.yaml");

function folder(): string {
  return mkdtempSync(join(tmpdir(), "burnrate-trace-"));
}

/** Row k (1-based) of a file is on line k + 1: the header is line 1. */
function usage(dir: string, name: string, rows: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, [HEADER, ...rows].join("\n") + "\n");
  return file;
}

describe("every duplicate event_id with both of its rows", () => {
  const dir = folder();
  const ids = Array.from({ length: 12 }, (_, i) => `ev-${i + 1}`);
  // a.csv: the twelve ids on 2 November; b.csv: the same twelve again on 3 November, then one new id.
  const a = usage(dir, "a.csv", ids.map((id, i) => `2026-11-02T${String(i + 1).padStart(2, "0")}:00:00Z,data_read,10,alpha,${id}`));
  const b = usage(dir, "b.csv", [...ids.map((id, i) => `2026-11-03T${String(i + 1).padStart(2, "0")}:00:00Z,data_read,10,alpha,${id}`), "2026-11-04T01:00:00Z,data_read,10,alpha,ev-13"]);
  const args = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", a, "--usage", b];

  it("lists all twelve in the JSON, the first row priced and the repeat not", async () => {
    const r = await burnrate([...args, "--format", "json"]);
    expect(r.stderr).toBe("");
    const json = JSON.parse(r.stdout);
    expect(json.events).toMatchObject({ priced: 13, duplicates: 12 });
    expect(json.duplicate_events.omitted).toBe(0);
    expect(json.duplicate_events.listed).toEqual(ids.map((id, i) => ({ event_id: id, meter: "data_read", first: `${a}:${i + 2}`, repeat: `${b}:${i + 2}` })));
    // 13 reads of 10 at 0.01: 1.3 credits.
    expect(json.accounts[0].cycles[0].total).toBe("1.3");
  });

  it("shows the first ten in the table, and a count of the rest", async () => {
    const r = await burnrate([...args, "--format", "table"]);
    expect(r.stdout).toContain("12 duplicate event(s) by event_id were counted once and not priced again.");
    const rows = r.stdout.split("\n").filter((l) => /^\s*ev-\d+\s+data_read/.test(l));
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatch(new RegExp(`ev-1 +data_read +${a}:2 +${b}:2`));
    expect(rows[9]).toMatch(new RegExp(`ev-10 +data_read +${a}:11 +${b}:11`));
    expect(r.stdout).toContain("and 2 more duplicate(s): --format json lists them all.");
  });

  it("names nothing when no event_id repeats", async () => {
    const r = await burnrate(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", a, "--format", "json"]);
    expect(JSON.parse(r.stdout).duplicate_events).toEqual({ listed: [], omitted: 0 });
  });
});

describe("each rejection group names its first row", () => {
  it("points at the first web fetch the credits could not cover", async () => {
    const dir = folder();
    // An allowance of 0.1 covers two web fetches at 0.05; the third (line 4) and fourth (line 5) are refused: build pool, no grace.
    const log = usage(dir, "fetches.csv", [1, 2, 3, 4].map((h) => `2026-11-02T0${h}:00:00Z,web_fetch,1,alpha,wf-${h}`));
    writeFileSync(join(dir, "account.yaml"), `card: ${CARD}\nplan: pro\nallowance: 0.1\nanchor: 2026-11-01\n`);
    const json = JSON.parse((await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", log, "--format", "json"])).stdout);
    expect(json.accounts[0].cycles[0].rejected).toEqual([
      { meter: "web_fetch", reason: "credits exhausted", events: 2, quantity: "2", first_at: "2026-11-02T03:00:00Z", first_line: `${log}:4` },
    ]);
    const table = (await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", log, "--format", "table"])).stdout;
    expect(table).toMatch(/web_fetch +credits exhausted +2 +2 +\S+ \S+ +fetches\.csv:4/);
  });
});
