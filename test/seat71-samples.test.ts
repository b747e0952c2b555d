import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { callCard } from "./helpers/payg.js";

// A per-user item of a unique "seat" meter under --samples: drawn Poisson around 1, about 37% of users drew 0 and were
// not charged their seat, so the sampled money fell below the deterministic money without a word. An item may say how
// its own quantity is drawn (`distribution: fixed` for a seat), and a seat left drawn is named in a note.
//
// Card: a seat (unique by user) at 200 credits, a call (flow) at 0 credits; Team includes 1,000 credits for 10 USD, its
// pool bills overage at the credit price of 0.01 USD.
const CARD = callCard({ provider: "seats", policy: "overage", plan: "team: { label: Team, included: 1000, price: 10 }", price: "0" }).replace("currency: USD\n", 'currency: USD\ncredit_price: "0.01"\n') +
  '  seat: { description: a seat, aggregation: unique, key: [user], category: c, pool: p, price: "200" }\n';

function scenario(population: string, seat: string): string {
  const dir = mkdtempSync(join(tmpdir(), "seat71-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "s.yaml"), `name: seats\ncard: card.yaml\nplan: team\nstart: 2027-01-01\ncycles: 2\ntimezone: UTC\npopulations:\n  - name: dev\n    users: 10\n${population}    per_user:\n      - ${seat}\n      - { meter: call, quantity: 50 }\n`);
  return dir;
}

describe("a per-user item's own distribution under --samples", () => {
  it("distribution: fixed charges every seat in every sample, the population's other item still drawn", async () => {
    // A geometric population (one level a user, so its call counts vary), its seat fixed. Each cycle: 10 seats x 200 =
    // 2,000 credits (calls cost 0), 1,000 past Team's 1,000 billed at 0.01 = 10 USD, plus the 10 USD fee: 20 USD a
    // cycle, 40 USD over two, in every sample: p50, p90 and p99 are the deterministic 40.
    const dir = scenario("    distribution: geometric\n", "{ meter: seat, quantity: 1, distribution: fixed }");
    const r = await burnrate(["simulate", "s.yaml", "--samples", "5", "--seed", "7", "--format", "json"], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const out = JSON.parse(r.stdout);
    expect(out.plans[0].money).toBe("40");
    const sampled = out.samples.plans[0];
    expect(sampled.money).toEqual({ p50: "40", p90: "40", p99: "40" });
    expect(sampled.cycles.map((c: { total: unknown }) => c.total)).toEqual([{ p50: "2000", p90: "2000", p99: "2000" }, { p50: "2000", p90: "2000", p99: "2000" }]);
  });

  it("a seat left Poisson around 1 is named in a note, on stderr and under the sampled table", async () => {
    const dir = scenario("", "{ meter: seat, quantity: 1 }");
    const r = await burnrate(["simulate", "s.yaml", "--samples", "3", "--format", "markdown"], { cwd: dir });
    expect(r.code).toBe(0);
    // Poisson(1) draws 0 with probability e^-1 = 0.36788: 36.8%. The seat is item 1 of the population, at line 11.
    const text = '--samples draws seat of population "dev" Poisson around 1 a user: about 36.8% of users draw 0 in a cycle';
    expect(r.stderr).toBe(`burnrate: note: s.yaml:11:9: ${text}, and its unique meter charges them nothing, so the sampled figures fall below the deterministic ones; where every user is charged each cycle (a seat), distribution: fixed on the item says so\n`);
    expect(r.stdout.replace(/\s+/g, " ")).toContain(`${text}, and its unique meter charges them nothing`);
    expect(r.stdout.replace(/\s+/g, " ")).toContain("on the item says so (line 11).");
  });

  it("names a geometric seat's share of zeros, and says nothing of a mean where few draw 0, or without --samples", async () => {
    // Geometric (Poisson at an exponential level of mean 1) draws 0 with probability 1 / (1 + m): a half at m = 1.
    const geometric = await burnrate(["simulate", "s.yaml", "--samples", "2", "--format", "json"], { cwd: scenario("    distribution: geometric\n", "{ meter: seat, quantity: 1 }") });
    expect(geometric.stderr).toContain('draws seat of population "dev" geometric around 1 a user: about 50.0% of users draw 0');
    // Poisson around 3 draws 0 with e^-3 = 4.98%, under one in 20: no note; nor with the seat fixed, nor without --samples.
    const few = await burnrate(["simulate", "s.yaml", "--samples", "2", "--format", "json"], { cwd: scenario("", "{ meter: seat, quantity: 3 }") });
    expect([few.code, few.stderr]).toEqual([0, ""]);
    const unsampled = await burnrate(["simulate", "s.yaml", "--format", "json"], { cwd: scenario("", "{ meter: seat, quantity: 1 }") });
    expect([unsampled.code, unsampled.stderr]).toEqual([0, ""]);
  });

  it("takes the population's names only, told at the item's key", async () => {
    const r = await burnrate(["simulate", "s.yaml", "--format", "json"], { cwd: scenario("", "{ meter: seat, quantity: 1, distribution: constant }") });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("s.yaml:11:");
    expect(r.stderr).toMatch(/poisson.*geometric.*fixed/);
  });
});
