import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AccountStatement, CycleStatement, Statement, StatementLine } from "../src/engine/types.js";
import { Decimal, formatExact } from "../src/money.js";
import { emit, writeAtomically } from "../src/output.js";
import { jsonString, jsonVisible } from "../src/render/shared/escape.js";
import { byteOutput, JsonBytes } from "../src/render/shared/json-bytes.js";
import { statementJson } from "../src/render/statement/json.js";
import { statementJsonText } from "../src/render/statement/json-text.js";
import { InstantBytes } from "../src/render/statement/line-bytes.js";
import { formatInstant } from "../src/time.js";

// The statement's JSON is written as bytes into one reused buffer, given out a MiB at a time;
// its expectations are the contract itself: statementJson's objects as JSON.stringify and
// jsonVisible write them, encoded as UTF-8.
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const dir = mkdtempSync(join(tmpdir(), "burnrate-writer9-"));

const taken = (out: JsonBytes) => out.take().toString("utf8");

describe("JSON written as bytes", () => {
  it("writes a string as jsonString does and any text as its UTF-8, whatever the characters", () => {
    const unit = fc.constantFrom("a", "~", " ", '"', "\\", "\n", "\u0000", "\u001f", "\u007f", "\u0085", "\u009b", "é", "€", "\u2028", "\u202e", "\ud800", "\udfff", "\ud83d\ude00");
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 12 }), { maxLength: 8 }), (texts) => {
        const out = new JsonBytes();
        for (const t of texts) out.string(t);
        expect(taken(out)).toBe(texts.map(jsonString).join(""));
        for (const t of texts) out.text(jsonString(t));
        expect(out.take().equals(Buffer.from(texts.map(jsonString).join("")))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("writes a decimal's words as formatExact writes it, quoted, from 1e-40 to 1e40", () => {
    const decimal = fc.oneof(
      fc.tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: -40, max: 40 })).map(([n, shift]) => new Decimal(n.toString()).mul(new Decimal(10).pow(shift))),
      fc.constantFrom("1e7", "1e-7", "1e-9", "10000000.5", "-0.0000001", "9999999", "99999999", "0.25", "-2.5", "1e40", "1e-40").map((v) => new Decimal(v)),
    );
    fc.assert(
      fc.property(fc.array(decimal, { maxLength: 6 }), (values) => {
        const out = new JsonBytes();
        const nonzero = values.filter((v) => !v.isZero());
        for (const v of nonzero) out.decimal(v.d, v.e, v.s < 0);
        expect(taken(out)).toBe(nonzero.map((v) => `"${formatExact(v)}"`).join(""));
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it("writes an instant seen once as formatInstant writes it, before 1970 and after 9999 too", () => {
    const instant = fc.oneof(fc.integer({ min: -62_198_755_200_000, max: 300_000_000_000_000 }), fc.integer({ min: 0, max: 4_102_444_800 }).map((s) => s * 1000), fc.constantFrom(0, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -1));
    fc.assert(
      fc.property(fc.array(instant, { maxLength: 6 }), (ats) => {
        const out = new JsonBytes();
        const instants = new InstantBytes(out);
        for (const at of ats) instants.write(at);
        expect(taken(out)).toBe(ats.map((at) => `"${formatInstant(at)}"`).join(""));
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it("makes room for an item longer than its buffer, keeping what was written before it", () => {
    const out = new JsonBytes();
    out.text("[");
    const long = "é".repeat(1_500_000);
    out.string(long);
    out.text("]");
    expect(out.full).toBe(true);
    expect(taken(out)).toBe(`["${long}"]`);
    expect(out.full).toBe(false);
  });
});

const D = (v: string) => new Decimal(v);

/** Lines sharing dimension records and amounts, as the engine's lines of one shape do, and amounts that differ only in sign or exponent. */
function statementOf(accounts: number): Statement {
  const shared = { project: "p0001" };
  const amounts = ["0.25", "2.5", "-0.25", "25", "0.025", "1e-9", "-0", "1234567", "12345678.5", "1023", "1024", "-7"];
  const line = (i: number, dimensions: Readonly<Record<string, string>>): StatementLine => ({
    meter: i % 3 === 0 ? "end_user_open" : "d\u00e9j\u00e0",
    component: undefined,
    kind: "usage",
    category: i % 2 === 0 ? "end_users" : "other",
    pool: "run",
    dimensions,
    quantity: D(amounts[i % amounts.length]!),
    unitPrice: D(amounts[(i + 1) % amounts.length]!),
    amount: D(amounts[(i + 2) % amounts.length]!),
    events: i,
  });
  const cycle = (a: number): CycleStatement => ({
    index: 0, start: Date.UTC(2026, 8, 1), end: Date.UTC(2026, 9, 1), renews: Date.UTC(2026, 9, 1), allowance: D("3"), allowanceUsed: D(amounts[a % amounts.length]!), total: D("0.65"),
    uncovered: a % 5 === 0 ? D("0.5") : D("0"),
    lines: Array.from({ length: 3 }, (_, i) => line(a + i, i === 2 ? { project: `p${a}`, "\u2028": "x" } : shared)),
    grants: [{ kind: "included", opening: D("3"), granted: D("0"), consumed: D("0.65"), expired: D("0"), closing: D("2.35") }],
    rejected: [], thresholds: a % 7 === 0 ? [{ percent: 80, at: Date.UTC(2026, 8, 2) }] : [], duplicates: [],
    overage: { requests: D("0"), amount: a % 5 === 0 ? D("1.25") : D("0") }, quota: undefined, budgets: [], alerts: [], rewards: { earned: D("0"), from: [] },
    exhaustedAt: a % 5 === 0 ? Date.UTC(2026, 8, 20, 12, 0, 0, 5) : undefined, timeline: [], plans: [], plan: "pro",
  });
  const list: AccountStatement[] = Array.from({ length: accounts }, (_, a) => ({ account: `a${a}`, plan: "pro", cycles: a % 11 === 0 ? [] : [cycle(a), cycle(a + 1)] }));
  return { provider: "p", version: "v", unit: "credits", currency: "USD", timezone: "UTC", accounts: list, events: { read: 0, priced: 0, duplicates: 0, rejected: 0 } };
}

describe("the statement's JSON as byte chunks", () => {
  const s = statementOf(3000);
  const expected = `${jsonVisible(JSON.stringify(statementJson(s), null, 2))}\n`;

  it("is over a MiB here, so that chunks are given out and the buffer filled again", () => {
    expect(Buffer.byteLength(expected)).toBeGreaterThan(3 << 20);
  });

  it("writes to a file the UTF-8 of the statement's objects as JSON.stringify and jsonVisible write them", async () => {
    const path = join(dir, "statement.json");
    await writeAtomically({ path }, statementJsonText(s));
    expect(readFileSync(path).equals(Buffer.from(expected))).toBe(true);
  });

  it("gives a stream copies of its chunks: a stream keeps them after the buffer is filled again", async () => {
    const stream = new PassThrough();
    const got: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => got.push(chunk));
    await emit(statementJsonText(s), undefined, { stdout: stream, stdoutFile: undefined, stdoutTerminal: undefined, stderr: process.stderr });
    expect(Buffer.concat(got).equals(Buffer.from(expected))).toBe(true);
  });

  it("reads as the same text, chunk by chunk", () => {
    expect([...statementJsonText(s)].join("")).toBe(expected);
  });
});

describe("a report of more than 64 MiB", () => {
  it("is complete in place, written while the disk was asked early to take its first part", async () => {
    const path = join(dir, "large.bin");
    const chunk = Buffer.alloc(1 << 20);
    // Each chunk the same reused buffer, filled anew: the file must hold every fill, in order.
    const chunks = function* () {
      for (let i = 0; i < 80; i++) {
        chunk.fill(i % 251);
        yield chunk;
      }
    };
    await writeAtomically({ path }, byteOutput(chunks));
    const written = readFileSync(path);
    expect(written.length).toBe(80 << 20);
    for (let i = 0; i < 80; i++) expect(written[(i << 20) + 12345]).toBe(i % 251);
  });
});
