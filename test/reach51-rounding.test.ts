import fc from "fast-check";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { Decimal } from "../src/money.js";
import { cycleUsage, roundingMayReach } from "../src/reconcile/rounding-reach.js";
import type { Statement } from "../src/engine/types.js";
import type { AlignedLine } from "../src/reconcile/types.js";
import { replayFiles } from "../src/replay/replay-files.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer50 F5: a bill with one line at another rate made reconcile price the whole log again, each event rounded
// with decimals on the full path, to see whether the provider rounds each request: 36 to 50 CPU s against the
// statement's 4. A component's share of an event is cut down when the event is rounded, so a component's line
// rounded event by event is at most its exact amount: a bill above it is out of that pricing's reach, and it is not
// run for such a line. The Floopy card, its step set to a cent: unit cents, half-even; gpt-4o on openai at 0.001
// cents an output token.
const CARD = join(ROOT, "ratecards/floopy.yaml");
const STEP_OF = (mode: string, round: string) => readFileSync(CARD, "utf8").replace("  rounding: half-even\n  round_at: none", `  rounding: ${mode}\n  round_at: ${round}\n  step: "1"`);
const ACTIVITIES = "activities: { Input tokens: request:input_tokens, Output tokens: request:output_tokens, Pro plan: plan }\n";
const ACCOUNT = 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n';

// Four requests of 1,500 output tokens: 1.5 cents each exactly, 6 cents in all. Each rounded (half-even, to a cent)
// costs 2 cents, of which the output tokens' share is 1.5 cut down to 1: 4 cents on the output line.
function folder(outputBilled: string): string {
  const dir = mkdtempSync(join(tmpdir(), "reach51-"));
  writeFileSync(join(dir, "account.yaml"), ACCOUNT);
  writeFileSync(join(dir, "card.yaml"), STEP_OF("half-even", "none"));
  const rows = [2, 3, 4, 5].map((d) => JSON.stringify({ timestamp: `2026-11-0${d}T10:00:00Z`, meter: "request", model: "gpt-4o", provider: "openai", input_tokens: 0, output_tokens: 1500 }));
  writeFileSync(join(dir, "usage.jsonl"), `${rows.join("\n")}\n`);
  writeFileSync(join(dir, "bill.csv"), `period_start,activity,model,provider,quantity,amount\n2026-11,Pro plan,,,1,20\n2026-11,Output tokens,gpt-4o,openai,6000,${outputBilled}\n`);
  writeFileSync(join(dir, "bill.csv.mapping.yaml"), ACTIVITIES);
  return dir;
}

const reconcile = (dir: string) => burnrate(["reconcile", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
const output = (stdout: string) => (JSON.parse(stdout).lines as { activity: string; class: string | null; explanation: string | null }[]).find((l) => l.activity === "Output tokens")!;

describe("reconcile: a rate difference the provider's rounding of each request cannot reach", () => {
  it("is a rate_drift where the bill is above the output line (8 cents billed for 6), as it was", async () => {
    const r = await reconcile(folder("8"));
    expect(r.code, r.stderr).toBe(1);
    const line = output(r.stdout);
    expect(line.class).toBe("rate_drift");
    expect(line.explanation).toContain("the card 0.001");
  });

  it("is still priced each event rounded where the bill is below the line: 4 cents billed for 6 is that rounding", async () => {
    const r = await reconcile(folder("4"));
    // Held to the tolerance, as such rounding adds up past a step (docs/reconcile.md): 2 cents is past the default.
    expect(r.code, r.stderr).toBe(1);
    const line = output(r.stdout);
    expect(line.class).toBe("rounding");
    expect(line.explanation).toMatch(/^the bill rounds each event to 1 \(half-even\), where the card rounds none: priced so, the usage comes to the bill's 4 exactly/);
  });

  it("asks for that pricing only where it may reach the bill", () => {
    const card = loadCardFor(CARD, undefined);
    const line = (meters: string[], bill: string, computed: string, more: Partial<AlignedLine> = {}): AlignedLine => ({
      cycle: 0, account: undefined, activity: "x", meters, money: false, dimensions: {}, duplicates: new Decimal(0),
      bill: { amount: new Decimal(bill) } as AlignedLine["bill"], computed: { amount: new Decimal(computed), quantity: new Decimal(1), events: 1, unitPrice: undefined }, ...more,
    });
    // A component's line billed above: out of reach. Below, or equal: within.
    expect(roundingMayReach(line(["request:output_tokens"], "8", "6"), card, undefined)).toBe(false);
    expect(roundingMayReach(line(["request:input_tokens", "request:output_tokens"], "8", "6"), card, undefined)).toBe(false);
    expect(roundingMayReach(line(["request:output_tokens"], "4", "6"), card, undefined)).toBe(true);
    // Events refused on the line: rounded, fewer may be refused, and the line may grow.
    expect(roundingMayReach(line(["request:output_tokens"], "8", "6", { refused: [{} as never] }), card, undefined)).toBe(true);
    // No such component: the line is priced as an own line, below.
    expect(roundingMayReach(line(["request:cached_tokens"], "6.01", "6"), card, undefined)).toBe(true);
  });

  it("bounds what the meter's own line may rise by: under a step a whole event, and a step for each part cut down (stop 60)", () => {
    // Floopy's step is the default 0.01 (its precision names none); a request has two components. One event of
    // quantity 1 rounded rises by under (1 + 1) x (2 + 1) x 0.01 = 0.06: a bill of 8 above 6 is out of reach, one of
    // 6.05 within it. Under a step of 1, 6 + 6 = 12 reaches 8.
    const card = loadCardFor(CARD, undefined);
    const stepOne = join(mkdtempSync(join(tmpdir(), "reach60-")), "card.yaml");
    writeFileSync(stepOne, STEP_OF("half-even", "none"));
    const coarse = loadCardFor(stepOne, undefined);
    const line = (meters: string[], bill: string, computed: string, more: Partial<AlignedLine> = {}): AlignedLine => ({
      cycle: 0, account: "acme", activity: "x", meters, money: false, dimensions: {}, duplicates: new Decimal(0),
      bill: { amount: new Decimal(bill) } as AlignedLine["bill"], computed: { amount: new Decimal(computed), quantity: new Decimal(1), events: 1, unitPrice: undefined }, ...more,
    });
    expect(roundingMayReach(line(["request"], "8", "6"), card, undefined)).toBe(false);
    expect(roundingMayReach(line(["request"], "6.05", "6"), card, undefined)).toBe(true);
    expect(roundingMayReach(line(["request", "request:output_tokens"], "8", "6"), card, undefined)).toBe(false);
    expect(roundingMayReach(line(["request"], "8", "6"), coarse, undefined)).toBe(true);
    // A plan's fee is the plan's: no rounding of events moves it, above or below.
    const fee = { plans: ["pro"], recut: false };
    expect(roundingMayReach(line(["plan"], "59", "49", { money: true, fee }), card, undefined)).toBe(false);
    expect(roundingMayReach(line(["plan"], "39", "49", { money: true, fee }), card, undefined)).toBe(false);
    // An overage in money: the cycle's own lines, 10 requests in 10 events, rise by under (10 + 10) x 3 x 0.01 = 0.6
    // cents, 0.006 USD at a cent a credit. 8 USD billed for 6 is out of reach; 6.005 within; refusals or no cycle, within.
    const request = { meter: "request", component: undefined, kind: "usage", category: "gateway", pool: "credits", dimensions: {}, quantity: new Decimal(10), unitPrice: new Decimal(0), amount: new Decimal(600), events: 10 } as const;
    const tokens = { ...request, component: "output_tokens", quantity: new Decimal(600_000) };
    const usage = { lines: [request, tokens], refused: false };
    expect(roundingMayReach(line(["overage"], "8", "6", { money: true }), card, usage)).toBe(false);
    expect(roundingMayReach(line(["overage"], "6.005", "6", { money: true }), card, usage)).toBe(true);
    expect(roundingMayReach(line(["overage"], "8", "6", { money: true }), card, { ...usage, refused: true })).toBe(true);
    expect(roundingMayReach(line(["overage"], "8", "6", { money: true }), card, undefined)).toBe(true);
    // The cycle's usage, for the line's account, or every account of a bill of none; none where the replay has no such account or cycle.
    const cycle = (index: number, rejected: unknown[] = []) => ({ index, lines: [request], rejected });
    const replayed = { accounts: [{ account: "acme", cycles: [cycle(0), cycle(1, [{}])] }, { account: "bolt", cycles: [cycle(0)] }] } as unknown as Statement;
    expect(cycleUsage(replayed, line(["overage"], "8", "6"), undefined)).toEqual({ lines: [request], refused: false });
    expect(cycleUsage(replayed, line(["overage"], "8", "6", { account: undefined }), undefined)?.lines).toHaveLength(2);
    expect(cycleUsage(replayed, line(["overage"], "8", "6", { account: undefined }), new Set(["bolt"]))?.lines).toHaveLength(1);
    expect(cycleUsage(replayed, line(["overage"], "8", "6", { cycle: 1 }), undefined)?.refused).toBe(true);
    expect(cycleUsage(replayed, line(["overage"], "8", "6", { cycle: 2 }), undefined)).toBeUndefined();
    expect(cycleUsage(replayed, line(["overage"], "8", "6", { account: "cora" }), undefined)).toBeUndefined();
  });
});

describe("a component's line, each event rounded, is at most its exact amount where nothing is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "reach51-property-"));
  const modes = ["half-even", "half-up", "down"] as const;
  for (const mode of modes) {
    for (const [name, round] of [["exact", "none"], ["rounded", "event"]] as const) {
      writeFileSync(join(dir, `${mode}-${name}.yaml`), STEP_OF(mode, round));
    }
  }
  const row = fc.record({
    minute: fc.integer({ min: 0, max: 20 * 24 * 60 }),
    model: fc.constantFrom("gpt-4o", "gpt-4o-mini", "claude-sonnet-4"),
    provider: fc.constantFrom("openai", "anthropic"),
    input: fc.integer({ min: 0, max: 40_000 }),
    output: fc.integer({ min: 0, max: 9_000 }),
  }).filter((r) => (r.model === "claude-sonnet-4") === (r.provider === "anthropic"));
  let round = 0;

  it("for every rounding mode, on random requests", async () => {
    await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 30 }), fc.constantFrom(...modes), async (rows, mode) => {
      const file = join(dir, `usage-${round++}.jsonl`);
      const sorted = [...rows].sort((a, b) => a.minute - b.minute);
      writeFileSync(file, sorted.map((r) => JSON.stringify({ timestamp: new Date(Date.UTC(2026, 10, 1) + r.minute * 60_000).toISOString(), meter: "request", model: r.model, provider: r.provider, input_tokens: r.input, output_tokens: r.output })).join("\n") + "\n");
      const lines = async (which: string) => {
        writeFileSync(join(dir, "account.yaml"), `card: ${mode}-${which}.yaml\n${ACCOUNT}`);
        const loaded = loadAccount(join(dir, "account.yaml"));
        const card = loadCardFor(undefined, loaded);
        const st = await replayFiles(card, resolveAccount(card, loaded, {}), { files: [file], mappingFile: undefined, mapFlags: [] });
        const cycle = st.accounts[0]!.cycles[0]!;
        expect(cycle.rejected).toEqual([]);
        return { parts: new Map(cycle.lines.filter((l) => l.component !== undefined).map((l) => [`${l.component} ${JSON.stringify(l.dimensions)}`, l.amount])), own: new Map(cycle.lines.filter((l) => l.component === undefined).map((l) => [JSON.stringify(l.dimensions), l])), total: cycle.total };
      };
      const exact = await lines("exact");
      const rounded = await lines("rounded");
      expect([...rounded.parts.keys()].sort()).toEqual([...exact.parts.keys()].sort());
      for (const [key, amount] of rounded.parts) expect(amount.lte(exact.parts.get(key)!), `${key}: ${amount} rounded, ${exact.parts.get(key)} exact`).toBe(true);
      // Each own line rises by less than a step (1 here) for each of its events and its quantity's, and one more for
      // each of its two parts cut down (roundingMayReach's bound); the cycle's total by the sum of them.
      let reach = new Decimal(0);
      for (const [key, l] of exact.own) {
        const bound = l.quantity.plus(l.events).mul(3);
        reach = reach.plus(bound);
        expect(rounded.own.get(key)!.amount.lte(l.amount.plus(bound)), `${key}: ${rounded.own.get(key)!.amount} rounded, ${l.amount} exact`).toBe(true);
      }
      expect(rounded.total.lte(exact.total.plus(reach))).toBe(true);
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 25) });
  });
});
