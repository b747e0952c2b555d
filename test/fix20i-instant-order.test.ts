import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Fliplet Pro (ratecards/fliplet.yaml), cycles from Nov 1: a web publish 2 credits a cycle, +2 for private
// distribution; a project kept 0.5 a cycle; storage 4 per GB at each cycle start, a decrease during the cycle
// refunded against it (red team, stop 38: an item's end and its new start at one instant were replayed start-first,
// whatever the log said).
const ACCOUNT = `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`;
const PUBLISH = "timestamp,meter,quantity,project,channel,distribution";
const PROJECT = "timestamp,meter,quantity,project";

interface Cycle {
  start: string;
  total: string;
  lines: { meter: string; dimensions: Record<string, string>; amount: string }[];
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-fix20i-"));
  writeFileSync(join(dir, "account.yaml"), ACCOUNT);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The statement through Dec 15 of the files, given in this order, as `--usage` flags. */
async function cycles(files: Record<string, string>, order = Object.keys(files)): Promise<Cycle[]> {
  const dir = folder(files);
  const usage = order.flatMap((name) => ["--usage", join(dir, name)]);
  const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), ...usage, "--through", "2026-12-15", "--format", "json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).accounts[0].cycles as Cycle[];
}

const totals = (c: Cycle[]) => c.map((cycle) => cycle.total);
const csv = (header: string, rows: string[]) => `${header}\n${rows.join("\n")}\n`;
const jsonl = (header: string, rows: string[]) => {
  const names = header.split(",");
  return rows.map((row) => JSON.stringify(Object.fromEntries(row.split(",").map((v, i) => [names[i], i === 2 ? Number(v) : v])))).join("\n") + "\n";
};

const SWITCH = ["2026-11-02T10:00:00Z,published,1,alpha,web,public", "2026-11-20T10:00:00Z,unpublished,1,alpha,web,public", "2026-11-20T10:00:00Z,published,1,alpha,web,private"];

describe("rows of one item at one instant keep the log's order (red team, stop 38)", () => {
  it("an unpublish and a publish as private in one second: the channel stays published, as private", async () => {
    // November: web public 2 (the republish in the same cycle is free). December: web 2 + private 2 = 4.
    const c = await cycles({ "u.csv": csv(PUBLISH, SWITCH) });
    expect(totals(c)).toEqual(["2", "4"]);
    expect(c[1]!.lines.map((l) => [l.meter, l.dimensions.distribution, l.amount])).toEqual([["published", "private", "4"]]);
  });

  it("the same rows as JSON Lines (another reader, the events' path) give the same", async () => {
    expect(totals(await cycles({ "u.jsonl": jsonl(PUBLISH, SWITCH) }))).toEqual(["2", "4"]);
  });

  it("the other order in the log is the other meaning: published then unpublished leaves nothing for December", async () => {
    // Nov 20: publish (already published: nothing new), then unpublish: the channel is down from Nov 20. December 0.
    const rows = [SWITCH[0]!, SWITCH[2]!, SWITCH[1]!];
    expect(totals(await cycles({ "u.csv": csv(PUBLISH, rows) }))).toEqual(["2", "0"]);
  });

  it("split across files, the files in the order given come first, then lines", async () => {
    // a.csv holds the unpublish, b.csv the publish as private, both at Nov 20 10:00: given a then b, December 4;
    // given b then a, the publish comes first (nothing new) and the unpublish ends it: December 0.
    const files = { "a.csv": csv(PUBLISH, [SWITCH[0]!, SWITCH[1]!]), "b.csv": csv(PUBLISH, [SWITCH[2]!]) };
    expect(totals(await cycles(files, ["a.csv", "b.csv"]))).toEqual(["2", "4"]);
    expect(totals(await cycles(files, ["b.csv", "a.csv"]))).toEqual(["2", "0"]);
  });

  it("a project deleted and created again in one second is kept", async () => {
    // November 0.5, December 0.5: the project exists from Nov 20 on.
    const rows = ["2026-11-02T10:00:00Z,project_created,1,alpha", "2026-11-20T10:00:00Z,project_deleted,1,alpha", "2026-11-20T10:00:00Z,project_created,1,alpha"];
    expect(totals(await cycles({ "u.csv": csv(PROJECT, rows) }))).toEqual(["0.5", "0.5"]);
  });

  it("a toggle in one second followed by a later end is a valid log, not an item that is not active", async () => {
    // Nov 2 created (0.5), Nov 5 deleted and created again, Nov 9 deleted: nothing kept into December.
    const rows = ["2026-11-02T10:00:00Z,project_created,1,alpha", "2026-11-05T10:00:00Z,project_deleted,1,alpha", "2026-11-05T10:00:00Z,project_created,1,alpha", "2026-11-09T10:00:00Z,project_deleted,1,alpha"];
    expect(totals(await cycles({ "u.csv": csv(PROJECT, rows) }))).toEqual(["0.5", "0"]);
  });

  it("storage deleted then added in one second: the 2 GB charged at the cycle start are refunded", async () => {
    // 2 GB from Nov 2, charged at Dec 1: 2 x 4 = 8. Dec 5: those 2 GB deleted, refunded 8; 2 new GB added, charged
    // at January's start. December 8 - 8 = 0.
    const rows = ["2026-11-02T10:00:00Z,storage_added,2,alpha", "2026-12-05T10:00:00Z,storage_deleted,2,alpha", "2026-12-05T10:00:00Z,storage_added,2,alpha"];
    expect(totals(await cycles({ "u.csv": csv(PROJECT, rows) }))).toEqual(["0", "0"]);
  });

  it("other rows of the instant still give the same statement in any order", async () => {
    // Beside the toggle, beta is published to iOS (3) and created (0.5) at the same instant, in two orders of the
    // log: November 2 + 3 + 0.5 = 5.5, December 4 + 3 + 0.5 = 7.5 either way.
    const others = ["2026-11-20T10:00:00Z,published,1,beta,ios,public", "2026-11-20T10:00:00Z,project_created,1,beta,,"];
    const before = await cycles({ "u.csv": csv(PUBLISH, [SWITCH[0]!, others[0]!, SWITCH[1]!, others[1]!, SWITCH[2]!]) });
    const after = await cycles({ "u.csv": csv(PUBLISH, [SWITCH[0]!, others[1]!, SWITCH[1]!, SWITCH[2]!, others[0]!]) });
    expect(totals(before)).toEqual(["5.5", "7.5"]);
    expect(after).toEqual(before);
  });
});

describe("an item that is not active is named by its values (red team, stop 38)", () => {
  it("names the project and the channel, not an internal key", async () => {
    const dir = folder({ "u.csv": csv(PUBLISH, ["2026-11-05T10:00:00Z,unpublished,1,alpha,web,public"]) });
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "u.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`u.csv:2:4: "unpublished" for an item that is not active (expected an earlier "published" for project "alpha", channel "web", found none)`);
  });
});
