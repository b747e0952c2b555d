import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer58b M1: a meter renamed in the card and the corpus in one change was priced as a new meter by the base card,
// at 0: "354.00 → 594.00, +67.80%" where the customer pays 594 under both. Fliplet Pro: data_read 0.01 a read.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const renamed = (text: string) => text.replace(/^ {2}data_read:$/m, "  record_read:");
const ACCOUNT = "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n";
const reads = (meter: string) => `timestamp,meter,quantity,project\n2026-11-03T10:00:00Z,${meter},1000,alpha\n2026-11-04T10:00:00Z,data_write,10,alpha\n`;

async function diff(card: string, usage: string, ...more: string[]) {
  const d = mkdtempSync(join(tmpdir(), "newcomer58-rename-"));
  for (const [name, text] of Object.entries({ "new.yaml": card, "acct.yaml": ACCOUNT, "u.csv": usage })) writeFileSync(join(d, name), text);
  const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "new.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), ...(more.includes("--format") ? [] : ["--format", "json"]), ...more]);
  return { ...r, dir: d };
}

describe("a meter the change renames, written alike", () => {
  it("costs alike under both cards where the corpus is renamed too: 1,000 reads x 0.01 = 10 credits, said in a note", async () => {
    expect(renamed(FLIPLET)).not.toBe(FLIPLET);
    const r = await diff(renamed(FLIPLET), reads("record_read"));
    expect(r.code, r.stderr).toBe(0);
    const meter = JSON.parse(r.stdout).meters.find((m: { meter: string }) => m.meter === "record_read");
    expect([meter.old, meter.new]).toEqual(["10", "10"]);
    expect(r.stderr).toBe(`burnrate: note: meter "record_read" of the new card is "data_read" of the base card renamed, written alike (${join(r.dir, "new.yaml")}): the base card prices its rows as "data_read"'s, so the rename alone costs nothing\n`);
  });

  // red58b F10: the rename was said on stderr alone; a CI artifact showed a meter removed and one added, at equal amounts.
  it("says so in the report's card changes: JSON, table and markdown", async () => {
    const r = await diff(renamed(FLIPLET), reads("record_read"));
    const changes = JSON.parse(r.stdout).card_changes as { change: string; what: string; path: string; renamed_from?: string; renamed_to?: string }[];
    expect(changes.filter((c) => c.what === "meter")).toEqual([
      expect.objectContaining({ change: "removed", path: "meters.data_read", renamed_to: "record_read" }),
      expect.objectContaining({ change: "added", path: "meters.record_read", renamed_from: "data_read" }),
    ]);
    const table = (await diff(renamed(FLIPLET), reads("record_read"), "--format", "table")).stdout;
    expect(table).toMatch(/meter removed \(renamed to record_read\) +meters\.data_read /);
    expect(table).toMatch(/meter added \(renamed from data_read\) +meters\.record_read /);
    const markdown = (await diff(renamed(FLIPLET), reads("record_read"), "--format", "markdown")).stdout;
    expect(markdown).toContain("| meter added (renamed from data_read) | meters.record_read |");
  });

  it("renamed with a new price is no rename: the base card charges it nothing, as a meter the change adds", async () => {
    const card = renamed(FLIPLET).replace(/(^ {2}record_read:\n(?: {4}.*\n)*? {4}price: )"0\.01"/m, '$1"0.02"');
    expect(card).not.toBe(renamed(FLIPLET));
    const r = await diff(card, reads("record_read"));
    const meter = JSON.parse(r.stdout).meters.find((m: { meter: string }) => m.meter === "record_read");
    // 1,000 reads x 0.02 = 20 under the new card, none priced by the base card.
    expect([meter.old, meter.new]).toEqual(["0", "20"]);
    expect(r.stderr).not.toContain("renamed");
    expect(r.stdout).not.toContain("renamed_");
  });

  it("where only the card is renamed, the old name's rows are refused with the rename named", async () => {
    const r = await diff(renamed(FLIPLET), reads("data_read"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('u.csv:2:2: unknown meter "data_read" in the new card');
    expect(r.stderr).toContain('the new card renames it "record_read", written alike: rename it in the usage too');
  });
});

// newcomer58b L7: a corpus emptied to its header in a pull request diffed as exit 0, with nothing said.
describe("diff on a corpus of no row", () => {
  it("says that no usage row was read, and compares the fees alone: Pro's 9 USD under both", async () => {
    const r = await diff(FLIPLET, "timestamp,meter,quantity,project\n");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: note: no usage row was read from ${join(r.dir, "u.csv")} (a header alone, or only rows skipped): the cards are compared on the plans' fees and the grants alone, and no gate on usage measures the change\n`);
    const money = JSON.parse(r.stdout).money.changes as { item: string; old: string; new: string }[];
    expect(money.filter((c) => c.item === "total").map((c) => [c.old, c.new])).toEqual([["9", "9"]]);
  });
});

// red58b F1: a meter a plan's quota names is no mere rename: the base card's quota of the old name would not reach the
// new key's rows, and a rename that also dropped it from the quota hid the rise.
describe("a meter renamed that another setting names", () => {
  it("is a meter removed and one added, priced at 0 by the base card, with no note of a rename", async () => {
    const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
    expect(floopy).toMatch(/^ {2}playground:$/m);
    // Renamed, and left out of the plans' request quotas, which named it.
    const card = floopy.replace(/^ {2}playground:$/m, "  sandbox:").replaceAll("meters: [request, playground]", "meters: [request]");
    expect(card).not.toContain("[request, playground]");
    const d = mkdtempSync(join(tmpdir(), "newcomer58-rename-"));
    writeFileSync(join(d, "new.yaml"), card);
    writeFileSync(join(d, "acct.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
    writeFileSync(join(d, "u.csv"), "timestamp,meter,quantity,model,provider,input_tokens,output_tokens\n2026-11-03T10:00:00Z,sandbox,1,gpt-4o,openai,1000,100\n");
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/floopy.yaml"), "--card", join(d, "new.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--format", "json"]);
    expect(r.stderr).not.toContain("renamed");
    expect(JSON.parse(r.stdout).meters.find((m: { meter: string }) => m.meter === "sandbox").old).toBe("0");
  });
});
