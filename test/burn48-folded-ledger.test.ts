import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../src/engine/types.js";
import { card, events, replay, replayRows, TEST_CARD, type RunOptions } from "./helpers/engine.js";
import { consistent, long, purchases, repeating } from "./helpers/streams.js";

// Stop 48: a burn-down's ledger (LedgerSink.foldCharges, src/engine/ledger-out.ts) folds an account's charges in a
// row within an hour into the last, and keeps the known path on. What it writes is held here to the whole ledger,
// thinned as the burn-down's ledger thinned it before the fold moved into the replay: per account, a charge took
// the place of the charge kept before it in the same hour, unless it was the first to leave credits uncovered.
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const HOUR = 3_600_000;

interface Kept {
  index: number;
  replaceable: boolean;
  covered: boolean;
}

/** The whole ledger thinned by hand, by the burn-down's rule. */
function thinned(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  const last = new Map<string, Kept>();
  for (const e of entries) {
    const kept = last.get(e.account);
    const graceStarts = e.uncovered.gt(0) && (kept === undefined || kept.covered);
    if (e.type === "charge" && !graceStarts && kept?.replaceable && Math.floor(out[kept.index]!.at / HOUR) === Math.floor(e.at / HOUR)) {
      out[kept.index] = e;
      kept.covered = e.uncovered.isZero();
      continue;
    }
    out.push(e);
    last.set(e.account, { index: out.length - 1, replaceable: e.type === "charge" && !graceStarts, covered: e.uncovered.isZero() });
  }
  return out;
}

/** What a burn-down reads of the entries, account by account in the order written. */
function points(entries: readonly LedgerEntry[]): string[] {
  const accounts = [...new Set(entries.map((e) => e.account))].sort();
  return accounts.flatMap((account) => entries.filter((e) => e.account === account).map((e) => `${account} ${e.at} ${e.type} ${e.balance.toFixed()} ${e.uncovered.toFixed()}${e.type === "payment" ? ` ${e.amount.toFixed()} ${e.grant}` : ""}`));
}

const folding = () => Object.assign([] as LedgerEntry[], { foldCharges: HOUR });

const spread = fc.array(repeating.chain((r) => fc.record({
  day: fc.integer({ min: 0, max: 59 }),
  hour: fc.integer({ min: 0, max: 23 }),
  meter: fc.constantFrom("read", "read", "call", "view", r.meter),
}).map((more) => ({ ...r, ...more }))), { minLength: 20, maxLength: 150 }).map(consistent);

const lowBalance = fc.constantFrom("", "low_balance: \"8\"", "low_balance: \"40\"");
const cardWith = (top: string) => card(TEST_CARD, { "provider: testco": `provider: testco\n${top}` });

describe(`a burn-down's ledger, folded by the replay (${RUNS} random logs)`, () => {
  it("holds, on the known path and the full path alike, what the whole ledger thinned by hour holds", () => {
    // Every row the one account's, or every second or third another's (on the file's terms), whose runs fold apart.
    fc.assert(fc.property(lowBalance, fc.oneof(long, spread), purchases, fc.constantFrom("small", "paid"), fc.integer(), fc.constantFrom(0, 2, 3), (top, specs, ps, plan, seed, apart) => {
      const c = cardWith(top);
      const evs = events(specs).map((e, i) => (apart > 0 && i % apart === 0 ? { ...e, account: "other" } : e));
      const options: RunOptions = { plan, purchases: ps, through: "2026-03-20T00:00:00Z" };
      const whole: LedgerEntry[] = [];
      const expected = replay(c, evs, { ...options, ledger: whole });
      const rows = folding();
      const sizes = [1 + (seed & 7), 1 + ((seed >> 3) & 31)];
      const known = replayRows(c, evs, { ...options, ledger: rows }, sizes);
      const full = folding();
      replay(c, evs, { ...options, ledger: full });
      expect(points(rows)).toEqual(points(thinned(whole)));
      expect(points(full)).toEqual(points(thinned(whole)));
      expect(JSON.stringify(known.accounts)).toBe(JSON.stringify(expected.accounts));
    }), { numRuns: RUNS });
  }, 600_000);

  it("writes one charge for an hour's rows, their credits summed, at the last; a payment and the grace's first draw apart", () => {
    // Hand-computed on the test card: plan paid, 100 included credits, `read` 0.5 a unit, a pool `run` with a grace
    // buffer of 10% (10 credits). Three reads of 10 units at 00:10, 00:20 and 00:50 cost 15 credits: one charge at
    // 00:50, 15 credits, balance 85. A read of 20 at 01:05 is the next hour's: balance 75. A top-up of 50 at 01:30,
    // then reads of 100 and 40 at 01:40 and 01:45 (50 and 20 credits): balance 125, 75, then 55, one charge of 70
    // after the payment. 120 units at 02:10 cost 60, 5 past the balance: the grace's first draw, written apart, the
    // balance 0 and 5 uncovered; 2 units at 02:20 (1 credit, 6 uncovered) is a charge of its own after it.
    const c = cardWith("");
    const at = (t: string) => `2026-01-02T${t}:00Z`;
    const evs = events([[at("00:10"), "read", "10"], [at("00:20"), "read", "10"], [at("00:50"), "read", "10"], [at("01:05"), "read", "20"], [at("01:40"), "read", "100"], [at("01:45"), "read", "40"], [at("02:10"), "read", "120"], [at("02:20"), "read", "2"]]);
    const options: RunOptions = { plan: "paid", purchases: [{ kind: "topup", amount: "50", at: at("01:30") }] };
    for (const path of [replayRows, replay]) {
      const ledger = folding();
      path(c, evs, { ...options, ledger });
      const charges = ledger.filter((e) => e.at > Date.parse(at("00:00")) && e.at < Date.parse(at("23:59"))).map((e) => [new Date(e.at).toISOString().slice(11, 16), e.type, e.amount.toFixed(), e.balance.toFixed(), e.uncovered.toFixed()]);
      expect(charges).toEqual([
        ["00:50", "charge", "-15", "85", "0"],
        ["01:05", "charge", "-10", "75", "0"],
        ["01:30", "payment", "50", "125", "0"],
        ["01:45", "charge", "-70", "55", "0"],
        ["02:10", "charge", "-60", "0", "5"],
        ["02:20", "charge", "-1", "0", "6"],
      ]);
    }
  });
});
