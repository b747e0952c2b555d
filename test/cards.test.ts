import { describe, expect, it } from "vitest";
import { burnrate, burnrateJson } from "./helpers/cli.js";

// Every rule the four other seed documents state, on their bundled fixtures, through the real CLI.
interface Cycle {
  start: string;
  total: string;
  uncovered: string;
  lines: { meter: string; component?: string; dimensions: Record<string, string>; quantity: string; unit_price: string; amount: string }[];
  grants: { kind: string; opening: string; granted: string; consumed: string; expired: string; closing: string }[];
  rejected: { meter: string; reason: string; events: number }[];
  thresholds: { percent: number }[];
  overage: { currency: string; amount: string; requests: string };
  quota: { limit: string; used: string } | null;
  budgets: { key: string; budget: string; spent: string }[];
  alerts: { kind: string; key?: string; percent?: number; level?: string; at: string }[];
  rewards: { earned: string; from: { account: string; amount: string }[] };
}

async function statement(name: string, usage = "usage.csv", extra: string[] = []) {
  const out = await burnrateJson(["statement", "--account", `fixtures/${name}/account.yaml`, "--usage", `fixtures/${name}/${usage}`, ...extra]);
  const byAccount = new Map<string, Cycle[]>(out.accounts.map((a: { account: string; cycles: Cycle[] }) => [a.account, a.cycles]));
  return (account: string) => byAccount.get(account)!;
}
const grant = (c: Cycle, kind: string) => c.grants.find((g) => g.kind === kind)!;
const amountOf = (c: Cycle, meter: string, component?: string) =>
  c.lines.filter((l) => l.meter === meter && l.component === component).reduce((t, l) => t + Number(l.amount), 0);

describe("the AI app builder", async () => {
  const cycles = await statement("appbuilder");

  it("bills each person from their own wallet: one log, many accounts", () => {
    expect(cycles("alice")[0]!.total).toBe("1542");
    expect(cycles("bob")[0]!.total).toBe("2127");
    expect(cycles("carol")[0]!.total).toBe("1055");
  });

  it("prices editor chat by effort: fast 40 to 400, expert 100 to 1,000", () => {
    const alice = cycles("alice")[0]!;
    const chat = alice.lines.filter((l) => l.meter === "editor_chat");
    const fast = chat.filter((l) => l.dimensions.mode === "fast").reduce((t, l) => t + Number(l.amount), 0);
    const expert = chat.filter((l) => l.dimensions.mode === "expert").reduce((t, l) => t + Number(l.amount), 0);
    expect(fast).toBe(40 + 400);
    expect(expert).toBe(100 + 1000);
  });

  it("prices in-app requests by tokens (standard 2 to 10, advanced 10 to 40), web search +15, extraction 8", () => {
    const bob = cycles("bob")[0]!;
    const app = bob.lines.filter((l) => l.meter === "app_request" && l.dimensions.app === "recipes");
    const by = (tier: string) => app.filter((l) => l.dimensions.tier === tier && l.component !== "web_search").reduce((t, l) => t + Number(l.amount), 0);
    expect(by("standard")).toBe(2 + 10 + 2);
    expect(by("advanced")).toBe(10 + 40 + 40);
    expect(app.find((l) => l.component === "web_search")).toMatchObject({ quantity: "1", unit_price: "15", amount: "15" });
    expect(amountOf(bob, "web_extraction")).toBe(8);
  });

  it("prices images (per image + input tokens: ~50, ~150), video (per second: ~200, ~500) and speech by length (10 to 80)", () => {
    const bob = cycles("bob")[0]!;
    const media = (meter: string, tier: string) => bob.lines.filter((l) => l.meter === meter && l.dimensions.tier === tier).reduce((t, l) => t + Number(l.amount), 0);
    expect([media("image", "standard"), media("image", "advanced")]).toEqual([50, 150]);
    expect([media("video", "standard"), media("video", "advanced")]).toEqual([200, 500]);
    expect(bob.lines.find((l) => l.meter === "text_to_speech")).toMatchObject({ quantity: "5000", unit_price: "0.02", amount: "100" });
  });

  it("refuses AI operations when the credits run out, and a credit pack is spent after the monthly credits", () => {
    const [nov, dec] = cycles("bob");
    expect(nov!.rejected).toEqual([{ meter: "editor_chat", reason: "credits exhausted", events: 1, quantity: "1", first_at: "2026-11-10T09:00:00Z", first_line: "fixtures/appbuilder/usage.csv:19" }]);
    expect(grant(nov!, "included")).toMatchObject({ opening: "2000", consumed: "2000", closing: "0" });
    expect(grant(nov!, "pack")).toMatchObject({ granted: "500", consumed: "127", closing: "373" });
    expect(grant(dec!, "included")).toMatchObject({ opening: "2000" });
    expect(grant(dec!, "pack")).toMatchObject({ opening: "373", consumed: "0" });
  });

  it("gives the Super plan ten times the credits", () => {
    expect(grant(cycles("carol")[0]!, "included").opening).toBe("20000");
    expect(grant(cycles("alice")[0]!, "included").opening).toBe("2000");
  });

  it("credits a creator reward share to the app's creator, and none for their own use", async () => {
    // bob spent 87 + 40 on alice's recipes app (alice's own use of it earns her nothing).
    expect(cycles("alice")[0]!.rewards).toEqual({ earned: "12.7", from: [{ account: "bob", amount: "12.7" }] });
    expect(cycles("bob")[0]!.rewards).toEqual({ earned: "5.5", from: [{ account: "carol", amount: "5.5" }] });
    expect(cycles("bob")[1]!.rewards).toEqual({ earned: "2.5", from: [{ account: "alice", amount: "2.5" }] });
    const table = await burnrate(["statement", "--account", "fixtures/appbuilder/account.yaml", "--usage", "fixtures/appbuilder/usage.csv", "--format", "table"]);
    expect(table.stdout).toMatch(/Creator rewards\s+13 credits earned from bob/);
  });
});

describe("Floopy", async () => {
  const cycles = await statement("floopy", "gateway.csv");

  it("prices a gateway row's input and output tokens by model and provider, read through a mapping", () => {
    const acme = cycles("acme")[0]!;
    const openai = acme.lines.filter((l) => l.meter === "request" && l.dimensions.model === "gpt-4o" && l.dimensions.provider === "openai");
    expect(openai.map((l) => [l.component ?? "requests", l.quantity, l.unit_price, l.amount])).toEqual([
      ["requests", "400", "0", "0"], ["input_tokens", "1000000", "0.00025", "250"], ["output_tokens", "200000", "0.001", "200"],
    ]);
    const azure = acme.lines.find((l) => l.dimensions.model === "gpt-4o" && l.dimensions.provider === "azure" && l.component === "input_tokens")!;
    expect(azure.unit_price).toBe("0.000275");
    expect(amountOf(acme, "playground", "input_tokens") + amountOf(acme, "playground", "output_tokens")).toBe(135);
  });

  it("tops the balance up each billing period from the subscription, beside one-time purchases", () => {
    const [nov, dec] = cycles("acme");
    expect(grant(nov!, "subscription")).toMatchObject({ opening: "0", granted: "5000" });
    expect(grant(nov!, "purchase")).toMatchObject({ granted: "2000" });
    expect(grant(dec!, "subscription")).toMatchObject({ opening: grant(nov!, "subscription").closing, granted: "5000" });
  });

  it("refuses requests past the monthly quota without overage billing", () => {
    const [nov, dec] = cycles("cove");
    expect(nov!.quota).toEqual({ limit: "1000", used: "600" });
    expect(nov!.rejected).toEqual([expect.objectContaining({ meter: "request", reason: "monthly request quota of 1000 reached", events: 1 })]);
    expect(dec!.rejected).toEqual([]);
  });

  it("with overage billing on, processes them and bills each extra request in money at the period's end", () => {
    const [nov] = cycles("bolt");
    expect(nov!.rejected).toEqual([]);
    expect(nov!.quota).toEqual({ limit: "1000", used: "1200" });
    expect(nov!.overage).toEqual({ currency: "USD", amount: "0.4", requests: "200" });
  });

  it("keeps team budgets on Pro, refusing what would pass one, with alerts; and alerts on a low balance", () => {
    const [nov] = cycles("acme");
    expect(nov!.budgets).toEqual([{ key: "research", budget: "3000", spent: "2685" }, { key: "support", budget: "1000", spent: "370.6" }]);
    expect(nov!.rejected).toEqual([expect.objectContaining({ reason: 'budget of 3000 spent for team "research"', events: 1 })]);
    expect(nov!.alerts).toEqual([
      { kind: "budget", key: "research", percent: 80, at: "2026-11-10T10:00:00Z" },
      { kind: "low_balance", level: "4000", at: "2026-11-10T10:00:00Z" },
    ]);
    expect(cycles("bolt")[0]!.budgets).toEqual([]);
  });

  it("keeps a ledger of Payment, Request and Playground transactions with a running balance", async () => {
    const ledger = await burnrateJson(["statement", "--account", "fixtures/floopy/account.yaml", "--usage", "fixtures/floopy/gateway.csv", "--ledger"]);
    const acme = ledger.entries.filter((e: { account: string }) => e.account === "acme");
    expect(acme.slice(0, 4).map((e: { type: string; meter: string | null; grant: string | null; amount: string; balance: string }) => [e.type, e.meter ?? e.grant, e.amount, e.balance])).toEqual([
      ["payment", "subscription", "5000", "5000"],
      ["payment", "purchase", "2000", "7000"],
      ["charge", "request", "-450", "6550"],
      ["charge", "request", "-220", "6330"],
    ]);
    expect(new Set(acme.map((e: { meter: string | null }) => e.meter))).toEqual(new Set([null, "request", "playground"]));
  });
});

describe("Flikly", async () => {
  const cycles = await statement("flikly");

  it("gives Free 5 one-time credits that never refresh", () => {
    const [may, june] = cycles("newbie");
    expect(grant(may!, "onetime")).toMatchObject({ opening: "5", consumed: "2", closing: "3" });
    expect(june!.grants.map((g) => g.kind)).toEqual(["onetime"]);
    expect(grant(june!, "onetime")).toMatchObject({ opening: "3", consumed: "2", closing: "1" });
    expect(june!.rejected).toEqual([expect.objectContaining({ reason: "credits exhausted" })]);
  });

  it("refreshes Creator's 30 credits at the start of the billing period, not on the 1st, without rollover", () => {
    const [may, june] = cycles("studio");
    expect(may!.start).toBe("2026-05-17T04:00:00Z");
    expect(june!.start).toBe("2026-06-17T04:00:00Z");
    expect(grant(may!, "included")).toMatchObject({ opening: "30", closing: "0" });
    expect(grant(june!, "included")).toMatchObject({ opening: "30" });
  });

  it("states the allowances per plan: 5 one-time, 30, 100, 250 per billing month, Custom negotiated", async () => {
    for (const [plan, included, onetime] of [["free", "0", "5"], ["creator", "30", "0"], ["pro", "100", "0"], ["team", "250", "0"]] as const) {
      const out = await burnrateJson(["statement", "--account", "fixtures/flikly/account.yaml", "--usage", "fixtures/flikly/usage.csv", "--plan", plan]);
      const studio = out.accounts.find((a: { account: string }) => a.account === "studio").cycles[0] as Cycle;
      expect(studio.grants.find((g) => g.kind === "included")?.opening ?? "0").toBe(included);
      expect(studio.grants.find((g) => g.kind === "onetime")?.opening ?? "0").toBe(onetime);
    }
    expect(grant(cycles("agency")[0]!, "included").opening).toBe("400");
  });

  it("expires add-on credits at the subscription's end when that is sooner than 12 months", () => {
    const [, june] = cycles("studio");
    expect(grant(june!, "addon")).toEqual({ kind: "addon", opening: "8", granted: "0", consumed: "5", expired: "3", closing: "0" });
  });

  it("varies cost by workflow, model, duration and resolution, and refuses plan-gated models", () => {
    const [may] = cycles("studio");
    expect(may!.lines.find((l) => l.dimensions.model === "luma")).toMatchObject({ quantity: "20", unit_price: "0.35", amount: "7" });
    expect(cycles("agency")[0]!.lines[0]).toMatchObject({ quantity: "120", unit_price: "1.3", amount: "156" });
    expect(may!.rejected).toContainEqual(expect.objectContaining({ reason: 'plan-gated: model "veo" is not on plan creator' }));
    expect(cycles("newbie")[0]!.rejected).toContainEqual(expect.objectContaining({ reason: 'plan-gated: model "runway" is not on plan free' }));
  });
});

describe("Flowly", async () => {
  const [nov, dec] = (await statement("flowly"))("workspace");

  it("spends monthly credits first, then bonus credits, which never expire", () => {
    expect(grant(nov!, "included")).toMatchObject({ opening: "1000", consumed: "1000", closing: "0" });
    expect(grant(nov!, "bonus")).toMatchObject({ granted: "500", consumed: "414", closing: "86" });
    expect(grant(dec!, "bonus")).toMatchObject({ opening: "86", consumed: "0", expired: "0", closing: "86" });
    expect(nov!.rejected).toContainEqual(expect.objectContaining({ reason: "credits exhausted", events: 1 }));
  });

  it("charges nothing for bring-your-own-key rows, which still appear per server and model", () => {
    const byok = nov!.lines.filter((l) => l.dimensions.byok === "true");
    expect(byok.map((l) => [l.component ?? "messages", l.quantity, l.amount])).toEqual([["messages", "200", "0"], ["input_tokens", "500000", "0"], ["output_tokens", "100000", "0"]]);
    expect(dec!.lines.filter((l) => l.dimensions.server === "srv-support").every((l) => l.amount === "0")).toBe(true);
  });

  it("uses credits differently by model", () => {
    const per = (model: string) => nov!.lines.find((l) => l.dimensions.model === model && l.dimensions.byok === "false" && l.component === "input_tokens")!.unit_price;
    expect(["claude-sonnet-4.5", "kimi-k2.5", "claude-haiku-4.5", "minimax-m2.1"].map(per)).toEqual(["0.003", "0.0024", "0.001", "0.0006"]);
  });

  it("breaks usage down per server and refuses a server's messages past its daily limit", () => {
    const support = nov!.lines.filter((l) => l.dimensions.server === "srv-support").reduce((t, l) => t + Number(l.amount), 0);
    expect(support).toBe(360);
    expect(nov!.rejected).toContainEqual({ meter: "message", reason: 'daily limit of 200 reached for server "srv-support"', events: 2, quantity: "30", first_at: "2026-11-03T11:00:00Z", first_line: "fixtures/flowly/usage.csv:7" });
  });

  it("alerts when credits run low, and again when they run low after the bonus lifted them", () => {
    // Below 150 on Nov 4; the 500 bonus credits of Nov 10 lift the balance above 150 (at least 500), and on Nov 20 it
    // falls to 86 (included closing 0, bonus closing 86, above): a second alert, where there was one a cycle (red team, stop 38).
    expect(nov!.alerts).toEqual([{ kind: "low_balance", level: "150", at: "2026-11-04T10:00:00Z" }, { kind: "low_balance", level: "150", at: "2026-11-20T10:00:00Z" }]);
  });
});
