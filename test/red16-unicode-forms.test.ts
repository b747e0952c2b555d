import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// One value in two Unicode forms (composed "é", and "e" with a combining accent, as macOS and some keyboards write
// it) prints alike and is one value: read apart, one end user was charged twice as two unique users and one project
// made two lines that look the same (red team, stop 34). Fliplet: 0.25 a unique end user, 0.01 a read.
const CAFE = "caf\u00e9";
const CAFE_NFD = "cafe\u0301";
const ZOE = "zo\u00eb";
const ZOE_NFD = "zoe\u0308";

const ROWS = [
  ["2026-11-02T10:00:00Z", "end_user_open", CAFE, ZOE],
  ["2026-11-03T10:00:00Z", "end_user_open", CAFE_NFD, ZOE_NFD],
  ["2026-11-03T11:00:00Z", "data_read", CAFE, ""],
  ["2026-11-03T12:00:00Z", "data_read", CAFE_NFD, ""],
];

async function statement(name: string, text: string) {
  const dir = mkdtempSync(join(tmpdir(), "red16-"));
  writeFileSync(join(dir, name), text);
  const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--usage", join(dir, name), "--plan", "pro", "--anchor", "2026-11-01", "--format", "json"]);
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout).accounts[0].cycles[0] as { total: string; lines: { meter: string; dimensions: { project: string }; quantity: string; amount: string }[] };
}

describe("a value written in two Unicode forms is one value", () => {
  const expected = [
    ["end_user_open", CAFE, "1", "0.25"],
    ["data_read", CAFE, "2", "0.02"],
  ];

  it("in a CSV log (the row scanner): one unique user, one line a meter, 0.27", async () => {
    const cycle = await statement("usage.csv", `timestamp,meter,project,user\n${ROWS.map((r) => r.join(",")).join("\n")}\n`);
    expect(cycle.lines.map((l) => [l.meter, l.dimensions.project, l.quantity, l.amount])).toEqual(expected);
    expect(cycle.total).toBe("0.27");
  });

  it("in JSON Lines (the plain reader): the same", async () => {
    const lines = ROWS.map(([timestamp, meter, project, user]) => JSON.stringify({ timestamp, meter, project, ...(user ? { user } : {}) }));
    const cycle = await statement("usage.jsonl", `${lines.join("\n")}\n`);
    expect(cycle.lines.map((l) => [l.meter, l.dimensions.project, l.quantity, l.amount])).toEqual(expected);
    expect(cycle.total).toBe("0.27");
  });
});
