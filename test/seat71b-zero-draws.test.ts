import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { callCard } from "./helpers/payg.js";

// red71c L1, L2: the note on users drawing 0 of a unique meter under --samples was per item (two seat items each said
// 36.8%, and a seat item beside a fixed one said so though every user is charged), and for billing: per_user it sat
// under the sampled table of the scenario's own account, which has no usage, not under the users' own accounts.
// Card: a seat (unique by user) at 200 credits; Team includes 1,000 credits for 10 USD, overage at 0.01 USD a credit.
const CARD = callCard({ provider: "seats", policy: "overage", plan: "team: { label: Team, included: 1000, price: 10 }", price: "0" }).replace("currency: USD\n", 'currency: USD\ncredit_price: "0.01"\n') +
  '  seat: { description: a seat, aggregation: unique, key: [user], category: c, pool: p, price: "200" }\n';

/** A population of 10 users (its extra lines after `users:`), its per-user items one a line from line 11. */
function folder(population: string, items: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "seat71b-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "s.yaml"), `name: seats\ncard: card.yaml\nplan: team\nstart: 2027-01-01\ncycles: 1\ntimezone: UTC\npopulations:\n  - name: dev\n    users: 10\n${population}    per_user:\n${items.map((i) => `      - ${i}\n`).join("")}`);
  return dir;
}

const run = (dir: string, format = "json") => burnrate(["simulate", "s.yaml", "--samples", "2", "--seed", "1", "--format", format], { cwd: dir });

describe("users drawing 0 of a unique meter, judged across the population's items on it", () => {
  it("two Poisson seat items: one note, at the share of users both leave at 0", async () => {
    // Each draws 0 with e^-1; both with e^-1 x e^-1 = e^-2 = 0.135335: 13.5%. Said once, at the first item (line 11).
    const r = await run(folder("", ["{ meter: seat, quantity: 1 }", "{ meter: seat, quantity: 1 }"]));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('burnrate: note: s.yaml:11:9: --samples draws seat of population "dev" in 2 items (Poisson around 1 a user; Poisson around 1 a user): about 13.5% of users draw 0 in every one of them in a cycle, and its unique meter charges them nothing, so the sampled figures fall below the deterministic ones; where every user is charged each cycle (a seat), distribution: fixed on the item says so\n');
  });

  it("a geometric and a Poisson seat item share the user's level: e^-1 / (1 + 1)", async () => {
    // Geometric is Poisson at an exponential level L of mean 1, one a user: P(0) = E[e^-L] = 1/2 for m = 1; with the
    // Poisson item's e^-1: 0.367879 / 2 = 0.183940, 18.4%.
    const r = await run(folder("    distribution: geometric\n", ["{ meter: seat, quantity: 1 }", "{ meter: seat, quantity: 1, distribution: poisson }"]));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("in 2 items (geometric around 1 a user; Poisson around 1 a user): about 18.4% of users draw 0 in every one of them");
  });

  it("no note where a fixed item on the meter charges every user", async () => {
    const r = await run(folder("", ["{ meter: seat, quantity: 1, distribution: fixed }", "{ meter: seat, quantity: 1 }"]));
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });

  it("billing: per_user: the note is under the users' own accounts, where the drawn seats are", async () => {
    // Poisson around 1: e^-1 = 36.8%. The billing: line moves the item to line 12.
    const r = await run(folder("    billing: per_user\n", ["{ meter: seat, quantity: 1 }"]), "markdown");
    expect(r.code).toBe(0);
    const text = '--samples draws seat of population "dev" Poisson around 1 a user: about 36.8% of users draw 0 in a cycle, and its unique meter charges them nothing, so the users\' own accounts (billing: per_user) come to less than they would without --samples; where every user is charged each cycle (a seat), distribution: fixed on the item says so';
    expect(r.stderr).toBe(`burnrate: note: s.yaml:12:9: ${text}\n`);
    const out = r.stdout.replace(/\s+/g, " ");
    const note = out.indexOf(`${text} (line 12).`);
    expect(note).toBeGreaterThan(out.indexOf("Users' own accounts: money each"));
    expect(note).toBeLessThan(out.indexOf("Sampled: 2 runs"));
    expect(out.indexOf(text, note + 1)).toBe(-1);
  });
});
