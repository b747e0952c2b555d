import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { Charging } from "../src/engine/charging.js";
import { ROOT } from "./helpers/cli.js";
import { gatewayAccountHead, gatewayStatement, GatewayFiles } from "./helpers/gateway-logs.js";

// Issue 16: a gateway log's rows with components take the known path (src/engine/fast/) where no check of
// rules.ts applies to their meter: the row scanner's rows (known path where it may) against the plain
// reader's events (Replay.push: every row through price(), the full path), on random variants of
// floopy.yaml that switch the quota, budgets, low-balance alerts, warning levels, grace, crossing and
// per-event rounding on and off, two accounts, random tokens, late rows and repeated ids. Both must give
// the same statement, byte for byte. test/setup.ts fixes the seed; FUZZ_RUNS sets the number of cases.
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const gateway = new GatewayFiles("burnrate-tokens10-");
const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const ENTERPRISE_QUOTA = '    quota: { meters: [request, playground], requests: 1000000, overage_price: "0.0005" } # illustrative\n';

/** The rules a variant of floopy.yaml switches on. */
interface CardRules {
  /** The enterprise plan's request quota: none, floopy's, or one a log reaches (with the account's overage or not). */
  quota: "none" | "floopy" | "small";
  budgets: boolean;
  lowBalance: string;
  /** An allowance of included credits, crossing warning levels as it is spent. */
  thresholds: boolean;
  whenExhausted: "block" | "grace" | "allow";
  crossing: "" | "accept";
  roundAtEvent: boolean;
}

function cardText(r: CardRules): string {
  let text = floopy;
  const quota = r.quota === "none" ? "" : r.quota === "floopy" ? ENTERPRISE_QUOTA : "    quota: { meters: [request, playground], requests: 12, overage_price: \"0.0005\" }\n";
  text = text.replace(ENTERPRISE_QUOTA, quota);
  // Budgets off for the enterprise plan, the card still reading the log's team column.
  if (!r.budgets) text = text.replace("budgets: { dimension: team, plans: [pro, enterprise]", "budgets: { dimension: team, plans: [pro]");
  text = text.replace('low_balance: "500"', `low_balance: "${r.lowBalance}"`);
  if (r.thresholds) {
    text = text.replace("    label: Enterprise\n    included: 0\n", `    label: Enterprise\n    included: 40\n${r.whenExhausted === "grace" ? '    grace: { credits: "0.25" }\n' : ""}`);
    text = text.replace("plans:\n  free:", "thresholds: { percent_of_allowance: [25, 50, 90, 100] }\n\nplans:\n  free:");
  }
  text = text.replace("credits: { label: Credits, when_exhausted: block }", `credits: { label: Credits, when_exhausted: ${r.whenExhausted} }`);
  if (r.crossing !== "") text = text.replace("cycle:\n", `crossing: ${r.crossing}\n\ncycle:\n`);
  if (r.roundAtEvent) text = text.replace("  round_at: none", '  round_at: event\n  step: "0.01"');
  return text;
}

interface AccountTerms {
  purchase: number;
  overage: boolean;
  lowBalance: string | undefined;
  budget: string | undefined;
}

/** An account file of acme and bolt, on the enterprise plan. */
function accountText(card: string, [acme, bolt]: readonly [AccountTerms, AccountTerms]): string {
  const own = (t: AccountTerms) => [`overage: ${t.overage}`, t.lowBalance === undefined ? "" : `low_balance: ${t.lowBalance}`, t.budget === undefined ? "" : `budgets: { research: ${t.budget} }`].filter((l) => l !== "");
  return [
    ...gatewayAccountHead(card),
    ...own(acme),
    "accounts:",
    `  bolt: { plan: enterprise, ${own(bolt).join(", ")} }`,
    "grants:",
    `  - { kind: purchase, amount: ${acme.purchase}, at: "2026-11-01T00:00:00Z" }`,
    `  - { kind: purchase, amount: ${bolt.purchase}, at: "2026-11-01T00:00:00Z", account: bolt }`,
    "",
  ].join("\n");
}

const SHAPES = [["gpt-4o", "openai"], ["gpt-4o", "azure"], ["gpt-4o-mini", "openai"], ["claude-sonnet-4", "anthropic"], ["llama-3.1-70b", "groq"]] as const;

const tokens = fc.oneof(fc.constant("0"), fc.integer({ min: 1, max: 40_000 }).map(String), fc.integer({ min: 1, max: 9_999 }).map((n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, "0")}`));
const row = fc.record({
  minute: fc.integer({ min: 0, max: 40 * 24 * 60 }),
  late: fc.integer({ min: 0, max: 19 }),
  org: fc.constantFrom("acme", "acme", "bolt"),
  kind: fc.constantFrom("request", "request", "request", "playground"),
  shape: fc.constantFrom(...SHAPES),
  team: fc.constantFrom("research", "support"),
  input: tokens,
  output: tokens,
  requests: fc.constantFrom("1", "1", "1", "0", "2", "3"),
  id: fc.integer({ min: 0, max: 400 }),
});
/**
 * Rows in time order at a few instants a day (several rows an instant, some of one shape), one in twenty
 * put a few minutes late, ids mostly unique and some repeated.
 */
const rows = fc.array(row, { minLength: 5, maxLength: 120 }).map((rs) => {
  const sorted = [...rs].sort((a, b) => a.minute - b.minute);
  return sorted.map((r, i) => {
    const minute = r.late === 0 ? Math.max(0, r.minute - 7) : r.minute - (r.minute % 30);
    const at = new Date(Date.parse("2026-11-01T00:00:00Z") + minute * 60_000).toISOString().replace(".000Z", "Z");
    const id = r.id < 30 ? `r-${r.id}` : `u-${i}`;
    return `${at},${r.org},${r.kind},${r.shape[0]},${r.shape[1]},${r.team},${r.input},${r.output},${r.requests},${id}`;
  });
});

const cardRules = fc.record<CardRules>({
  quota: fc.constantFrom("none", "none", "none", "floopy", "small"),
  budgets: fc.boolean(),
  lowBalance: fc.constantFrom("500", "30", "8"),
  thresholds: fc.boolean(),
  whenExhausted: fc.constantFrom("block", "grace", "allow"),
  crossing: fc.constantFrom("", "", "accept"),
  roundAtEvent: fc.boolean(),
});
const terms = fc.record<AccountTerms>({
  purchase: fc.constantFrom(20, 60, 150, 100_000),
  overage: fc.boolean(),
  lowBalance: fc.constantFrom(undefined, "15", "45"),
  budget: fc.constantFrom(undefined, undefined, "4", "25"),
});

describe(`a gateway log's rows with components: the known path gives the full path's statement (${RUNS} random cards, accounts and logs)`, () => {
  it("scanner rows (known path where it may) and plain-reader events (full path) give the same statement", async () => {
    await fc.assert(
      fc.asyncProperty(cardRules, terms, terms, rows, fc.constantFrom<number | undefined>(undefined, 600_000), async (rules, acme, bolt, log, maxLateness) => {
        const card = gateway.write("card.yaml", cardText(rules));
        const account = gateway.write("account.yaml", accountText(card, [acme, bolt]));
        const file = gateway.log(log);
        expect(await gatewayStatement(file, account, "scanner", maxLateness)).toBe(await gatewayStatement(file, account, "plain", maxLateness));
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  it("prices known rows' components and sets off the low-balance alert between them, as worked out by hand", async () => {
    // No quota, no budgets: every row of gpt-4o on openai after the first takes the known path.
    // Each row costs input x 0.00025 + output x 0.001 (its quantity's price is 0):
    //   10:00  1000 in, 200 out, 1 request  -> 0.25 + 0.2  = 0.45, balance 10 -> 9.55
    //   10:01  3000 in,   0 out, 1 request  -> 0.75 + 0    = 0.75, balance 9.55 -> 8.80 (below 9: the alert)
    //   10:02     0 in, 400 out, 2 requests -> 0    + 0.4  = 0.4,  balance 8.80 -> 8.40
    // Lines: the request line 4 requests in 3 events at 0; input 4000 tokens in 2 events (the row of 0 adds
    // none), 1; output 600 tokens in 2 events, 0.6. Total 1.6.
    const card = gateway.write("card.yaml", cardText({ quota: "none", budgets: false, lowBalance: "9", thresholds: false, whenExhausted: "block", crossing: "", roundAtEvent: false }));
    const none = { overage: false, lowBalance: undefined, budget: undefined };
    const account = gateway.write("account.yaml", accountText(card, [{ purchase: 10, ...none }, { purchase: 10, ...none }]));
    const file = gateway.log([
      "2026-11-02T10:00:00Z,acme,request,gpt-4o,openai,research,1000,200,1,a",
      "2026-11-02T10:01:00Z,acme,request,gpt-4o,openai,research,3000,0,1,b",
      "2026-11-02T10:02:00Z,acme,request,gpt-4o,openai,research,0,400,2,c",
    ]);
    const scanned = await gatewayStatement(file, account, "scanner", undefined);
    expect(scanned).toBe(await gatewayStatement(file, account, "plain", undefined));
    const cycle = JSON.parse(scanned).accounts[0].cycles[0];
    const lines = cycle.lines.map((l: { component?: string; quantity: string; amount: string; events: number }) => [l.component ?? "", l.quantity, l.amount, l.events]);
    expect(lines).toEqual([
      ["", "4", "0", 3],
      ["input_tokens", "4000", "1", 2],
      ["output_tokens", "600", "0.6", 2],
    ]);
    expect(cycle.total).toBe("1.6");
    expect(cycle.alerts).toEqual([{ kind: "low_balance", level: "9", at: "2026-11-02T10:01:00Z" }]);
    expect(cycle.grants[0]).toMatchObject({ consumed: "1.6", closing: "8.4" });
  });

  it("takes the known path for a model's rows of many accounts in turn, not the full path a row (newcomer57 M1)", async () => {
    // Each row of a model's shape rebinds it to another account: its facts were foreseen only for a meter priced by its
    // unit price alone, so a token-priced request went the full way a row (292,090 of newcomer57's 297,000 rows).
    // 200 rows, a minute apart, of acme, bolt, cora and dune in turn: 1000 input and 200 output gpt-4o tokens on openai,
    // 0.25 + 0.2 = 0.45 credits a row, 50 rows an account: 22.5 credits each.
    const card = gateway.write("card.yaml", cardText({ quota: "none", budgets: false, lowBalance: "9", thresholds: false, whenExhausted: "block", crossing: "", roundAtEvent: false }));
    const names = ["acme", "bolt", "cora", "dune"];
    const account = gateway.write("account.yaml", [
      ...gatewayAccountHead(card),
      "accounts:",
      ...names.slice(1).map((n) => `  ${n}: { plan: enterprise }`),
      "grants:",
      ...names.map((n) => `  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z"${n === "acme" ? "" : `, account: ${n}`} }`),
      "",
    ].join("\n"));
    const file = gateway.log(Array.from({ length: 200 }, (_, i) => `${new Date(Date.UTC(2026, 10, 2, 10) + i * 60_000).toISOString().replace(".000Z", "Z")},${names[i % 4]},request,gpt-4o,openai,research,1000,200,1,r-${i}`));
    const full = vi.spyOn(Charging.prototype as unknown as { price(): void }, "price");
    const scanned = await gatewayStatement(file, account, "scanner", undefined);
    const inFull = full.mock.calls.length;
    full.mockRestore();
    expect(scanned).toBe(await gatewayStatement(file, account, "plain", undefined));
    expect(JSON.parse(scanned).accounts.map((a: { account: string; cycles: { total: string }[] }) => [a.account, a.cycles[0]!.total])).toEqual(names.map((n) => [n, "22.5"]));
    // Each account's first row opens its cycle the full way; the shape's first row shows its parts. Every other row is known.
    expect(inFull).toBeLessThanOrEqual(names.length + 1);
  });
});
