import fc from "fast-check";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { Decimal } from "../src/money.js";
import { roundingMayReach } from "../src/reconcile/rounding-reach.js";
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
    expect(roundingMayReach(line(["request:output_tokens"], "8", "6"), card)).toBe(false);
    expect(roundingMayReach(line(["request:input_tokens", "request:output_tokens"], "8", "6"), card)).toBe(false);
    expect(roundingMayReach(line(["request:output_tokens"], "4", "6"), card)).toBe(true);
    // The meter's own line takes what its components' cut-down shares leave: it may round up.
    expect(roundingMayReach(line(["request"], "8", "6"), card)).toBe(true);
    expect(roundingMayReach(line(["request", "request:output_tokens"], "8", "6"), card)).toBe(true);
    // Events refused on the line: rounded, fewer may be refused, and the line may grow.
    expect(roundingMayReach(line(["request:output_tokens"], "8", "6", { refused: [{} as never] }), card)).toBe(true);
    // No such component.
    expect(roundingMayReach(line(["request:cached_tokens"], "8", "6"), card)).toBe(true);
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
        return new Map(cycle.lines.filter((l) => l.component !== undefined).map((l) => [`${l.component} ${JSON.stringify(l.dimensions)}`, l.amount]));
      };
      const exact = await lines("exact");
      const rounded = await lines("rounded");
      expect([...rounded.keys()].sort()).toEqual([...exact.keys()].sort());
      for (const [key, amount] of rounded) expect(amount.lte(exact.get(key)!), `${key}: ${amount} rounded, ${exact.get(key)} exact`).toBe(true);
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 25) });
  });
});
