import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeVariant } from "./helpers/cards.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// The rows of the instant a card version takes effect are ordered by that version's items, the version applied
// before they are ordered, as their first row's price would apply it (red team, stop 38: they were ordered by the
// version before, so one web fetch placed before or after changed the bill). From 2026-11-15 `published` is keyed
// by project alone: web then ios of alpha at one instant are one item, web charged (2) and ios a republish.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");

async function published(rows: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "eng20i-"));
  const v2 = writeVariant(dir, "v2", FLIPLET, [['version: "2026-11"', 'version: "2026-11b"'], ['effective: "2026-11-01"', 'effective: "2026-11-15"'], ["    key: [project, channel]", "    key: [project]"]]).file;
  writeFileSync(join(dir, "account.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,channel,distribution\n${rows.join("\n")}\n`);
  const run = await burnrate(["statement", "--account", "account.yaml", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", v2, "--usage", "usage.csv", "--through", "2026-12-15", "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout).accounts[0].cycles.map((c: { lines: { meter: string; dimensions: { channel?: string }; amount: string }[] }) => c.lines.filter((l) => l.meter === "published").map((l) => [l.dimensions.channel, l.amount]));
}

describe("the instant a card version takes effect", () => {
  const pair = (at: string) => [`${at},published,1,alpha,web,public`, `${at},published,1,alpha,ios,public`];
  // November: web charged 2 (ios its republish); December: the item as last published, ios, 3.
  const expected = [[["web", "2"]], [["ios", "3"]]];

  it("orders its rows by the version taking effect", async () => {
    expect(await published(pair("2026-11-15T00:00:00Z"))).toEqual(expected);
  });

  it("orders a later first instant by it too, whatever row comes after", async () => {
    expect(await published([...pair("2026-11-15T00:00:01Z"), "2026-11-15T00:00:02Z,web_fetch,1,alpha,,"])).toEqual(expected);
    expect(await published(["2026-11-15T00:00:00Z,web_fetch,1,alpha,,", ...pair("2026-11-15T00:00:01Z")])).toEqual(expected);
  });
});

describe("before the first switch of grandfathered versions", () => {
  it("orders an instant by the earliest version, which no switch names", async () => {
    // Both versions wait for the next cycle (December 1), where the later replaces the earlier: November is the
    // earliest's, whose key [project, channel] makes web and ios two items. Under one event_id, the canonical order
    // keeps ios (3) and counts web its repeat, in either log order (red team, stop 38: by the later version's key,
    // one item, the log's first row was kept).
    const dir = mkdtempSync(join(tmpdir(), "eng20j-"));
    const v0 = writeVariant(dir, "v0", FLIPLET, [['effective: "2026-11-01"', 'effective: "2026-11-05"\napplies: next_cycle']]).file;
    const v2 = writeVariant(dir, "v2", FLIPLET, [['version: "2026-11"', 'version: "2026-11b"'], ['effective: "2026-11-01"', 'effective: "2026-11-20"\napplies: next_cycle'], ["    key: [project, channel]", "    key: [project]"]]).file;
    writeFileSync(join(dir, "account.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
    const run = async (rows: string[]) => {
      writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,event_id,project,channel,distribution\n${rows.join("\n")}\n`);
      const r = await burnrate(["statement", "--account", "account.yaml", "--card", v0, "--card", v2, "--usage", "usage.csv", "--through", "2026-11-30", "--format", "json"], { cwd: dir });
      expect(r.stderr).toBe("");
      return JSON.parse(r.stdout).accounts[0].cycles[0].lines.map((l: { meter: string; dimensions: { channel?: string }; amount: string }) => [l.meter, l.dimensions.channel, l.amount]);
    };
    const web = "2026-11-10T00:00:00Z,published,1,x1,alpha,web,public", ios = "2026-11-10T00:00:00Z,published,1,x1,alpha,ios,public";
    expect(await run([web, ios])).toEqual([["published", "ios", "3"]]);
    expect(await run([ios, web])).toEqual([["published", "ios", "3"]]);
  });
});
