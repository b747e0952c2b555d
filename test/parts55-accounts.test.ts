import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import type { Statement } from "../src/engine/types.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { Progress, type ReplayProgress } from "../src/progress/progress.js";
import { statementJson } from "../src/render/statement/json.js";
import { mergedStatements } from "../src/replay/merged-statements.js";
import { replayFiles } from "../src/replay/replay-files.js";
import { binary, ROOT } from "./helpers/cli.js";
import { card, events, replay, type EventSpec } from "./helpers/engine.js";

// Issue 16, many accounts: a log naming more accounts than a replay holds at once is replayed a part of its accounts
// at a time and the parts' statements merged (src/replay/account-parts.ts). Whatever the log, the account file and
// the flags, the statement (or the error) is the whole replay's. `accountsAtOnce: 1` splits every log of two accounts
// or more; the default (25,000) holds these logs whole.

const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const DAY = 86_400_000;
const START = Date.UTC(2026, 8, 1);
const NAMES = ["acct", "a1", "a2", "b7", "zoë", "c3", "d-4", "E5"];
const HEADER = "timestamp,meter,quantity,project,user,source,account";
/** The random logs' rows carry event ids (some empty), which repeat. */
const IDS_HEADER = `${HEADER},event_id`;

const row = fc.record({
  minutes: fc.integer({ min: -300, max: 70 * 24 * 60 }),
  meter: fc.constantFrom("end_user_open", "data_read", "data_write", "email"),
  quantity: fc.integer({ min: 0, max: 400 }),
  project: fc.constantFrom("p", "q"),
  user: fc.constantFrom("u1", "u2", "u3"),
  source: fc.constantFrom("studio", "project"),
  account: fc.constantFrom(...NAMES),
  /** Few ids, so that rows repeat them: a repeat is of its own account and meter (another account's "e1" is its own event). */
  id: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
});

const setup = fc.record({
  rows: fc.array(row, { minLength: 1, maxLength: 80 }),
  plan: fc.constantFrom("free", "pro"),
  anchor: fc.boolean(),
  zone: fc.constantFrom("UTC", "America/New_York"),
  named: fc.array(fc.record({ account: fc.constantFrom(...NAMES.slice(1)), plan: fc.constantFrom("free", "pro"), change: fc.option(fc.integer({ min: 1, max: 60 })) }), { maxLength: 4 }),
  grants: fc.array(fc.record({ account: fc.constantFrom(...NAMES), day: fc.integer({ min: 0, max: 60 }), amount: fc.integer({ min: 1, max: 900 }) }), { maxLength: 3 }),
  skipBefore: fc.boolean(),
  through: fc.boolean(),
  /** Rows moved to the end of the log: late, by minutes or by weeks, read held as late as they come or sorted. */
  late: fc.array(fc.nat(), { maxLength: 3 }),
});

type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;

function files(s: Setup): { account: string; usage: string } {
  const dir = mkdtempSync(join(tmpdir(), "parts55-"));
  const stamp = (minutes: number) => new Date(START + minutes * 60_000).toISOString().replace(".000Z", "Z");
  const rows = [...s.rows].sort((a, b) => a.minutes - b.minutes).map((r) => {
    const project = r.meter === "end_user_open" || r.meter.startsWith("data") ? r.project : r.project;
    return [stamp(r.minutes), r.meter, String(r.quantity), project, r.meter === "end_user_open" ? r.user : "", r.meter === "email" ? r.source : "", r.account, r.id === undefined ? "" : `e${r.id}`].join(",");
  });
  for (const moved of s.late) rows.push(...rows.splice(moved % rows.length, 1));
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, [IDS_HEADER, ...rows, ""].join("\n"));
  const entries = new Map(s.named.map((n) => [n.account, n]));
  const lines = [
    `card: ${JSON.stringify(CARD)}`,
    "account: acct",
    `plan: ${s.plan}`,
    ...(s.anchor ? ["anchor: 2026-09-01"] : []),
    `timezone: ${s.zone}`,
    ...(s.through ? ["through: 2026-12-15"] : []),
    ...(s.grants.length === 0 ? [] : ["grants:", ...s.grants.map((g) => `  - { kind: topup, amount: ${g.amount}, at: "${new Date(START + g.day * DAY + 3_600_000).toISOString()}", account: ${JSON.stringify(g.account)} }`)]),
    ...(entries.size === 0 ? [] : ["accounts:", ...[...entries.values()].map((n) => `  ${JSON.stringify(n.account)}: { plan: ${n.plan}${n.change === null ? "" : `, changes: [{ at: "${new Date(START + n.change * DAY).toISOString()}", plan: ${n.plan === "pro" ? "free" : "pro"} }]`} }`)]),
  ];
  const account = join(dir, "account.yaml");
  writeFileSync(account, `${lines.join("\n")}\n`);
  return { account, usage };
}

/** The parts a replay made, told as the progress line is. */
class PartsSeen implements ReplayProgress {
  parts: string[] = [];
  begin(): void {}
  rows(): undefined {
    return undefined;
  }
  restart(): void {}
  sorted(): void {}
  part(index: number, count: number): void {
    this.parts.push(`${index + 1}/${count}`);
  }
}

/** The statement of the files as one replay (or parts of `atOnce` accounts) gives it: its JSON and what the notes read, or the error. */
/** As many accounts as a replay of these logs holds whole, whatever BURNRATE_ACCOUNTS_AT_ONCE the tests run under. */
const WHOLE = 1e9;

async function statementOf(s: Setup, paths: { account: string; usage: string }, atOnce: number): Promise<{ text: string; parts: string[] }> {
  const { account, usage } = paths;
  const file = loadAccount(account);
  const rates = loadCardFor(undefined, file);
  const seen = new PartsSeen();
  try {
    const settings = resolveAccount(rates, file, { skipBeforeAnchor: s.skipBefore && s.anchor });
    const statement = await replayFiles(rates, settings, { files: [usage], mappingFile: undefined, mapFlags: [], progress: seen, accountsAtOnce: atOnce });
    return { text: whole(statement), parts: seen.parts };
  } catch (e) {
    return { text: `error: ${(e as Error).message} ${JSON.stringify(e)}`, parts: seen.parts };
  }
}

/** A statement as everything after the replay reads it: the report's JSON, the rows counted, the last cycle's and the rows left out before the first. */
function whole(statement: Statement): string {
  const { lastUsage, beforeFirstCycle, events: counted, unbudgeted } = statement;
  const before = beforeFirstCycle === undefined ? undefined : [beforeFirstCycle.rows, beforeFirstCycle.first, beforeFirstCycle.last, beforeFirstCycle.cycleStart, [...beforeFirstCycle.accounts].sort()];
  const budgets = unbudgeted === undefined ? undefined : [...unbudgeted].map(([a, v]) => [a, [...v]]).sort();
  return JSON.stringify({ json: statementJson(statement), lastUsage, before, counted, budgets, pairs: statement.duplicateEvents?.byFiles });
}

describe("a log of many accounts replayed in parts of its accounts", () => {
  it("gives the whole replay's statement or error, whatever the log, account file and flags", async () => {
    let split = 0;
    await fc.assert(
      fc.asyncProperty(setup, async (s) => {
        const paths = files(s);
        const inParts = await statementOf(s, paths, 1);
        const all = await statementOf(s, paths, WHOLE);
        expect(all.parts).toEqual([]);
        expect(inParts.text).toBe(all.text);
        if (inParts.parts.length > 0 && !all.text.startsWith("error")) split++;
      }),
      { numRuns: RUNS },
    );
    // Most of these logs name several accounts: had none been billed in parts, nothing above was tested.
    expect(split).toBeGreaterThan(RUNS / 4);
  }, 60_000 + RUNS * 500);

  it("starts every part's cycles at the whole log's first row where the account file has no anchor", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parts55-"));
    const usage = join(dir, "usage.csv");
    // Account b's first row is a month after a's: without an anchor the cycles start in a's September, for b too.
    writeFileSync(usage, [HEADER, "2026-09-03T10:00:00Z,data_read,10,p,,,a", "2026-10-05T10:00:00Z,data_read,20,p,,,b", "2026-10-06T10:00:00Z,data_read,30,p,,,a", ""].join("\n"));
    const account = join(dir, "account.yaml");
    writeFileSync(account, `card: ${JSON.stringify(CARD)}\naccount: a\nplan: pro\ntimezone: UTC\n`);
    const file = loadAccount(account);
    const rates = loadCardFor(undefined, file);
    const seen = new PartsSeen();
    const statement = await replayFiles(rates, resolveAccount(rates, file, {}), { files: [usage], mappingFile: undefined, mapFlags: [], progress: seen, accountsAtOnce: 1 });
    // a and b hash apart into two parts; the first replay, whole, stopped at its second account.
    expect(seen.parts).toEqual(["1/2", "2/2"]);
    const cycles = (name: string) => statement.accounts.find((a) => a.account === name)!.cycles;
    expect(statement.accounts.map((a) => a.account)).toEqual(["a", "b"]);
    // Both run from 1 September through October; b's September has no usage, its October 20 reads at 0.01 credits.
    expect(cycles("b").map((c) => [new Date(c.start).toISOString().slice(0, 10), c.total.toString()])).toEqual([
      ["2026-09-01", "0"],
      ["2026-10-01", "0.2"],
    ]);
    expect(cycles("a").map((c) => c.total.toString())).toEqual(["0.1", "0.3"]);
  });

  it("reads a log with a row a week late in parts again, held as late as its rows come", async () => {
    // 20,000 reads a minute apart from 2026-09-03, a's and b's in turn, then one of a's dated a week before the last.
    const start = Date.UTC(2026, 8, 3);
    const at = (minute: number) => new Date(start + minute * 60_000).toISOString().replace(".000Z", "Z");
    const rows = Array.from({ length: 20_000 }, (_, i) => `${at(i)},data_read,1,p,,,${i % 2 === 0 ? "a" : "b"}`);
    rows.push(`${at(20_000 - 7 * 24 * 60)},data_read,1000,p,,,a`);
    const dir = mkdtempSync(join(tmpdir(), "parts55-"));
    const usage = join(dir, "usage.csv");
    writeFileSync(usage, [HEADER, ...rows, ""].join("\n"));
    const account = join(dir, "account.yaml");
    writeFileSync(account, `card: ${JSON.stringify(CARD)}\naccount: a\nplan: pro\nanchor: 2026-09-01\ntimezone: UTC\n`);
    const file = loadAccount(account);
    const rates = loadCardFor(undefined, file);
    const seen = new PartsSeen();
    const statement = await replayFiles(rates, resolveAccount(rates, file, {}), { files: [usage], mappingFile: undefined, mapFlags: [], progress: seen, accountsAtOnce: 1 });
    // The first part, as the log streams, met the late row; both parts then read the log held as late as its rows come.
    expect(seen.parts).toEqual(["1/2", "1/2", "2/2"]);
    // a: 10,000 reads and the late 1,000; b: 10,000; at 0.01 credits a read, all in September.
    expect(statement.accounts.map((a) => [a.account, a.cycles.map((c) => c.total.toString())])).toEqual([
      ["a", ["110"]],
      ["b", ["100"]],
    ]);
  });

  it("splits 400 accounts, 100 at once, into four parts in one round, and parts names that differ above their low bits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parts55-"));
    const account = join(dir, "account.yaml");
    writeFileSync(account, `card: ${JSON.stringify(CARD)}\naccount: a\nplan: pro\nanchor: 2026-09-01\ntimezone: UTC\n`);
    const file = loadAccount(account);
    const rates = loadCardFor(undefined, file);
    const split = async (names: readonly string[], atOnce: number) => {
      const usage = join(dir, `usage-${names.length}.csv`);
      writeFileSync(usage, [HEADER, ...names.map((name, i) => `2026-09-0${1 + (i % 9)}T10:${String(i % 60).padStart(2, "0")}:00Z,data_read,1,p,,,${name}`).sort(), ""].join("\n"));
      const seen = new PartsSeen();
      const statement = await replayFiles(rates, resolveAccount(rates, file, {}), { files: [usage], mappingFile: undefined, mapFlags: [], progress: seen, accountsAtOnce: atOnce });
      const whole = await replayFiles(rates, resolveAccount(rates, file, {}), { files: [usage], mappingFile: undefined, mapFlags: [], accountsAtOnce: WHOLE });
      expect(JSON.stringify(statementJson(statement))).toBe(JSON.stringify(statementJson(whole)));
      return seen.parts;
    };
    // Four parts of about 100 each hold them, a part being allowed a quarter more than the replay that stopped; two do not.
    const many = Array.from({ length: 400 }, (_, i) => `cust-${String(i).padStart(5, "0")}`);
    expect(await split(many, 100)).toEqual(["1/2", "1/4", "2/4", "3/4", "4/4"]);
    // "a" (U+0061) and "š" (U+0161) share their low 8 bits: a hash read by its low bits alone never parted them.
    const parts = await split(["a", "\u0161"], 1);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.length).toBeLessThanOrEqual(2 + 4 + 8);
  });

  it("counts the accounts the file names, which get a run whether they have rows or not", async () => {
    // One account's rows, three more named: four accounts held, past a replay's two at once.
    const s: Setup = { rows: [{ minutes: 60, meter: "data_read", quantity: 5, project: "p", user: "u1", source: "studio", account: "acct", id: undefined }], plan: "pro", anchor: true, zone: "UTC", named: ["a1", "a2", "b7"].map((account) => ({ account, plan: "free", change: null })), grants: [], skipBefore: false, through: false, late: [] };
    const paths = files(s);
    const inParts = await statementOf(s, paths, 2);
    expect(inParts.parts.length).toBeGreaterThanOrEqual(2);
    expect(inParts.text).toBe((await statementOf(s, paths, WHOLE)).text);
    expect(JSON.parse(inParts.text).json.accounts.map((a: { account: string }) => a.account)).toEqual(["a1", "a2", "acct", "b7"]);
  });

  it("bills each part's accounts as the whole replay does: an engine split into any parts, merged", () => {
    const C = card();
    const NAMES_E = ["acct", "a1", "a2", "a3", "a4"];
    const rawRow = fc.record({
      day: fc.integer({ min: 0, max: 80 }),
      meter: fc.constantFrom("call", "read", "view", "visitor"),
      quantity: fc.integer({ min: 0, max: 40 }),
      project: fc.constantFrom("p", "q"),
      user: fc.constantFrom("u1", "u2"),
      account: fc.constantFrom(...NAMES_E),
    });
    const log = fc.array(rawRow, { maxLength: 50 }).map((rows): EventSpec[] =>
      [...rows].sort((a, b) => a.day - b.day).map((r) => [new Date(Date.UTC(2026, 0, 1) + r.day * DAY).toISOString(), r.meter, String(r.quantity), { project: r.project, user: r.user }, { account: r.account }]),
    );
    const purchase = fc.record({ day: fc.integer({ min: 0, max: 80 }), account: fc.constantFrom(...NAMES_E), amount: fc.integer({ min: 1, max: 500 }) });
    const change = fc.record({ day: fc.integer({ min: 1, max: 80 }), account: fc.constantFrom(...NAMES_E), plan: fc.constantFrom("small", "paid") });
    const day = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * DAY + 3_600_000).toISOString();
    fc.assert(
      fc.property(log, fc.array(purchase, { maxLength: 2 }), fc.array(change, { maxLength: 2 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 5, maxLength: 5 }), fc.boolean(), (specs, purchases, changes, parts, through) => {
        const options = {
          plan: "paid",
          purchases: purchases.map((p) => ({ kind: "topup", amount: String(p.amount), at: day(p.day), account: p.account })),
          changes: [...changes].sort((a, b) => a.day - b.day).map((c) => ({ at: day(c.day), account: c.account, plan: c.plan })),
          ...(through ? { through: "2026-04-15T00:00:00Z" } : {}),
        };
        const all = events(specs);
        let expected: string;
        try {
          expected = JSON.stringify(statementJson(replay(C, all, options)));
        } catch (e) {
          // A purchase the plan does not sell, say: refused in the part that holds its account, as in the whole replay.
          expected = `error: ${(e as Error).message}`;
        }
        const partOf = (account: string) => parts[NAMES_E.indexOf(account)]!;
        const statements: Statement[] = [];
        try {
          for (const k of [0, 1, 2]) {
            const own = all.filter((e) => partOf(e.account) === k);
            const others = all.filter((e) => partOf(e.account) !== k).map((e) => e.at);
            const elsewhere = others.length === 0 ? undefined : Math.max(...others);
            statements.push(replay(C, own, { ...options, part: { has: (a) => partOf(a) === k }, ...(elsewhere === undefined ? {} : { elsewhere }) }));
          }
        } catch (e) {
          expect(`error: ${(e as Error).message}`).toBe(expected);
          return;
        }
        expect(JSON.stringify(statementJson(mergedStatements(statements)))).toBe(expected);
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it("says the part in the progress line, the share read counted across every part's reading", () => {
    let bytes = 0;
    let now = 0;
    const lines: string[] = [];
    const progress = new Progress({ stream: { write: (t: string) => lines.push(t) } as never, shown: false, columns: 200, totalBytes: 1000, bytesRead: () => bytes, now: () => now, replays: undefined, expectedRows: undefined } as never);
    progress.begin();
    progress.part(0, 4);
    bytes = 1000;
    now = 10_000;
    void progress.rows(500);
    expect(progress.line(now)).toBe("burnrate: accounts in 4 parts, part 1: 500 rows, 50 rows/s, 25%, about 30 s left");
    progress.part(1, 4);
    bytes = 1500;
    now = 15_000;
    void progress.rows(250);
    expect(progress.line(now)).toBe("burnrate: accounts in 4 parts, part 2: 750 rows, 50 rows/s, 37%, about 25 s left");
    expect(progress.interruptedLine()).toBe("burnrate: interrupted after 750 rows of part 2 of the accounts in 4 parts");
  });

  it("takes BURNRATE_ACCOUNTS_AT_ONCE from the environment, and refuses one that is not a whole number of accounts", () => {
    const s: Setup = { rows: [{ minutes: 60, meter: "data_read", quantity: 5, project: "p", user: "u1", source: "studio", account: "a1", id: undefined }, { minutes: 90, meter: "data_read", quantity: 7, project: "q", user: "u1", source: "studio", account: "b7", id: undefined }], plan: "pro", anchor: true, zone: "UTC", named: [], grants: [], skipBefore: false, through: false, late: [] };
    const { account, usage } = files(s);
    const args = ["statement", "--account", account, "--usage", usage, "--format", "json"];
    const all = binary(args);
    expect(all.code).toBe(0);
    expect(binary(args, { env: { BURNRATE_ACCOUNTS_AT_ONCE: "1" } })).toEqual(all);
    // Any whole number from 1: one larger than the log's accounts is how to say "whole" (red55 L4).
    expect(binary(args, { env: { BURNRATE_ACCOUNTS_AT_ONCE: "1000000000" } })).toEqual(all);
    for (const given of ["0", "2.5"]) {
      const run = binary(args, { env: { BURNRATE_ACCOUNTS_AT_ONCE: given } });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^burnrate: error: BURNRATE_ACCOUNTS_AT_ONCE: not a number of accounts \(expected a whole number of accounts from 1, such as 25000 \(one above the log's accounts replays it whole\)/);
    }
  });
});
