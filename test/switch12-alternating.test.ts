import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { statementJson } from "../src/render/statement/json.js";
import { replayFiles, type Reader } from "../src/replay/replay-files.js";
import { ROOT } from "./helpers/cli.js";

// Rows of one shape alternating between accounts, as a log of many customers has them: the known
// path foresees the shape again for each account's row (its slot, rooms and items are the account's).
// data_write is 0.05 credits a write and data_read 0.01 a read (ratecards/fliplet.yaml); alice is on
// free (100 credits), bob on pro, carol on the top level's pro with a 0.12-credit allowance, so her
// fourth write is past it: pro's 10% grace of the run pool covers 0.012 more, and the rest is refused.
function inputs(): { account: string; usage: string } {
  const dir = mkdtempSync(join(tmpdir(), "switch12-"));
  const account = join(dir, "account.yaml");
  writeFileSync(account, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: carol\nplan: pro\nallowance: "0.12"\nanchor: 2026-09-01\ntimezone: UTC\naccounts:\n  alice: { plan: free }\n  bob: { plan: pro }\n`);
  const rows: string[] = [];
  for (let i = 0; i < 12; i++) {
    const who = ["alice", "bob", "carol"][i % 3]!;
    rows.push(`2026-09-02T${String(10 + i).padStart(2, "0")}:00:00Z,data_write,1,p1,${who}`);
  }
  rows.push("2026-09-03T10:00:00Z,data_read,5,p1,bob", "2026-09-03T11:00:00Z,data_read,5,p1,alice");
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, ["timestamp,meter,quantity,project,account", ...rows, ""].join("\n"));
  return { account, usage };
}

describe("rows of one shape alternating between accounts", () => {
  it.each<Reader>(["scanner", "plain", "csv-parse"])("through the %s reader: each account's own lines, allowance and refusals", async (reader) => {
    const { account: accountFile, usage } = inputs();
    const account = loadAccount(accountFile);
    const card = loadCardFor(undefined, account);
    const settings = resolveAccount(card, account, {});
    const statement = JSON.parse(JSON.stringify(statementJson(await replayFiles(card, settings, { files: [usage], mappingFile: undefined, mapFlags: [] }, undefined, reader)))) as {
      accounts: { account: string; plan: string; cycles: { total: string; lines: { meter: string; quantity: string; amount: string }[] }[] }[];
    };
    const byAccount = Object.fromEntries(statement.accounts.map((a) => [a.account, a]));
    // alice and bob: 4 writes (0.2) and 5 reads (0.05) each.
    for (const who of ["alice", "bob"]) {
      expect(byAccount[who]!.cycles[0]!.total).toBe("0.25");
      // In the statement's order of lines (by meter key).
      expect(byAccount[who]!.cycles[0]!.lines.map((l) => [l.meter, l.quantity, l.amount])).toEqual([
        ["data_read", "5", "0.05"],
        ["data_write", "4", "0.2"],
      ]);
    }
    expect(byAccount["alice"]!.plan).toBe("free");
    // carol: 0.12 of allowance and 0.012 of grace take two writes and part of a third at most; a write is
    // taken whole or refused, so two writes (0.1) are covered and the third (0.15 > 0.132) is refused, as is the fourth.
    expect(byAccount["carol"]!.cycles[0]!.total).toBe("0.1");
  });
});
