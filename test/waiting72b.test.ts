import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { quillCard } from "./helpers/cards.js";

// red72c: what waits for the cycle's end beside other changes. quill: starter 500 credits for 29, growth 2,000 for 99,
// scale 8,000 for 349; a job costs 1 credit; downgrades wait for the next cycle (next_cycle). gale is on scale from
// 1 October and asks for starter on 10 October, which waits for 1 November.
const card = (upgrade: string) => quillCard({ upgrade });

// 100 jobs on 15 October, 1,000 on 5 November (more than starter's 500), 1,000 on 20 November: a calendar
// November of 2,000 jobs, each event refused on starter's 500, both served on growth's 2,000 or scale's 8,000.
const USAGE = "timestamp,meter,quantity\n2026-10-15T10:00:00Z,job,100\n2026-11-05T10:00:00Z,job,1000\n2026-11-20T10:00:00Z,job,1000\n";
const DOWNGRADE = "changes:\n  - { at: 2026-10-10, plan: starter }\n";

function files(changes: string, upgrade = "prorated", extra = ""): string {
  const dir = mkdtempSync(join(tmpdir(), "waiting72b-"));
  writeFileSync(join(dir, "card.yaml"), card(upgrade));
  writeFileSync(join(dir, "account.yaml"), `card: card.yaml\naccount: gale\nplan: scale\nanchor: 2026-10-01\ntimezone: UTC\n${extra}${changes}`);
  writeFileSync(join(dir, "usage.csv"), USAGE);
  return dir;
}

async function statement(dir: string, format = "json") {
  return burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", format], { cwd: dir });
}

type Cycle = { start: string; allowance: string; total: string; rejected: { events: number }[]; money: { plan: string }; timeline?: Record<string, unknown>[] };
const cyclesOf = (stdout: string): Cycle[] => JSON.parse(stdout).accounts[0].cycles;
const refused = (c: Cycle) => c.rejected.reduce((n, r) => n + r.events, 0);
const WAITS = { change: "plan", to: "starter", applies_at: "2026-11-01T00:00:00Z" };

describe("an allowance cut while a downgrade waits (red72c H1)", () => {
  it("keeps the downgrade: November on starter, 29, 500 credits, both 1,000-job events refused; every output says so", async () => {
    const dir = files(DOWNGRADE + "  - { at: 2026-10-12, allowance: 4000 }\n");
    const r = await statement(dir);
    expect(r.code).toBe(0);
    const [october, november] = cyclesOf(r.stdout);
    // The cut is scale's: the downgrade opens November on starter's own 500, so the cut changes nothing, now or then.
    expect(october!.timeline![1]).toEqual({ at: "2026-10-12T00:00:00Z", change: "allowance", from: "8000", to: "4000", granted: "0", removed: "0", applies_at: null, still_waits: WAITS });
    // Before the fix: scale, 4,000, 349, the 2,000 jobs served.
    expect([november!.money.plan, november!.allowance, november!.total, refused(november!)]).toEqual(["29", "500", "0", 2]);
    expect(r.stderr).toContain("account.yaml:8:5 names allowance 4000 of \"gale\" while the downgrade to starter (account.yaml:7:5) waits for 2026-11-01T00:00:00Z: it changes nothing");
    const table = (await statement(dir, "table")).stdout;
    expect(table).toContain("changes nothing; the downgrade to starter still applies from 2026-11-01 00:00");
    const csv = (await statement(dir, "csv")).stdout;
    expect(csv).toContain(",allowance,8000,4000,0,0,,plan,starter,2026-11-01T00:00:00Z");
  });

  it("a later cancel takes both back: November on scale, 349, 8,000 credits, 2,000 served; no note, no still_waits", async () => {
    const r = await statement(files(DOWNGRADE + "  - { at: 2026-10-12, allowance: 4000 }\n  - { at: 2026-10-20, cancel_scheduled: true }\n"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [october, november] = cyclesOf(r.stdout);
    expect(october!.timeline![1]).not.toHaveProperty("still_waits");
    expect(october!.timeline![2]).toMatchObject({ change: "cancel_scheduled", from: "starter", to: "scale", took_back: WAITS });
    expect([november!.money.plan, november!.allowance, november!.total, refused(november!)]).toEqual(["349", "8000", "2000", 0]);
  });
});

describe("an allowance raised while a downgrade waits, under upgrade: new_cycle (red72c H2)", () => {
  const RAISE = DOWNGRADE + "  - { at: 2026-10-15, allowance: 9000 }\n";

  it("opens the 15 October cycle on scale with 9,000 credits; the downgrade waits for its end, 15 November", async () => {
    const dir = files(RAISE, "new_cycle");
    const r = await statement(dir);
    expect(r.code).toBe(0);
    const [first, second, third] = cyclesOf(r.stdout);
    expect(first!.timeline![0]).toMatchObject({ change: "plan", to: "starter", applies_at: "2026-11-15T00:00:00Z" });
    // 1 Oct to 15 Oct on scale (349, nothing used: its 8,000 lapse at the upgrade); 15 Oct to 15 Nov on scale with
    // 9,000: the 100 + 1,000 jobs served. Before the fix it opened on starter (29, 500) and refused the 1,000.
    expect([second!.start, second!.money.plan, second!.allowance, second!.total, refused(second!)]).toEqual(["2026-10-15T00:00:00Z", "349", "9000", "1100", 0]);
    expect(second!.timeline![0]).toEqual({ at: "2026-10-15T00:00:00Z", change: "allowance", from: "8000", to: "9000", granted: "9000", removed: "8000", applies_at: null, still_waits: { ...WAITS, applies_at: "2026-11-15T00:00:00Z" } });
    // From 15 November on starter: 29, 500 credits, the 1,000 jobs of the 20th refused.
    expect([third!.start, third!.money.plan, third!.allowance, refused(third!)]).toEqual(["2026-11-15T00:00:00Z", "29", "500", 1]);
    expect(r.stderr).toContain("waits for 2026-11-15T00:00:00Z: it raises the allowance until then, and the downgrade to starter still applies then");
    expect((await statement(dir, "table")).stdout).toContain("the downgrade to starter still applies from 2026-11-15 00:00");
  });

  it("a cancel on 20 October takes the downgrade back (it was refused as applied at 1 November): 15 November on scale, 9,000", async () => {
    const r = await statement(files(RAISE + "  - { at: 2026-10-20, cancel_scheduled: true }\n", "new_cycle"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [, second, third] = cyclesOf(r.stdout);
    expect(second!.timeline![1]).toMatchObject({ change: "cancel_scheduled", took_back: { ...WAITS, applies_at: "2026-11-15T00:00:00Z" } });
    expect([third!.money.plan, third!.allowance, third!.total, refused(third!)]).toEqual(["349", "9000", "1000", 0]);
  });
});

describe("still_waits and the note only while true (red72c M1)", () => {
  it("no note for a re-statement in a cycle a new_cycle upgrade closed, the downgrade then taken back", async () => {
    const r = await statement(files(DOWNGRADE + "  - { at: 2026-10-12, plan: scale }\n  - { at: 2026-10-15, allowance: 9000 }\n  - { at: 2026-10-20, cancel_scheduled: true }\n", "new_cycle"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [, , third] = cyclesOf(r.stdout);
    expect([third!.money.plan, third!.allowance]).toEqual(["349", "9000"]);
  });

  const RESTATE = DOWNGRADE + "  - { at: 2026-10-15, plan: scale }\n";

  it("a re-statement, then a cancel: no note, the re-statement's row no longer says the downgrade still applies", async () => {
    const dir = files(RESTATE + "  - { at: 2026-10-20, cancel_scheduled: true }\n");
    const r = await statement(dir);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [october, november] = cyclesOf(r.stdout);
    expect(october!.timeline![1]).toEqual({ at: "2026-10-15T00:00:00Z", change: "plan", from: "scale", to: "scale", granted: "0", removed: "0", applies_at: null });
    expect([november!.money.plan, november!.allowance]).toEqual(["349", "8000"]);
    expect((await statement(dir, "table")).stdout).not.toContain("still applies");
  });

  it("a re-statement, then growth replacing the downgrade: no note; November on growth, 99, 2,000 credits, 2,000 served", async () => {
    const r = await statement(files(RESTATE + "  - { at: 2026-10-20, plan: growth }\n"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const [october, november] = cyclesOf(r.stdout);
    expect(october!.timeline![1]).not.toHaveProperty("still_waits");
    expect([november!.money.plan, november!.allowance, november!.total, refused(november!)]).toEqual(["99", "2000", "2000", 0]);
  });
});

describe("the plan in force named at the cycle's start re-states it (red72d H1, H2)", () => {
  // A CRM export states the plan each night at 00:00: its row of 1 November still says scale. Taken as a change back, it
  // undid the downgrade (November on scale, 349, both 1,000-job events served) and an allowance cut with it.
  it("scale named at 1 November while starter waits: November on starter, 29, 500 credits, both 1,000-job events refused", async () => {
    const r = await statement(files(DOWNGRADE + "  - { at: 2026-11-01, plan: scale }\n"));
    expect(r.code).toBe(0);
    const [, november] = cyclesOf(r.stdout);
    expect([november!.money.plan, november!.allowance, november!.total, refused(november!)]).toEqual(["29", "500", "0", 2]);
  });

  it("scale named at 1 November while a cut to 2,000 waits: November on scale with 2,000 (not 8,000), 349, its 2 x 1,000 jobs just served", async () => {
    const r = await statement(files("changes:\n  - { at: 2026-10-10, allowance: 2000 }\n  - { at: 2026-11-01, plan: scale }\n"));
    expect(r.code).toBe(0);
    const [, november] = cyclesOf(r.stdout);
    expect([november!.money.plan, november!.allowance, november!.total, refused(november!)]).toEqual(["349", "2000", "2000", 0]);
  });
});

describe("refusals (red72c M3, M4)", () => {
  it("refuses cancel_scheduled after the subscription's end, as a plan change then is", async () => {
    const r = await statement(files(DOWNGRADE + "  - { at: 2026-10-12, subscription_end: 2026-10-25 }\n  - { at: 2026-10-28, cancel_scheduled: true }\n  - { at: 2026-11-10, subscription_end: 2027-06-01 }\n"));
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("account.yaml:9:5: cancel_scheduled change after the subscription ended (expected a change before the subscription's end (2026-10-25T00:00:00Z)")]);
  });

  it("refuses an empty account name on a grant and on a change, at its key", async () => {
    const grant = await statement(files("", "prorated", 'grants:\n  - { kind: included, amount: 100, at: 2026-10-05, account: "" }\n'));
    expect([grant.code, grant.stderr]).toEqual([2, expect.stringContaining('account.yaml:7:61: wrong value (expected an account\'s name (not empty), found "")')]);
    const change = await statement(files('changes:\n  - { at: 2026-10-10, plan: starter, account: "" }\n'));
    expect([change.code, change.stderr]).toEqual([2, expect.stringContaining('account.yaml:7:47: wrong value (expected an account\'s name (not empty), found "")')]);
  });
});

describe("the notes of a file that writes no account: of its own (red72c L1, L2)", () => {
  // Three accounts' usage: gale (named nowhere), dune (under accounts:); a file without account: bills "default" apart.
  const MANY = "timestamp,account,meter,quantity\n2026-10-15T10:00:00Z,gale,job,100\n2026-10-15T10:00:00Z,dune,job,300\n";
  function unnamed(body: string): string {
    const dir = mkdtempSync(join(tmpdir(), "waiting72b-"));
    writeFileSync(join(dir, "card.yaml"), card("prorated"));
    writeFileSync(join(dir, "account.yaml"), `card: card.yaml\nplan: scale\nanchor: 2026-10-01\ntimezone: UTC\n${body}accounts:\n  dune: { plan: scale }\n`);
    writeFileSync(join(dir, "usage.csv"), MANY);
    return dir;
  }

  it("a change written account: default is not said to name no account", async () => {
    const r = await statement(unnamed("changes:\n  - { at: 2026-10-10, plan: starter, account: default }\n  - { at: 2026-10-12, plan: starter, account: dune }\n"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('burnrate: note: a change (account.yaml:6:5) is "default"\'s (its account: or, left out, that of an account file that writes no account: of its own), which no row is');
    expect(r.stderr).not.toContain("names no account");
  });

  it("the warning for a grant without account: there asks for the account meant, not for account: default to say so", async () => {
    const dir = unnamed("");
    writeFileSync(join(dir, "account.yaml"), readFileSync(join(dir, "account.yaml"), "utf8").replace("accounts:", "grants:\n  - { kind: included, amount: 100, at: 2026-10-05 }\naccounts:"));
    const w = await statement(dir);
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('account.yaml:6:5: a grant without account: goes to "default", the account of a file that writes no account: of its own, in a file that names accounts under accounts:; write the account meant ("dune"), or account: default only where a customer of that name is meant');
    expect(w.stderr).not.toContain("to say so");
  });

  it("docs/accounts.md's \"Every key\" example names each grant's account, as the warning asks of such a file", () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, "docs/accounts.md"), "utf8"))![1]!;
    expect(example).toMatch(/^accounts:/m);
    const grants = /^grants:.*\n((?: {2}- .*\n)+)/m.exec(example)![1]!.trim().split("\n");
    expect(grants.length).toBeGreaterThan(0);
    for (const g of grants) expect(g).toMatch(/account: \w+/);
  });
});
