import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import type { DuplicateEvent, RepeatsByFiles } from "../src/engine/event-ids.js";
import type { Statement } from "../src/engine/types.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { mergedStatements } from "../src/replay/merged-statements.js";
import { replayFiles } from "../src/replay/replay-files.js";
import { ROOT } from "./helpers/cli.js";

// Issue 16, many accounts (stop 56): a log whose event ids repeat was replayed whole (newcomer55: a reseller's 40,000
// customers, 600 rows exported twice, 550 MB). An id is its account's own, so each part finds its accounts' repeats;
// the statement lists them in the order one replay meets them: by instant, and at one instant by account.

const at = (file: string, line: number) => ({ file, line, column: 1 });
const repeat = (account: string, instant: number, line: number): DuplicateEvent => ({ eventId: `e${line}`, meter: "data_read", first: at("u.csv", 1), repeat: at("u.csv", line), at: instant, account });

function part(listed: DuplicateEvent[], omitted: number, byFiles: RepeatsByFiles[]): Statement {
  const statement = { provider: "p", version: "1", unit: "credits", currency: "USD", timezone: "UTC", accounts: [], events: { read: 0, priced: 0, duplicates: listed.length + omitted, rejected: 0 } };
  return { ...statement, duplicateEvents: { listed, omitted, byFiles } } as unknown as Statement;
}

describe("repeats of a log replayed in parts of its accounts, merged", () => {
  it("are listed by instant, then by account at one instant, each part's in its order; the pairs of files summed, in the order of their first repeats", () => {
    const pair = (repeatFile: string, duplicates: number, since: { at: number; account: string }): RepeatsByFiles => ({ repeat: repeatFile, first: "u.csv", duplicates, since });
    const b = part([repeat("b", 1, 10), repeat("b", 3, 30)], 0, [pair("v.csv", 1, { at: 1, account: "b" }), pair("w.csv", 1, { at: 3, account: "b" })]);
    const a = part([repeat("a", 1, 11), repeat("a", 2, 20)], 0, [pair("w.csv", 2, { at: 1, account: "a" })]);
    const merged = mergedStatements([b, a]).duplicateEvents!;
    expect(merged.listed.map((e) => `${e.at} ${e.account} ${e.repeat.line}`)).toEqual(["1 a 11", "1 b 10", "2 a 20", "3 b 30"]);
    expect(merged.omitted).toBe(0);
    // w.csv's first repeat is a's at 1, before b's; v.csv's is b's at 1: a before b at one instant.
    expect(merged.byFiles!.map((p) => [p.repeat, p.duplicates])).toEqual([["w.csv", 3], ["v.csv", 1]]);
  });

  it("list the first 10,000 of all the parts' and count the rest: 6,000 + 6,000 listed and 5 + 5 counted give 10,000 and 2,010", () => {
    const even = Array.from({ length: 6000 }, (_, i) => repeat("a", 2 * i, i + 2));
    const odd = Array.from({ length: 6000 }, (_, i) => repeat("b", 2 * i + 1, i + 2));
    const merged = mergedStatements([part(even, 5, []), part(odd, 5, [])]).duplicateEvents!;
    expect(merged.listed.length).toBe(10_000);
    // The first 10,000 instants, 0 to 9,999: a's and b's in turn.
    expect(merged.listed.map((e) => e.at)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(merged.omitted).toBe(2_010);
  });

  it("through the replay: two accounts each repeating an id at one instant, split into two parts, listed as one replay lists them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parts56-"));
    const usage = join(dir, "usage.csv");
    writeFileSync(
      usage,
      [
        "timestamp,meter,quantity,project,account,event_id",
        "2026-09-03T10:00:00Z,data_read,10,p,b,x1",
        "2026-09-03T10:00:00Z,data_read,10,p,a,x1",
        "2026-09-04T10:00:00Z,data_read,10,p,b,x1",
        "2026-09-04T10:00:00Z,data_read,10,p,a,x1",
        "2026-09-05T10:00:00Z,data_read,10,p,a,x1",
        "",
      ].join("\n"),
    );
    const account = join(dir, "account.yaml");
    writeFileSync(account, `card: ${JSON.stringify(join(ROOT, "ratecards/fliplet.yaml"))}\naccount: a\nplan: pro\nanchor: 2026-09-01\ntimezone: UTC\n`);
    const file = loadAccount(account);
    const rates = loadCardFor(undefined, file);
    const parts: string[] = [];
    const progress = { begin() {}, rows: () => undefined, restart() {}, sorted() {}, part: (index: number, count: number) => parts.push(`${index + 1}/${count}`) };
    const statement = await replayFiles(rates, resolveAccount(rates, file, {}), { files: [usage], mappingFile: undefined, mapFlags: [], progress, accountsAtOnce: 1 });
    expect(parts).toEqual(["1/2", "2/2"]);
    // Each account's x1 is its own: a's first at line 3, b's at line 2. September 4: a's repeat (line 5) before b's (line 4).
    expect(statement.duplicateEvents!.listed.map((e) => `${e.account} ${e.first.line} ${e.repeat.line}`)).toEqual(["a 3 5", "b 2 4", "a 3 6"]);
    expect(statement.events).toMatchObject({ read: 5, priced: 2, duplicates: 3 });
    // The account's 10 reads priced once each: 0.01 a read.
    expect(statement.accounts.map((x) => [x.account, x.cycles[0]!.total.toString()])).toEqual([["a", "0.1"], ["b", "0.1"]]);
  });
});
