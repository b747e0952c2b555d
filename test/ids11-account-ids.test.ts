import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { statementJson } from "../src/render/statement/json.js";
import { replayFiles, type Reader } from "../src/replay/replay-files.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// Two customers' logs numbering their events alike: an event_id is its account's own
// (as an idempotency key is an API account's), so beta's "1" is not a repeat of acme's.
// data_write is 0.05 credits a write (ratecards/fliplet.yaml); every row is one write.
const LOG = [
  "timestamp,meter,quantity,project,account,event_id",
  "2026-09-02T10:00:00Z,data_write,1,p1,acme,1",
  "2026-09-02T10:00:00Z,data_write,1,p1,beta,1",
  "2026-09-02T11:00:00Z,data_write,1,p1,beta,2",
  "2026-09-02T12:00:00Z,data_write,1,p1,acme,2",
  "2026-09-02T13:00:00Z,data_write,1,p1,acme,1",
  "2026-09-03T13:00:00Z,data_write,1,p1,beta,2",
  "2026-09-03T14:00:00Z,data_write,1,p1,gamma,2",
].join("\n");

function files(): { account: string; usage: string } {
  const dir = mkdtempSync(join(tmpdir(), "ids11-"));
  const account = join(dir, "account.yaml");
  writeFileSync(account, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-09-01\ntimezone: UTC\n`);
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, `${LOG}\n`);
  return { account, usage };
}

describe("an event_id repeats only within its account", () => {
  it.each<Reader>(["csv-parse", "plain", "scanner"])("through the %s reader: each account's own rows priced, its own repeats not", async (reader) => {
    const { account: accountFile, usage } = files();
    const account = loadAccount(accountFile);
    const card = loadCardFor(undefined, account);
    const settings = resolveAccount(card, account, {});
    const statement = JSON.parse(JSON.stringify(statementJson(await replayFiles(card, settings, { files: [usage], mappingFile: undefined, mapFlags: [] }, undefined, reader)))) as {
      events: { read: number; priced: number; duplicates: number };
      duplicate_events: { listed: { event_id: string; first: string; repeat: string }[] };
      accounts: { account: string; cycles: { total: string }[] }[];
    };
    expect(statement.events).toMatchObject({ read: 7, priced: 5, duplicates: 2 });
    // acme: its 1 and 2 (its second 1 repeats); beta: its 1 and 2 (its second 2 repeats); gamma: its 2.
    // The account file writes no account: of its own, and no row is "default"'s: it is not listed (newcomer60 M3).
    expect(statement.accounts.map((a) => [a.account, a.cycles[0]!.total])).toEqual([
      ["acme", "0.1"],
      ["beta", "0.1"],
      ["gamma", "0.05"],
    ]);
    expect(statement.duplicate_events.listed.map((d) => [d.event_id, d.first, d.repeat])).toEqual([
      ["1", `${usage}:2`, `${usage}:6`],
      ["2", `${usage}:4`, `${usage}:7`],
    ]);
  });

  it("reconcile calls a bill's extra charge of an account's own repeat duplicate_events, and the other accounts' lines agree", async () => {
    const { account, usage } = files();
    const bill = join(mkdtempSync(join(tmpdir(), "ids11-bill-")), "bill.csv");
    // acme's bill charged its repeated "1" again: 3 writes. beta and gamma are billed their own rows once.
    writeFileSync(bill, ["period_start,account,activity,project,quantity,amount", "2026-09-01,acme,data_write,p1,3,0.15", "2026-09-01,beta,data_write,p1,2,0.1", "2026-09-01,gamma,data_write,p1,1,0.05", ""].join("\n"));
    const out = await burnrate(["reconcile", "--account", account, "--usage", usage, "--bill", bill, "--format", "json"]);
    // The account is named where the bill names accounts (newcomer60 L1: "plan" alone, among 300 customers).
    expect(out.stderr).toBe("burnrate: 1 bill difference(s) need attention; first: 2026-09-01T00:00:00Z data_write (acme) duplicate_events, over tolerance\n");
    expect(out.code).toBe(1);
    const lines = (JSON.parse(out.stdout) as { lines: { account: string; status: string; class: string | null }[] }).lines;
    expect(lines.map((l) => [l.account, l.status, l.class])).toEqual([
      ["acme", "differs", "duplicate_events"],
      ["beta", "agrees", null],
      ["gamma", "agrees", null],
    ]);
  });
});
