import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeVariant } from "./helpers/cards.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// Rows of one item at one instant keep the log's order (fix20i), among the places the canonical order gives them, so
// that rows of different items keep the canonical order between them and the bench's statements stay as they were
// (stop 38). An item is one across card versions: a later version that renames the charging meter or narrows the key
// keeps its rows one item (red team, stop 38: a delete sorted before the re-open it followed). Fliplet: a project kept
// is 0.5 a month; publishing web 2, ios 3.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");

async function totals(cards: string[], rows: string[], header: string) {
  const dir = mkdtempSync(join(tmpdir(), "eng20g-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
  writeFileSync(join(dir, "usage.csv"), `${header}\n${rows.join("\n")}\n`);
  const run = await burnrate(["statement", "--account", "account.yaml", ...cards.flatMap((c) => ["--card", c]), "--usage", "usage.csv", "--through", "2027-01-15", "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout).accounts[0].cycles.map((c: { total: string }) => c.total);
}

describe("one item's rows at one instant, across card versions", () => {
  const dir = mkdtempSync(join(tmpdir(), "eng20g-cards-"));
  const december: [string, string][] = [['version: "2026-11"', 'version: "2026-12"'], ['effective: "2026-11-01"', 'effective: "2026-12-01"']];

  it("stay one item where a later version renames the charging meter", async () => {
    const v2 = writeVariant(dir, "renamed", FLIPLET, [...december, ["  project_created:", "  project_opened:"]]).file;
    // December 10: alpha opened again, then deleted, in that order: nothing kept into January.
    const rows = ["2026-12-05T10:00:00Z,project_opened,1,alpha", "2026-12-10T10:00:00Z,project_opened,1,alpha", "2026-12-10T10:00:00Z,project_deleted,1,alpha"];
    expect(await totals([join(ROOT, "ratecards/fliplet.yaml"), v2], rows, "timestamp,meter,quantity,project")).toEqual(["0", "0.5", "0"]);
  });

  it("stay one item where a later version narrows the key", async () => {
    const v2 = writeVariant(dir, "narrowed", FLIPLET, [...december, ["    key: [project, channel]", "    key: [project]"]]).file;
    // December 10: web unpublished, then ios published: January bills ios's 3.
    const rows = ["2026-12-05T10:00:00Z,published,1,alpha,web,public", "2026-12-10T10:00:00Z,unpublished,1,alpha,web,public", "2026-12-10T10:00:00Z,published,1,alpha,ios,public"];
    expect(await totals([join(ROOT, "ratecards/fliplet.yaml"), v2], rows, "timestamp,meter,quantity,project,channel,distribution")).toEqual(["0", "2", "3"]);
  });
});

describe("rows of different items at one instant, under the version in force", () => {
  it("keep the canonical order where a later version narrows the key", async () => {
    // From 2027, published is keyed by project alone; in November web and ios are two items of v1's key. Free's 100
    // credits: 1,940 web fetches at 0.05 are 97, so of web (2) and ios (3) published at one instant, the canonical
    // order (channel "ios" before "web") charges ios, 97 + 3 = 100, and refuses web, in either log order.
    const dir = mkdtempSync(join(tmpdir(), "eng20h-"));
    const v2 = writeVariant(dir, "narrowed2027", FLIPLET, [['version: "2026-11"', 'version: "2027-01"'], ['effective: "2026-11-01"', 'effective: "2027-01-01"'], ["    key: [project, channel]", "    key: [project]"]]).file;
    const head = "timestamp,meter,quantity,project,channel,distribution";
    const fetches = "2026-11-02T10:00:00Z,web_fetch,1940,alpha,,";
    const web = "2026-11-03T10:00:00Z,published,1,alpha,web,public", ios = "2026-11-03T10:00:00Z,published,1,alpha,ios,public";
    const free = async (rows: string[]) => {
      writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: free\nanchor: 2026-11-01\ntimezone: UTC\n`);
      writeFileSync(join(dir, "usage.csv"), `${head}\n${rows.join("\n")}\n`);
      const run = await burnrate(["statement", "--account", "account.yaml", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--card", v2, "--usage", "usage.csv", "--through", "2026-12-15", "--format", "json"], { cwd: dir });
      expect(run.stderr).toBe("");
      return JSON.parse(run.stdout).accounts[0].cycles.map((c: { total: string }) => c.total);
    };
    // December: ios kept, 3.
    expect(await free([fetches, web, ios])).toEqual(["100", "3"]);
    expect(await free([fetches, ios, web])).toEqual(["100", "3"]);
  });
});

describe("rows of different items at one instant", () => {
  it("keep the canonical order between them, whatever the log's order", async () => {
    // Two projects created at one instant are two items: the statement is the same in either log order.
    const header = "timestamp,meter,quantity,project";
    const a = ["2026-11-02T10:00:00Z,project_created,1,alpha", "2026-11-02T10:00:00Z,project_created,1,beta"];
    expect(await totals([join(ROOT, "ratecards/fliplet.yaml")], a, header)).toEqual(await totals([join(ROOT, "ratecards/fliplet.yaml")], [a[1]!, a[0]!], header));
  });
});
