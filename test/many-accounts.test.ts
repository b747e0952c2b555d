import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Statement, UsageEvent } from "../src/engine/types.js";
import { statementJson } from "../src/render/statement/json.js";
import { burnrate, burnrateJson } from "./helpers/cli.js";
import { card, events, replay, replayRows, TEST_CARD, type EventSpec } from "./helpers/engine.js";

// Issue 16, many accounts: each account's statement depends on its own rows alone where the
// card has no rule across accounts (the test card has no rewards). So the statement of a log of
// many accounts, account by account, is the statement of each account's rows replayed alone.
const C = card();
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const names = ["acct", "a1", "a2", "a3", "a4", "a5", "a6"];

const rawRow = fc.record({
  day: fc.integer({ min: 0, max: 80 }),
  hour: fc.integer({ min: 0, max: 1 }),
  meter: fc.constantFrom("call", "read", "view", "visitor"),
  quantity: fc.integer({ min: 0, max: 40 }),
  project: fc.constantFrom("p", "q"),
  user: fc.constantFrom("u1", "u2", "u3"),
  account: fc.constantFrom(...names),
});

const log = fc.array(rawRow, { maxLength: 60 }).map((rows): EventSpec[] =>
  [...rows]
    .sort((a, b) => a.day - b.day || a.hour - b.hour)
    .map((r) => [new Date(START + r.day * DAY + r.hour * 3_600_000).toISOString(), r.meter, String(r.quantity), { project: r.project, user: r.user }, { account: r.account }]),
);

const options = (plan: string) => ({ plan, through: "2026-03-20T00:00:00Z" });
const accountJson = (statement: Statement, account: string) => {
  const found = (statementJson(statement) as { accounts: { toJSON(): { account: string } }[] }).accounts.map((a) => a.toJSON()).find((a) => a.account === account);
  return JSON.stringify(found);
};

describe("a log of many accounts", () => {
  it("bills each account as its own rows alone would be billed, on the rows path and the events path", () => {
    fc.assert(
      fc.property(log, fc.constantFrom("small", "paid"), fc.integer({ min: 1, max: 8 }), (specs, plan, batch) => {
        const all = events(specs);
        const together = replayRows(C, all, options(plan), [batch]);
        expect(together.accounts.map((a) => a.account)).toEqual([...new Set(["acct", ...all.map((e) => e.account)])].sort());
        for (const account of new Set(all.map((e) => e.account))) {
          // The account's rows keep their lines in the file, as the rejections' first_line shows.
          const own: UsageEvent[] = all.filter((e) => e.account === account);
          const alone = accountJson(replayRows(C, own, options(plan), [batch]), account);
          expect(accountJson(together, account)).toBe(alone);
          expect(accountJson(replay(C, all, options(plan)), account)).toBe(alone);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("statement with two thousand accounts (CLI)", () => {
  it("bills named accounts on their own terms and the others on the top level's, each account once, in name order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-many-accounts-"));
    const cardFile = join(dir, "card.yaml");
    writeFileSync(cardFile, TEST_CARD);
    const accountFile = join(dir, "account.yaml");
    writeFileSync(accountFile, `card: card.yaml\nplan: small\nanchor: 2026-01-01\ntimezone: UTC\naccounts:\n  a0007: { plan: paid }\n`);
    const count = 2_000;
    const rows = ["timestamp,account,meter,quantity,project"];
    // Two rows an account in January, interleaved across accounts: a call of 1 to 5 (price 1) and a read of 2 (price 0.5).
    for (let n = 0; n < count; n++) rows.push(`2026-01-02T00:${String(Math.floor(n / 60) % 60).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}Z,a${String(n).padStart(4, "0")},call,${1 + (n % 5)},p`);
    for (let n = count - 1; n >= 0; n--) rows.push(`2026-01-03T00:00:00Z,a${String(n).padStart(4, "0")},read,2,q`);
    const usage = join(dir, "usage.csv");
    writeFileSync(usage, `${rows.join("\n")}\n`);
    const out = (await burnrateJson(["statement", "--account", accountFile, "--usage", usage, "--format", "json"])) as {
      events: { read: number; priced: number; rejected: number };
      accounts: { account: string; plan: string; cycles: { allowance: string; total: string; lines: { meter: string; amount: string }[]; grants: { kind: string; closing: string }[] }[] }[];
    };
    expect(out.events).toMatchObject({ read: 2 * count, priced: 2 * count, rejected: 0 });
    // The file writes no account: of its own, and no row is "default"'s: it is not listed (newcomer60 M3).
    expect(out.accounts.length).toBe(count);
    const billed = out.accounts;
    expect(billed.map((a) => a.account)).toEqual(Array.from({ length: count }, (_, n) => `a${String(n).padStart(4, "0")}`));
    billed.forEach((a, n) => {
      const [cycle] = a.cycles;
      const total = 1 + (n % 5) + 1;
      const allowance = n === 7 ? 100 : 10;
      expect(a.plan).toBe(n === 7 ? "paid" : "small");
      expect(a.cycles.length).toBe(1);
      expect(cycle!.allowance).toBe(String(allowance));
      expect(cycle!.total).toBe(String(total));
      expect(cycle!.lines.map((l) => [l.meter, l.amount])).toEqual([["call", String(1 + (n % 5))], ["read", "1"]]);
      expect(cycle!.grants.find((g) => g.kind === "included")!.closing).toBe(String(allowance - total));
    });
  });

  it("writes each account's last cycle the same however often a report reads it: CSV reads the accounts twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-many-accounts-"));
    writeFileSync(join(dir, "card.yaml"), TEST_CARD);
    const accountFile = join(dir, "account.yaml");
    writeFileSync(accountFile, `card: card.yaml\nplan: small\nanchor: 2026-01-01\ntimezone: UTC\n`);
    // Each account's second and third calls (a project of its own, so a shape of its own) are rows of a known shape: summed by number, folded into the line at close.
    const rows = ["timestamp,account,meter,quantity,project"];
    for (const [n, at] of ["02", "03", "04"].entries()) for (const account of ["b", "a"]) rows.push(`2026-01-${at}T00:00:00Z,${account},call,${n + 1},${account === "a" ? "p" : "q"}`);
    const usage = join(dir, "usage.csv");
    writeFileSync(usage, `${rows.join("\n")}\n`);
    const run = await burnrate(["statement", "--account", accountFile, "--usage", usage, "--format", "csv"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split(/\r?\n/);
    const header = lines[0]!.split(",");
    const call = lines.slice(1).map((l) => l.split(",")).filter((cells) => cells[header.indexOf("meter")] === "call");
    // 1 + 2 + 3 = 6 calls at 1 credit, once an account (the known rows' sums folded into the line once, not again at the second reading).
    expect(call.map((cells) => [cells[0], cells[header.indexOf("quantity")], cells[header.indexOf("amount")]])).toEqual([["a", "6", "6"], ["b", "6", "6"]]);
  });
});
