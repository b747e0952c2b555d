import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callMeter, smallCard } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

/**
 * red20c #3 (stop 38). A card whose upgrade starts a new cycle (`plan_changes: { upgrade: new_cycle }`): Basic 10 USD
 * with 100 included, Pro 50 USD with 1,000; a call is 1 credit; credits at 0.01 USD. Anchored 2026-09-15 in New York
 * (00:00 EDT = 04:00Z). acme upgrades at 2026-10-25T12:00Z, bob at 2026-10-28T12:00Z, each then on cycles of its own:
 *   acme: 09-15T04Z..10-15T04Z, 10-15T04Z..10-25T12Z, 10-25T12Z..11-25T13Z (08:00 EST), 11-25T13Z..12-25T13Z
 *   bob:  09-15T04Z..10-15T04Z, 10-15T04Z..10-28T12Z, 10-28T12Z..11-28T13Z, 11-28T13Z..12-28T13Z
 * Each buys a pack on 10-20 (acme 500, bob 40). 3 calls each on 09-16, 10-20, 10-26, 11-26 and 12-01.
 */
function inputs(): string[] {
  const dir = mkdtempSync(join(tmpdir(), "fix20k-cycle-"));
  writeFileSync(join(dir, "card.yaml"), smallCard({
    top: ["plan_changes: { upgrade: new_cycle }"],
    kinds: ["pack: { priority: 2, expires: cycle_end, counts_toward_allowance: false }"],
    plans: ["basic: { label: Basic, included: 100, price: 10 }", "pro: { label: Pro, included: 1000, price: 50 }"],
    meters: [callMeter()],
  }));
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml
account: acme
plan: basic
anchor: 2026-09-15
timezone: America/New_York
grants:
  - { kind: pack, amount: 500, at: "2026-10-20T12:00:00Z" }
  - { kind: pack, amount: 40, at: "2026-10-20T12:00:00Z", account: bob }
changes:
  - { at: "2026-10-25T12:00:00Z", plan: pro }
accounts:
  bob:
    plan: basic
    changes:
      - { at: "2026-10-28T12:00:00Z", plan: pro }
`);
  const days = ["2026-09-16", "2026-10-20", "2026-10-26", "2026-11-26", "2026-12-01"];
  writeFileSync(join(dir, "usage.csv"), `timestamp,account,meter,quantity\n${days.flatMap((d) => [`${d}T12:00:00Z,acme,call,3`, `${d}T12:00:00Z,bob,call,3`]).join("\n")}\n`);
  return ["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];
}

type Cycle = { start: string; end: string; money: { total: string } };
type Account = { account: string; cycles: Cycle[]; cycles_left_out: { before: number; after: number } };

async function json(args: string[]): Promise<{ period: unknown; accounts: Account[] }> {
  const run = await burnrate([...args, "--format", "json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

const spans = (st: { accounts: Account[] }) => Object.fromEntries(st.accounts.map((a) => [a.account, a.cycles.map((c) => `${c.start}..${c.end}`)]));

describe("statement --cycle: each account's own cycles, once a new_cycle upgrade moved them (red team, stop 38)", () => {
  it("--cycle DATE is each account's one cycle holding DATE, not every cycle the anchor's month overlaps", async () => {
    const st = await json([...inputs(), "--cycle", "2026-10-26"]);
    // 2026-10-26 00:00 EDT = 04:00Z: acme's third cycle (started 10-25 12:00Z), bob's second (ends 10-28 12:00Z).
    expect(st.period).toEqual({ from: "2026-10-26T04:00:00Z", through: "2026-10-26T04:00:00Z" });
    expect(spans(st)).toEqual({
      acme: ["2026-10-25T12:00:00Z..2026-11-25T13:00:00Z"],
      bob: ["2026-10-15T04:00:00Z..2026-10-28T12:00:00Z"],
    });
    expect(st.accounts.map((a) => a.cycles_left_out)).toEqual([{ before: 2, after: 1 }, { before: 1, after: 2 }]);
    // acme: Pro's 50 USD, no credits bought. bob: Basic's 10 USD + 40 pack credits x 0.01 = 0.40 -> 10.40.
    expect(st.accounts.map((a) => a.cycles[0]!.money.total)).toEqual(["50", "10.4"]);
  });

  it("statements of consecutive months never show one cycle twice", async () => {
    const seen: Record<string, string[]> = { acme: [], bob: [] };
    for (const date of ["2026-09-26", "2026-10-26", "2026-11-26"]) {
      for (const [account, cycles] of Object.entries(spans(await json([...inputs(), "--cycle", date])))) seen[account]!.push(...cycles);
    }
    expect(seen).toEqual({
      acme: ["2026-09-15T04:00:00Z..2026-10-15T04:00:00Z", "2026-10-25T12:00:00Z..2026-11-25T13:00:00Z", "2026-11-25T13:00:00Z..2026-12-25T13:00:00Z"],
      bob: ["2026-09-15T04:00:00Z..2026-10-15T04:00:00Z", "2026-10-15T04:00:00Z..2026-10-28T12:00:00Z", "2026-10-28T12:00:00Z..2026-11-28T13:00:00Z"],
    });
  });

  it("--cycle FROM..THROUGH is each account's cycles with a part in those days, THROUGH's day whole", async () => {
    // 10-01 00:00 EDT is in both accounts' first cycle; acme's third starts at 08:00 EDT on 10-25, within THROUGH's day.
    const st = await json([...inputs(), "--cycle", "2026-10-01..2026-10-25"]);
    // THROUGH is its date's whole day: 10-25 ends at midnight EDT, 04:00 UTC on 10-26, less a millisecond.
    expect(st.period).toEqual({ from: "2026-10-01T04:00:00Z", through: "2026-10-26T03:59:59.999Z" });
    expect(spans(st)).toEqual({
      acme: ["2026-09-15T04:00:00Z..2026-10-15T04:00:00Z", "2026-10-15T04:00:00Z..2026-10-25T12:00:00Z", "2026-10-25T12:00:00Z..2026-11-25T13:00:00Z"],
      bob: ["2026-09-15T04:00:00Z..2026-10-15T04:00:00Z", "2026-10-15T04:00:00Z..2026-10-28T12:00:00Z"],
    });
  });

  it("--ledger keeps each account's transactions of its own cycles shown", async () => {
    const run = await burnrate([...inputs(), "--cycle", "2026-10-26", "--ledger", "--format", "csv"]);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.trim().split("\n").slice(1).map((r) => r.split(","));
    const charges = rows.filter((r) => r[2] === "charge").map((r) => `${r[1]} ${r[0]}`);
    // acme's cycle 10-25..11-25 holds its 10-26 call; bob's 10-15..10-28 its 10-20 and 10-26 calls.
    expect(charges).toEqual(["bob 2026-10-20T12:00:00Z", "acme 2026-10-26T12:00:00Z", "bob 2026-10-26T12:00:00Z"]);
  });
});

describe("statement CSV: each row's plan is its cycle's, the one whose fee its money bills (red team, stop 38)", () => {
  it("a Basic cycle's rows say basic after the account upgraded to Pro", async () => {
    const run = await burnrate([...inputs(), "--format", "csv"]);
    expect(run.code, run.stderr).toBe(0);
    const [head, ...rows] = run.stdout.trim().split("\n").map((r) => r.split(","));
    const col = (name: string) => head!.indexOf(name);
    const acme = rows.filter((r) => r[0] === "acme");
    // Fees: Basic 10 USD in the cycles before the upgrade (the second, cut at it, bills Basic's too), Pro 50 after.
    const fees = acme.filter((r) => r[col("kind")] === "money" && r[col("money_item")] === "plan").map((r) => [r[col("plan")], r[col("cycle_start")], r[col("money")]]);
    expect(fees).toEqual([
      ["basic", "2026-09-15T04:00:00Z", "10"],
      ["basic", "2026-10-15T04:00:00Z", "10"],
      ["pro", "2026-10-25T12:00:00Z", "50"],
      ["pro", "2026-11-25T13:00:00Z", "50"],
    ]);
    // Every row of a cycle carries the same plan: the usage of 09-16 (3 calls x 1 credit) is Basic's.
    const usage = acme.filter((r) => r[col("kind")] === "usage").map((r) => [r[col("plan")], r[col("cycle_start")], r[col("amount")]]);
    expect(usage[0]).toEqual(["basic", "2026-09-15T04:00:00Z", "3"]);
    for (const r of acme) expect(r[col("plan")], r.join(",")).toBe(r[col("cycle_start")]! < "2026-10-25T12:00:00Z" ? "basic" : "pro");
  });
});
