import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { Decimal } from "../src/money.js";
import { binary as burnrate, burnrate as inProcess, burnrateJson as inProcessJson, ROOT } from "./helpers/cli.js";

const CARD = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "burnrate-gates-"));

function variant(name: string, from: string, to: string): string {
  expect(CARD.includes(from), `no ${from}`).toBe(true);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, CARD.replace(from, to));
  return file;
}

// data_write from 0.05 to 0.06 a write: +20% on every write the credits cover.
const writesUp = variant("writes-up", 'price: "0.05"             # "0.05 per write"', 'price: "0.06"');
const SAMPLE = ["--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv"];
const diffArgs = (...more: string[]) => ["diff", "--base", "ratecards/fliplet.yaml", "--card", writesUp, ...SAMPLE, ...more];
/**
 * The diff without gates, as JSON and as a table, made once for the tests that read them. Gates are run on the binary
 * (their exit code is the point); what only reads a report runs in process.
 */
let plainJson: Promise<any> | undefined;
const plainDiff = () => (plainJson ??= inProcessJson(diffArgs()));
let tableText: Promise<string> | undefined;
const tableDiff = () => (tableText ??= inProcess(diffArgs("--format", "table")).then((r) => r.stdout));

interface Line { meter: string; quantity: string; amount: string }
interface Cycle { start: string; lines: Line[]; rejected: { meter: string; events: number }[] }

/** The base statement: where the expectations come from (quantities, at the card's prices). */
const base: { accounts: { cycles: Cycle[] }[] } = await inProcessJson(["statement", ...SAMPLE]);
const cycles = base.accounts[0]!.cycles;
const writes = (c: Cycle) => c.lines.filter((l) => l.meter === "data_write").reduce((s, l) => s.plus(l.quantity), new Decimal(0));
const refusedWrites = (c: Cycle) => c.rejected.filter((r) => r.meter === "data_write").reduce((n, r) => n + r.events, 0);
/** Cycles where the credits covered every write under the base card: there the rise is exactly 0.01 a write, +20%. */
const covered = cycles.filter((c) => refusedWrites(c) === 0 && writes(c).gt(0));
const exhausted = cycles.find((c) => refusedWrites(c) > 0)!;
const baseTotal = cycles.reduce((s, c) => s.plus(c.lines.reduce((t, l) => t.plus(l.amount), new Decimal(0))), new Decimal(0));

describe("burnrate diff: per-meter gates", () => {
  it("the sample has cycles where writes were all charged, and one where the credits ran out", () => {
    expect(covered.length).toBeGreaterThanOrEqual(2);
    expect(exhausted).toBeDefined();
  });

  it("--fail-over-meter 10 trips on a +20% meter change that moves the total by less than 1%", () => {
    const run = burnrate(diffArgs("--fail-over-meter", "10", "--fail-over", "1", "--format", "json"));
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    // The total credits pass the total gate: they move by less than 1% ...
    // (Stop 36: fail_over also says whether money or the credits drawn from paid grants rose past it; neither moves here.)
    // (Stop 37: and whether the prices on the usage both cards serve did, which they do: in the cycle where the credits
    // ran out, the new card refuses writes the base card charged, and the fall hides the rise. The +0.01 a write on every
    // write both cards serve, 1.11% of what those writes and the rest cost under the base card, is past 1%.)
    expect(json.fail_over).toEqual({ percent: "1", exceeded: true, credits_exceeded: false, money_exceeded: false, paid_credits_exceeded: false, prices_exceeded: true, refused_exceeded: false, expired_exceeded: false });
    expect(new Decimal(json.total_delta).abs().mul(100).div(baseTotal).lt(1)).toBe(true);
    const servedWrites = json.changes.filter((c: { meter: string }) => c.meter === "data_write").reduce((n: Decimal, c: { old: string; new: string }) => n.plus(Decimal.min(new Decimal(c.old).div("0.05"), new Decimal(c.new).div("0.06"))), new Decimal(0));
    expect(json.served.delta).toBe(servedWrites.mul("0.01").toFixed());
    // ... while data_write rises by 20% in every cycle where the credits covered it.
    const gate = json.gates[0];
    expect(gate).toMatchObject({ flag: "--fail-over-meter", limit: "10", exceeded: true });
    const tripped = gate.changes.filter((c: { meter: string }) => c.meter === "data_write");
    expect(tripped.map((c: { delta: string }) => c.delta).sort()).toEqual(covered.map((c) => writes(c).mul("0.01").toFixed()).sort());
    expect(tripped.every((c: { delta_percent: string }) => c.delta_percent === "20")).toBe(true);
    const largest = covered.map((c) => writes(c).mul("0.01")).reduce((a, b) => (a.gt(b) ? a : b));
    expect(run.stderr).toMatch(new RegExp(`^burnrate: \\d+ meter change\\(s\\) past --fail-over-meter 10%; largest: data_write \\+${largest.toFixed().replace(".", "\\.")} credits \\(\\+20%\\)`, "m"));
  });

  it("a meter rise of exactly the limit passes", () => {
    const run = burnrate(diffArgs("--fail-over-meter", "20", "--format", "json"));
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.gates[0].changes.filter((c: { meter: string }) => c.meter === "data_write")).toEqual([]);
  });

  it("--fail-over-amount compares credits: the largest rise passes at its own size, trips just under it", async () => {
    const json = await plainDiff();
    const largest = json.changes.map((c: { delta: string }) => new Decimal(c.delta)).reduce((a: Decimal, b: Decimal) => (a.gt(b) ? a : b));
    expect(burnrate(diffArgs("--fail-over-amount", largest.toFixed(), "--format", "json")).code).toBe(0);
    const under = burnrate(diffArgs("--fail-over-amount", largest.minus("0.01").toFixed(), "--format", "json"));
    expect(under.code).toBe(1);
    expect(JSON.parse(under.stdout).gates[0].changes[0].delta).toBe(largest.toFixed());
  });

  it("a meter rising from 0 is over any percentage", () => {
    const freeSms = variant("sms-free", 'price: "0.5"              # "0.5 per message"', 'price: "0"');
    const run = burnrate(["diff", "--base", freeSms, "--card", "ratecards/fliplet.yaml", "--usage", "fixtures/ci/fliplet/sms-100.csv", "--plan", "pro", "--anchor", "2026-11-01",
      "--fail-over-meter", "100000", "--format", "json"]);
    expect(run.code).toBe(1);
    // 100 messages at 0.5.
    expect(JSON.parse(run.stdout).gates[0].changes).toEqual([expect.objectContaining({ meter: "sms", old: "0", new: "50", delta_percent: null })]);
    expect(run.stderr).toContain("sms +50 credits, from 0");
  });

  it("--fail-under-meter and --fail-under-amount catch cuts, not rises", () => {
    const cheaper = variant("writes-down", 'price: "0.05"             # "0.05 per write"', 'price: "0.04"');
    const args = ["diff", "--base", "ratecards/fliplet.yaml", "--card", cheaper, ...SAMPLE, "--format", "json"];
    const under = burnrate([...args, "--fail-under-meter", "10"]);
    expect(under.code).toBe(1);
    const gate = JSON.parse(under.stdout).gates[0];
    expect(gate.flag).toBe("--fail-under-meter");
    // At least every cycle where the credits covered the writes: 0.01 less a write, -20%.
    expect(gate.changes.filter((c: { meter: string }) => c.meter === "data_write").map((c: { delta: string }) => c.delta))
      .toEqual(expect.arrayContaining(covered.map((c) => writes(c).mul("-0.01").toFixed())));
    // Cheaper writes never rise; what does rise (reads the credits now reach) is labelled as the credits running out later.
    const over = JSON.parse(burnrate([...args, "--fail-over-meter", "10"]).stdout).gates[0].changes;
    expect(over.filter((c: { meter: string }) => c.meter === "data_write")).toEqual([]);
    expect(over.every((c: { cause: string | null }) => c.cause === "credits_ran_out_later")).toBe(true);
    expect(burnrate([...args, "--fail-under-amount", "1000"]).code).toBe(0);
  });

  it("rejects a limit that is not a plain decimal of 0 or more", () => {
    expect(burnrate(diffArgs("--fail-over-amount", "-1"))).toEqual({ code: 2, stdout: "",
      stderr: 'burnrate: error: --fail-over-amount: bad --fail-over-amount (expected an amount in credits of 0 or more, such as 50 or 2.5, found "-1")\n' });
    expect(burnrate(diffArgs("--fail-under-meter", "ten")).code).toBe(2);
  });
});

describe("burnrate diff: changes the credits running out explain, labelled on their line", () => {
  const start = exhausted.start;
  const local = "2026-10-14";

  it("JSON and CSV give the refused events on both sides and the cause", async () => {
    const json = await plainDiff();
    const row = json.changes.find((c: { meter: string; cycle: string }) => c.meter === "data_write" && c.cycle === start);
    // A dearer write spends the credits sooner: more writes refused, fewer charged, so the meter falls.
    expect(row.old_refused).toBe(refusedWrites(exhausted));
    expect(row.new_refused).toBeGreaterThan(row.old_refused);
    expect(row.cause).toBe("credits_ran_out_earlier");
    expect(new Decimal(row.delta).lt(0)).toBe(true);
    const csv: Record<string, string>[] = parse((await inProcess(diffArgs("--format", "csv"))).stdout, { columns: true });
    expect(csv.find((r) => r.meter === "data_write" && r.cycle === start)).toMatchObject({ cause: "credits_ran_out_earlier", old_refused: String(row.old_refused), new_refused: String(row.new_refused) });
    expect(csv.find((r) => r.meter === "data_write" && r.cycle === covered[0]!.start)).toMatchObject({ cause: "" });
  });

  it("the table and the markdown say so on the line itself", async () => {
    const json = await plainDiff();
    const row = json.changes.find((c: { meter: string; cycle: string }) => c.meter === "data_write" && c.cycle === start);
    const label = `more events refused for want of credits: ${row.old_refused} → ${row.new_refused}`;
    const table = (await tableDiff()).split("\n");
    // In the "Changed lines" table: the note on the refused usage above it names the cycle and meter too (stop 38).
    expect(table.slice(table.indexOf("Changed lines")).find((l) => l.includes(local) && l.includes("data_write"))).toContain(label);
    const md = (await inProcess(diffArgs("--format", "markdown"))).stdout;
    const changed = md.slice(0, md.indexOf("<details>"));
    expect(changed.split("\n").find((l) => l.startsWith("|") && l.includes(local) && l.includes("data_write"))).toMatch(new RegExp(`\\| ${label} \\|$`));
  });

  it("the headline names the largest per-meter changes", async () => {
    const json = await plainDiff();
    const table = await tableDiff();
    const meter = json.meters.reduce((a: { delta: string }, b: { delta: string }) => (new Decimal(a.delta).abs().gte(new Decimal(b.delta).abs()) ? a : b));
    expect(meter.meter).toBe("data_write");
    expect(table).toMatch(/Largest by meter: data_write \+[\d.]+ \(\+[\d.]+%\)/);
  });
});
