import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import type { Statement } from "../src/engine/types.js";
import { statementJson } from "../src/render/statement/json.js";
import { replayFiles } from "../src/replay/replay-files.js";
import { card } from "./helpers/engine.js";

// reconcile's replay that rounds each event reprices only the accounts whose lines differ by a rate (replay-files.ts,
// `accounts`; usage/account-rows.ts). It stands on an account's statement being what its rows alone give: held here on
// random logs of several accounts, rows in time order, late by hours, or out of order past the lateness (sorted on
// disk), read by the row scanner or, with a cell quoted around a comma, by the plain reader.

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const C = card();
const settings = resolveAccount(C, undefined, { plan: "paid", anchor: "2026-01-01", through: "2026-03-20T00:00:00Z" });
const dir = mkdtempSync(join(tmpdir(), "burnrate-account-rows-"));
const NAMES = ["acct", "a1", "a2", "a3"];
const START = Date.UTC(2026, 0, 1);

const rawRow = fc.record({
  minutes: fc.integer({ min: 0, max: 70 * 24 * 60 }),
  meter: fc.constantFrom("call", "read", "view", "visitor"),
  quantity: fc.integer({ min: 0, max: 40 }),
  project: fc.constantFrom("p", "q"),
  user: fc.constantFrom("u1", "u2"),
  account: fc.constantFrom(...NAMES),
  id: fc.integer({ min: 0, max: 20 }),
});

const accountText = (statement: Statement, account: string) =>
  JSON.stringify((statementJson(statement) as { accounts: { toJSON(): { account: string } }[] }).accounts.map((a) => a.toJSON()).find((a) => a.account === account));

let round = 0;

describe("the usage of some accounts only (stop 45)", () => {
  it("gives each of those accounts the statement the whole log gives it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rawRow, { minLength: 1, maxLength: 80 }),
        fc.subarray(NAMES, { minLength: 1 }),
        fc.constantFrom("in order", "late", "shuffled"),
        fc.boolean(),
        async (raw, kept, order, quoted) => {
          const rows = [...raw].sort((a, b) => a.minutes - b.minutes);
          // Late: every fifth row a few hours later in the file; shuffled: rows days out of place (past the lateness).
          const shift = (i: number) => (order === "late" && i % 5 === 0 ? 180 : order === "shuffled" ? ((i * 7919) % 13) * 60 * 24 * 3 : 0);
          const placed = rows.map((r, i) => ({ r, key: r.minutes + shift(i), i })).sort((a, b) => a.key - b.key || a.i - b.i).map((p) => p.r);
          const lines = placed.map((r, i) => {
            const project = quoted && i === 0 ? `"${r.project},x"` : r.project;
            return `${new Date(START + r.minutes * 60_000).toISOString()},${r.meter},${r.quantity},${r.account},${project},${r.user},e${r.id}`;
          });
          const file = join(dir, `usage-${round++}.csv`);
          writeFileSync(file, `timestamp,meter,quantity,account,project,user,event_id\n${lines.map((l) => `${l}\n`).join("")}`);
          const input = { files: [file], mappingFile: undefined, mapFlags: [] };
          const whole = await replayFiles(C, settings, input);
          const some = await replayFiles(C, settings, { ...input, accounts: new Set(kept) });
          for (const account of kept) expect(accountText(some, account)).toBe(accountText(whole, account));
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);
});
