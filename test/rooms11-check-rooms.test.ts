import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { gatewayAccountHead, gatewayStatement, GatewayFiles } from "./helpers/gateway-logs.js";

// Issue 16 (rooms11): the quota and the budgets declare a room (src/engine/rules.ts), and the known path
// defers rows within it, recording what they drew in one sum. The row scanner's rows (known path where it
// may) against the plain reader's events (every row through price(), the full path) on a gateway card with a
// small quota (with and without overage, crossed in the middle of many rows of one instant and of a run of
// known rows), budgets a team per account with alert levels crossed in the middle of them, three accounts,
// late rows, repeated ids, a metered search beside the tokens and a unique meter. Both must give the same
// statement, byte for byte. test/setup.ts fixes the seed; FUZZ_RUNS sets the number of cases.
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const gateway = new GatewayFiles("burnrate-rooms11-");
const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const ENTERPRISE_QUOTA = '    quota: { meters: [request, playground], requests: 1000000, overage_price: "0.0005" } # illustrative\n';
/** A search priced by the request (no components), on the quota, and a model seat charged once a cycle. */
const METERS = [
  "  search:",
  "    description: A web search",
  "    aggregation: flow",
  "    dimensions: [model]",
  "    category: gateway",
  "    pool: credits",
  '    price: "0.05"',
  "  seat:",
  "    description: A model used in the cycle",
  "    aggregation: unique",
  "    key: [model]",
  "    dimensions: [model]",
  "    category: gateway",
  "    pool: credits",
  '    price: "0.5"',
  "",
].join("\n");

interface CardRules {
  /** The enterprise plan's quota of requests: one a log reaches, or none. */
  quota: number | undefined;
  budgets: boolean;
  alerts: readonly number[];
  lowBalance: string;
}

function cardText(r: CardRules): string {
  let text = floopy.replace("meters:\n  request:", `meters:\n${METERS}  request:`);
  const quota = r.quota === undefined ? "" : `    quota: { meters: [request, playground, search, seat], requests: ${r.quota}, overage_price: "0.0005" }\n`;
  text = text.replace(ENTERPRISE_QUOTA, quota);
  const alerts = r.alerts.length === 0 ? "" : `, alerts: [${r.alerts.join(", ")}]`;
  text = text.replace("budgets: { dimension: team, plans: [pro, enterprise], alerts: [80, 100] }", `budgets: { dimension: team, plans: [${r.budgets ? "pro, enterprise" : "pro"}]${alerts} }`);
  return text.replace('low_balance: "500"', `low_balance: "${r.lowBalance}"`);
}

interface Terms {
  purchase: number;
  overage: boolean;
  research: string | undefined;
  support: string | undefined;
}

const ACCOUNTS = ["acme", "bolt", "cato"] as const;

function accountText(card: string, terms: readonly Terms[]): string {
  const own = (t: Terms) => {
    const budgets = [t.research === undefined ? "" : `research: "${t.research}"`, t.support === undefined ? "" : `support: "${t.support}"`].filter((b) => b !== "");
    return [`overage: ${t.overage}`, budgets.length === 0 ? "" : `budgets: { ${budgets.join(", ")} }`].filter((l) => l !== "");
  };
  return [
    ...gatewayAccountHead(card),
    ...own(terms[0]!),
    "accounts:",
    ...ACCOUNTS.slice(1).map((a, i) => `  ${a}: { plan: enterprise, ${own(terms[i + 1]!).join(", ")} }`),
    "grants:",
    ...ACCOUNTS.map((a, i) => `  - { kind: purchase, amount: ${terms[i]!.purchase}, at: "2026-11-01T00:00:00Z"${i === 0 ? "" : `, account: ${a}`} }`),
    "",
  ].join("\n");
}

const SHAPES = [["gpt-4o", "openai"], ["gpt-4o-mini", "openai"], ["llama-3.1-70b", "groq"]] as const;
const tokens = fc.oneof(fc.constant("0"), fc.integer({ min: 1, max: 4_000 }).map(String));
const row = fc.record({
  /** Coarse instants: many rows share one, taken together on the known path. */
  step: fc.integer({ min: 0, max: 30 }),
  repeat: fc.integer({ min: 1, max: 6 }),
  late: fc.integer({ min: 0, max: 99 }),
  org: fc.constantFrom(...ACCOUNTS, "acme"),
  kind: fc.constantFrom("request", "request", "request", "search", "search", "playground", "seat"),
  shape: fc.constantFrom(...SHAPES, SHAPES[0]),
  team: fc.constantFrom("research", "research", "support", "ops"),
  input: tokens,
  output: tokens,
  requests: fc.constantFrom("1", "1", "1", "0", "2", "3", "0.5"),
  id: fc.integer({ min: 0, max: 400 }),
});

/**
 * Rows in time order at a few instants of some days, each drawn row repeated up to six times at its instant; one in a hundred
 * put a few minutes late (a log out of order, without a lateness allowed, is sorted and priced on the full path); ids mostly unique.
 */
const rows = fc.array(row, { minLength: 5, maxLength: 120 }).map((rs) => {
  const sorted = [...rs].sort((a, b) => a.step - b.step);
  const out: string[] = [];
  sorted.forEach((r, i) => {
    const minute = r.step * 13 * 60 - (r.late === 0 ? 7 : 0);
    const at = new Date(Date.parse("2026-11-01T00:30:00Z") + minute * 60_000).toISOString().replace(".000Z", "Z");
    for (let n = 0; n < r.repeat; n++) {
      const id = r.id < 20 && n === 0 ? `r-${r.id}` : `u-${i}-${n}`;
      // A meter without components has no tokens on its rows (a cell there sends the log to the plain reader).
      const tokens = r.kind === "search" || r.kind === "seat" ? "," : `${r.input},${r.output}`;
      out.push(`${at},${r.org},${r.kind},${r.shape[0]},${r.shape[1]},${r.team},${tokens},${r.requests},${id}`);
    }
  });
  return out;
});

const cardRules = fc.record<CardRules>({
  quota: fc.constantFrom(undefined, 6, 15, 40, 80),
  budgets: fc.constantFrom(true, true, true, false),
  alerts: fc.constantFrom([], [80, 100], [25, 50, 75, 100], [10, 30, 60, 90]),
  lowBalance: fc.constantFrom("500", "3"),
});
const budget = fc.constantFrom(undefined, "0.35", "2", "7.5", "20", "60");
const terms = fc.record<Terms>({
  purchase: fc.constantFrom(12, 300, 100_000),
  overage: fc.boolean(),
  research: budget,
  support: budget,
});

describe(`quotas and budgets declare a room: the known path gives the full path's statement (${RUNS} random cards, accounts and logs)`, () => {
  it("scanner rows (known path within the checks' rooms) and plain-reader events (full path) give the same statement", async () => {
    await fc.assert(
      fc.asyncProperty(cardRules, fc.tuple(terms, terms, terms), rows, fc.constantFrom<number | undefined>(undefined, 600_000, 600_000), async (rules, accountTerms, log, maxLateness) => {
        const card = gateway.write("card.yaml", cardText(rules));
        const account = gateway.write("account.yaml", accountText(card, accountTerms));
        const file = gateway.log(log);
        expect(await gatewayStatement(file, account, "scanner", maxLateness)).toBe(await gatewayStatement(file, account, "plain", maxLateness));
      }),
      { numRuns: RUNS },
    );
  }, 900_000);

  /** A cycle of one account's searches at 0.05 a request, one a minute from 10:00 (10:00 to 10:MM), as the scanner gives it, the same as the plain reader's. */
  async function searches(rules: CardRules, own: Partial<Terms>, count: number) {
    const card = gateway.write("card.yaml", cardText(rules));
    const none: Terms = { purchase: 100_000, overage: false, research: undefined, support: undefined };
    const account = gateway.write("account.yaml", accountText(card, [{ ...none, ...own }, none, none]));
    const minute = (i: number) => `2026-11-02T10:${String(i).padStart(2, "0")}:00Z`;
    const file = gateway.log(Array.from({ length: count }, (_, i) => `${minute(i)},acme,search,gpt-4o,openai,research,,,1,s-${i}`));
    const scanned = await gatewayStatement(file, account, "scanner", undefined);
    expect(scanned).toBe(await gatewayStatement(file, account, "plain", undefined));
    return { cycle: JSON.parse(scanned).accounts[0].cycles[0], minute };
  }

  it("sets a budget's alerts off at the rows that reach them, between known rows, and refuses past it", async () => {
    // A budget of 1 for research, alerts at 50% (0.5) and 100% (1): the 10th search (10:09) takes the spend to
    // 10 x 0.05 = 0.5, the 20th (10:19) to 1; the 21st to 25th would take it past 1 and are refused.
    const { cycle, minute } = await searches({ quota: undefined, budgets: true, alerts: [50, 100], lowBalance: "500" }, { research: "1" }, 25);
    expect(cycle.alerts).toEqual([
      { kind: "budget", key: "research", percent: 50, at: minute(9) },
      { kind: "budget", key: "research", percent: 100, at: minute(19) },
    ]);
    expect(cycle.budgets).toEqual([{ key: "research", budget: "1", spent: "1" }]);
    expect(cycle.rejected).toEqual([{ meter: "search", reason: 'budget of 1 spent for team "research"', events: 5, quantity: "5", first_at: minute(20), first_line: expect.stringMatching(/log\.csv:22$/) }]);
    expect(cycle.total).toBe("1");
  });

  it("uses the quota by known rows and refuses past it without overage", async () => {
    // A quota of 12 requests: the 13th to 15th searches are refused; 12 x 0.05 = 0.6 charged.
    const { cycle, minute } = await searches({ quota: 12, budgets: false, alerts: [], lowBalance: "500" }, { overage: false }, 15);
    expect(cycle.quota).toEqual({ limit: "12", used: "12" });
    expect(cycle.rejected).toEqual([{ meter: "search", reason: "monthly request quota of 12 reached", events: 3, quantity: "3", first_at: minute(12), first_line: expect.stringMatching(/log\.csv:14$/) }]);
    expect(cycle.total).toBe("0.6");
  });

  it("bills the requests past the quota as overage, known rows and all", async () => {
    // With overage: all 15 charged (0.75), 3 requests past the quota of 12 at 0.0005 each: 0.0015.
    const { cycle } = await searches({ quota: 12, budgets: false, alerts: [], lowBalance: "500" }, { overage: true }, 15);
    expect(cycle.quota).toEqual({ limit: "12", used: "15" });
    expect(cycle.overage).toEqual({ currency: "USD", amount: "0.0015", requests: "3" });
    expect(cycle.rejected).toEqual([]);
    expect(cycle.total).toBe("0.75");
  });
});
