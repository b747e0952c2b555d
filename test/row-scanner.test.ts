import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCard } from "../src/inputs.js";
import { Zone } from "../src/time.js";
import { NO_MAPPING, type ColumnMapping } from "../src/usage/mapping.js";
import { readUsageFile, type UsageOptions } from "../src/usage/read.js";
import { scanChunks } from "../src/usage/scanned-events.js";
import { isRows } from "../src/engine/rows.js";
import { chunked } from "./helpers/chunks.js";
import { collect, type Outcome } from "./helpers/reader-outcomes.js";
import { ROOT } from "./helpers/cli.js";

// The row scanner must give exactly the events csv-parse's reader gives, or
// give up itself so that the other readers read the file: never a third
// answer. On rows it is built for, it must not give up. (The plain reader is
// not the reference: it takes quotes out as the scanner does, QuotedCells.)
const RUNS = Number(process.env.CSV_RUNS ?? 300);
const fliplet = loadCard(join(ROOT, "ratecards/fliplet.yaml"));
const floopy = loadCard(join(ROOT, "ratecards/floopy.yaml"));
const dir = mkdtempSync(join(tmpdir(), "burnrate-scanner-"));

/** The generated logs carry a `note` column no meter reads, left out by the mapping. */
const NOTES_IGNORED: ColumnMapping = { ...NO_MAPPING, ignore: new Set(["note"]) };
const options = (card = fliplet, mapping: ColumnMapping = NOTES_IGNORED): UsageOptions => ({ card, zone: Zone.of("Europe/Paris")!, defaultAccount: "default", mappingFor: () => mapping });

let files = 0;
/** Both readers name the same file in the events' origins. */
const FILE = join(dir, "usage.csv");
async function reference(bytes: Buffer, opts: UsageOptions): Promise<Outcome> {
  const file = join(dir, `u${files++}.csv`);
  writeFileSync(file, bytes);
  const named = (outcome: Outcome): Outcome => (typeof outcome === "string" ? outcome : outcome.map((e) => ({ ...e, origin: { ...e.origin, file: FILE } })));
  return named(await collect(readUsageFile(file, opts)));
}

/** The worker fills one buffer again and again: every chunk here comes in one buffer too. */
function scanned(bytes: Buffer, cuts: number[], opts: UsageOptions): Promise<Outcome> {
  return collect(scanChunks(FILE, chunked(bytes, cuts, true), opts));
}

const clean = {
  timestamp: fc.constantFrom("2026-09-01T00:00:00Z", "2026-09-01T00:00:00Z", "2026-09-01T10:00:01Z", "2026-09-02T23:59:59Z", "2026-10-24T02:30:00", "2026-09-03T10:00:00+02:00", "2026-09-03", "2026-09-01T10:00:01.250Z", "2026-09-02T23:59:59.999Z", "2026-09-01T10:00:01.000Z"),
  meter: fc.constantFrom("data_read", "end_user_open", "maps_call", "automation_run"),
  quantity: fc.constantFrom("1", "", "2.5", "10", "0", "-0", " 3", "0.000001"),
  // A comma or a quote in a key cell (quoted, as every writer quotes it) is read by the scanner (QuotedCells.commaColumns).
  value: fc.constantFrom("p1", "p2", "é", "u 1", "x", "\ufeffp1", "a, b", "Acme, Inc.", ",", "a,", 'The "Daily" Planet', '"', '""', 'a,"b"'),
  optional: fc.constantFrom("", "web", "ios", "ñ"),
  account: fc.constantFrom("", "acme", "beta", "Acme, Inc.", 'The "Daily" Planet'),
  eventId: fc.constantFrom("", "e1", "e2", "e1", "\ufeffe1"),
  note: fc.constantFrom("", "web", "ñ", '{"user": "a", "tags": ["x", "y"]}', "a,b", '""', '{"ip": ""}'),
};
const messy = {
  timestamp: fc.oneof(clean.timestamp, fc.constantFrom("2026-10-25T02:30:00", "2026-03-29T02:30:00", "2026-02-30T10:00:00Z", "2026-09-01T10:00:00z", "2026-09-0aT10:00:00Z", "2026-13-01T00:00:00Z", "x", " 2026-09-01T00:00:00Z", "2026-09-01T24:00:00Z", "٢٠٢٦-09-01", "2026-09-01T00:00:60Z", "2026-09-01T10:00:01.25Z", "2026-09-01T10:00:01.2500Z", "2026-09-01T10:00:60.000Z", "2026-09-01T10:00:01.x50Z", "2026-09-01T10:00:01,250Z", "2026-02-30T10:00:01.250Z")),
  meter: fc.oneof(clean.meter, fc.constantFrom("nope", "", "Data_Read", "project_deleted", "push")),
  quantity: fc.oneof(clean.quantity, fc.constantFrom("-1", "abc", "1e3", "٣", "1,5", "+2", "\u00a05")),
  // The bytes a quoted key cell's comma and quote are read as, in cells of their own: "a, b" and "a\x1f b" are two
  // texts. RAW: writes a cell as it is, quotes and all, where a writer would have quoted it.
  value: fc.oneof(clean.value, fc.constantFrom("", 'RAW:"q"', 'RAW:p"1"', "a\rb", "\ud83d\ude00", "a\u001f b", "\u001f", "a\u001eb")),
};

interface Shape {
  account: boolean;
  eventId: boolean;
  bom: boolean;
  trailingNewline: boolean;
  blankLines: number[];
  /** Lines ended by CR LF, as a Windows export's are. */
  crlf: boolean;
  /** The ignored `note` column last; without it a read column is, whose cell a CR would end. */
  note: boolean;
  /** Which cells are quoted whole: none, every one, or every other (an export's QUOTE_ALL, or its strings only). */
  quote: "none" | "all" | "some";
}
const layout = fc.record({ account: fc.boolean(), eventId: fc.boolean(), bom: fc.boolean(), trailingNewline: fc.boolean(), blankLines: fc.array(fc.nat(10), { maxLength: 2 }), crlf: fc.boolean(), note: fc.boolean(), quote: fc.constantFrom("none" as const, "all" as const, "some" as const) });

function csv(shape: Shape, rows: string[][]): Buffer {
  const header = ["timestamp", "meter", "quantity", "project", "user", "channel", ...(shape.account ? ["account"] : []), ...(shape.eventId ? ["event_id"] : []), ...(shape.note ? ["note"] : [])];
  // The ignored note is quoted where its text needs it (JSON, as Postgres's COPY writes LiteLLM's metadata), whatever the shape quotes.
  const note = shape.note ? header.length - 1 : -1;
  // A cell with a comma or a quote is quoted, its quotes doubled, as every CSV writer writes it.
  const quoted = (cells: string[]) => cells.map((c, i) => (shape.quote === "all" || (shape.quote === "some" && i % 2 === 1) || (i === note && /[,"]/.test(c)) || (i !== note && /[,"]/.test(c) && !c.startsWith("RAW:")) ? `"${c.replaceAll('"', '""')}"` : c.replace(/^RAW:/, ""))).join(",");
  const lines = [quoted(header), ...rows.map((r) => quoted(r.slice(0, header.length)))];
  for (const at of shape.blankLines) lines.splice(1 + Math.min(at, lines.length - 1), 0, "");
  const newline = shape.crlf ? "\r\n" : "\n";
  return Buffer.from((shape.bom ? "\ufeff" : "") + lines.join(newline) + (shape.trailingNewline ? newline : ""), "utf8");
}

const row = (v: Record<"timestamp" | "meter" | "quantity" | "value", fc.Arbitrary<string>>) =>
  fc.tuple(v.timestamp, v.meter, v.quantity, v.value, v.value, clean.optional, clean.account, clean.eventId, clean.note).map(([t, m, q, p, u, c, a, e, n]) => [t, m, q, p, u, c, a, e, n]);
const fitted = (shape: Shape, r: string[]) => [...r.slice(0, 6), ...(shape.account ? [r[6]!] : []), ...(shape.eventId ? [r[7]!] : []), ...(shape.note ? [r[8]!] : [])];
const cuts = fc.array(fc.nat(600), { maxLength: 6 });

describe("the row scanner against the plain reader and csv-parse", () => {
  it("reads rows it is built for exactly as the plain reader does, however the bytes are chunked", async () => {
    await fc.assert(
      fc.asyncProperty(layout, fc.array(row(clean), { maxLength: 14 }), cuts, async (shape, rows, at) => {
        const bytes = csv(shape, rows.map((r) => fitted(shape, r)));
        const expected = await reference(bytes, options());
        const actual = await scanned(bytes, at, options());
        expect(actual).not.toBe("gave up");
        expect(actual).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it("on anything else (bad timestamps, quantities and meters, quotes, stray CR, missing dimensions) gives the same events or gives up", async () => {
    await fc.assert(
      fc.asyncProperty(layout, fc.array(row({ ...clean, ...messy }), { maxLength: 14 }), cuts, async (shape, rows, at) => {
        const bytes = csv(shape, rows.map((r) => fitted(shape, r)));
        const actual = await scanned(bytes, at, options());
        if (actual !== "gave up") expect(actual).toEqual(await reference(bytes, options()));
      }),
      { numRuns: RUNS },
    );
  });

  it("gives up on ragged rows, lines ended both ways, a CR alone, quotes it cannot take out, no header, invalid UTF-8 and a component without its column", async () => {
    const give = async (bytes: Buffer, opts = options(), at: number[] = []) => expect(await scanned(bytes, at, opts)).toBe("gave up");
    const header = "timestamp,meter,quantity,project\n";
    await give(Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1\n`));
    await give(Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,p1,extra\n`));
    // A CRLF header and a newline alone, or the other way round; a CR ending the file; a CR before no newline, across a cut too.
    await give(Buffer.from(header.replace("\n", "\r\n") + "2026-09-01T00:00:00Z,data_read,1,p1\n"));
    await give(Buffer.from(header + "2026-09-01T00:00:00Z,data_read,1,p1\r\n"));
    await give(Buffer.from(header.replace("\n", "\r\n") + "2026-09-01T00:00:00Z,data_read,1,p1\r"));
    await give(Buffer.from(header.replace("\n", "\r\n") + "2026-09-01T00:00:00Z,data_read,1,p1\rp2\r\n"));
    const cr = Buffer.from(header.replace("\n", "\r\n") + "2026-09-01T00:00:00Z,data_read,1,p1\r2\r\n");
    await give(cr, options(), [cr.indexOf("p1\r") + 3]);
    // A quoted cell with a line break or a CR in it; a quote within a cell; a quote left open; a line of one empty quoted cell.
    for (const cell of [ '"p\n1"', '"p\r1"', 'p"1"', '"p1" ', '"p1']) await give(Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,${cell}\n`));
    // A column nothing reads may hold commas and doubled quotes in its quoted cells, but no line break, and not in the header.
    const noted = "timestamp,meter,quantity,project,note\n";
    for (const cell of ['"a\nb"', '"a,\r"', '"{""a"": 1}"x', '"open']) await give(Buffer.from(`${noted}2026-09-01T00:00:00Z,data_read,1,p1,${cell}\n`));
    await give(Buffer.from(`timestamp,meter,quantity,project,"no,te"\n2026-09-01T00:00:00Z,data_read,1,p1,x\n`));
    // Bytes that are not UTF-8 in a cell nothing reads, of a row whose shape is known: the plain reader refuses the file (stop 57).
    for (const cell of [Buffer.from([0xff]), Buffer.from('"{""a"": ""\xff""}"', "latin1"), Buffer.from([0xe2, 0x82])]) {
      const bytes = Buffer.concat([Buffer.from(`${noted}2026-09-01T00:00:00Z,data_read,1,p1,x\n2026-09-01T00:00:01Z,data_read,1,p1,`), cell, Buffer.from("\n")]);
      await give(bytes);
      await give(bytes, options(), [bytes.length - 3, bytes.length - 2]);
    }
    // A byte-order mark behind the file's first quote would be dropped as the file's own once the quote is out (red team, stop 40).
    await give(Buffer.from(`"\ufefftimestamp",meter,quantity,project\n2026-09-01T00:00:00Z,data_read,1,p1\n`));
    await give(Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,p1\n""\n`));
    await give(Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,p1\n""`));
    await give(Buffer.from(""));
    await give(Buffer.concat([Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,p`), Buffer.from([0xff]), Buffer.from("\n")]));
    await give(Buffer.from("created_at,org,kind,model,provider,team,prompt_tokens,completion_tokens,requests,request_id\n2026-11-02T10:00:00Z,acme,request,gpt-4o,openai,research,1000,200,4,r-1\n"), options(floopy));
  });

  it("reads a comma or a doubled quote in a quoted key cell (a meter's, a dimension's, an account's), and gives up on one anywhere else or beside the byte it is read as", async () => {
    const header = "timestamp,meter,quantity,project,account\n";
    const bytes = Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,"p,1","Acme, Inc."\n2026-09-01T00:00:01Z,data_read,2,"p,1",beta\n`);
    const read = await scanned(bytes, [header.length + 40], options());
    expect(read).toEqual(await reference(bytes, options()));
    expect(typeof read === "string" ? read : read.map((e) => [e.account, e.dimensions.project])).toEqual([["Acme, Inc.", "p,1"], ["beta", "p,1"]]);
    // A doubled quote, cut between its two quotes too.
    const quoted = Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,"p""1""",x\n2026-09-01T00:00:01Z,data_read,2,"""",x\n`);
    const quotes = await scanned(quoted, [quoted.indexOf('""1') + 1], options());
    expect(quotes).toEqual(await reference(quoted, options()));
    expect(typeof quotes === "string" ? quotes : quotes.map((e) => e.dimensions.project)).toEqual(['p"1"', '"']);
    const give = async (bytes: Buffer, at: number[] = []) => expect(await scanned(bytes, at, options())).toBe("gave up");
    // A quantity's or a timestamp's comma is no key's: csv-parse reads (and refuses) it.
    await give(Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,"1,5",p1,a\n`));
    await give(Buffer.from(`${header}"2026-09-01T00:00:00,000Z",data_read,1,p1,a\n`));
    // The byte a comma is read as, in the file itself, before or after a comma read so, in one stretch or two.
    const both = Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,"a,b",x\n2026-09-01T00:00:01Z,data_read,1,a\u001fb,x\n`);
    await give(both);
    await give(both, [both.indexOf("\u001f") - 2]);
    const before = Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,a\u001fb,x\n2026-09-01T00:00:01Z,data_read,1,"a,b",x\n`);
    await give(before);
    await give(before, [before.indexOf('"a,b"')]);
    await give(Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,a\u001eb,x\n2026-09-01T00:00:01Z,data_read,1,"a""b",x\n`));
    await give(Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,"1""",p1,x\n`));
  });

  it("takes the quotes out of a line whose first quote starts a stretch mid-line, and of a line of one quoted cell", async () => {
    // The stretch before the quote ends inside the line (red team, stop 40: the line was taken for one empty quoted cell, and csv-parse's).
    const text = `timestamp,meter,quantity,project\n2026-09-01T00:00:00Z,data_read,1,p1\n2026-09-01T00:00:01Z,data_read,2,"p2"\n`;
    const bytes = Buffer.from(text);
    const at = [text.indexOf('"p2"')];
    const actual = await scanned(bytes, at, options());
    expect(actual).not.toBe("gave up");
    expect(actual).toEqual(await reference(bytes, options()));
  });

  it("gives rows far apart in time or in lines their own instants and line numbers", async () => {
    // A batch holds instants and lines as offsets from its first row's: a row past their range starts another batch.
    const header = "timestamp,meter,quantity,project\n";
    const bytes = Buffer.from(`${header}2026-09-01T00:00:00Z,data_read,1,p1\n2026-12-30T00:00:00Z,data_read,2,p1\n${"\n".repeat(70_000)}2026-12-31T00:00:00Z,data_read,3,p2\n1999-01-01T00:00:00Z,data_read,4,p2\n`);
    const expected = await reference(bytes, options());
    expect(expected).not.toBe("gave up");
    expect((expected as { origin: { line: number } }[]).map((e) => e.origin.line)).toEqual([2, 3, 70_004, 70_005]);
    expect(await scanned(bytes, [], options())).toEqual(expected);
  });

  it("keeps byte-order marks inside cells as the plain reader does, and leaves a column named __proto__ (read by no meter) to it", async () => {
    const same = async (text: string) => {
      const bytes = Buffer.from(text);
      const expected = await reference(bytes, options());
      expect(expected).not.toBe("gave up");
      expect(await scanned(bytes, [3, 50], options())).toEqual(expected);
    };
    // A mark before a meter's name makes another name, which the plain reader refuses: the scanner leaves the row to it.
    const marked = Buffer.from("timestamp,meter,quantity,project\n2026-09-01T00:00:00Z,\ufeffdata_read,1,p1\n");
    expect(await reference(marked, options())).toMatch(/unknown meter/);
    expect(await scanned(marked, [], options())).toBe("gave up");
    await same("\ufefftimestamp,meter,quantity,project\n2026-09-01T00:00:00Z,data_read,1,\ufeffp1\n2026-09-01T00:00:01Z,data_read,1,p1\n");
    const proto = Buffer.from("timestamp,meter,quantity,project,__proto__\n2026-09-01T00:00:00Z,data_read,1,p1,a\n");
    expect(await reference(proto, options())).toMatch(/1:5: column "__proto__" is read by no meter/);
    expect(await scanned(proto, [], options())).toBe("gave up");
  });

  it("gives up on a header after two byte-order marks, and on a column mapped to two canonical columns", async () => {
    const twice = Buffer.from("\ufeff\ufefftimestamp,meter,quantity,project\n2026-09-01T00:00:00Z,data_read,1,p1\n");
    expect(await scanned(twice, [], options())).toBe("gave up");
    const both: ColumnMapping = { ...NO_MAPPING, columns: { event_id: "account" } };
    const shared = Buffer.from("timestamp,meter,quantity,project,account\n2026-09-01T00:00:00Z,data_read,1,p1,acme\n2026-09-01T00:00:01Z,data_read,1,p1,beta\n");
    expect(await scanned(shared, [], options(fliplet, both))).toBe("gave up");
    expect(await reference(shared, options(fliplet, both))).not.toBe("gave up");
  });

  it("reads a mapped layout (renamed columns, a fixed meter, provider meter names) as the plain reader does", async () => {
    const mapping: ColumnMapping = { columns: { timestamp: "when", quantity: "n" }, rename: new Map([["proj", "project"]]), meter: undefined, meterValues: new Map([["read", "data_read"]]), ignore: new Set() };
    const bytes = Buffer.from("when,meter,n,proj\n2026-09-01T00:00:00Z,read,3,p1\n2026-09-01T00:00:01Z,data_read,,p2\n2026-09-01T00:00:02Z,read,1,p1\n");
    const expected = await reference(bytes, options(fliplet, mapping));
    expect(expected).not.toBe("gave up");
    expect(await scanned(bytes, [7, 40], options(fliplet, mapping))).toEqual(expected);
    const fixed: ColumnMapping = { ...NO_MAPPING, meter: "data_write" };
    const pushes = Buffer.from("timestamp,quantity,project\n2026-09-01T00:00:00Z,2,p1\n");
    expect(await scanned(pushes, [], options(fliplet, fixed))).toEqual(await reference(pushes, options(fliplet, fixed)));
  });

  it("numbers accounts apart from shapes: rows of one meter and dimensions share a shape whatever their account, and each row carries its account", async () => {
    const bytes = Buffer.from("timestamp,meter,quantity,project,account\n2026-09-01T00:00:00Z,data_read,1,p1,acme\n2026-09-01T00:00:01Z,data_read,1,p1,beta\n2026-09-01T00:00:02Z,data_read,1,p1,\n2026-09-01T00:00:03Z,data_read,1,p2,acme\n");
    const batches = [];
    for await (const batch of scanChunks(FILE, chunked(bytes, [50, 90], true), options())) if (isRows(batch)) batches.push(batch);
    const source = batches[0]!.source;
    // Two shapes (p1 and p2), three accounts: the empty cell is the default account.
    expect(source.meters).toEqual(["data_read", "data_read"]);
    expect(source.dimensions).toEqual([{ project: "p1" }, { project: "p2" }]);
    expect(source.accounts).toEqual(["acme", "beta", "default"]);
    expect(batches.flatMap((b) => [...b.shape.subarray(0, b.count)])).toEqual([0, 0, 0, 1]);
    expect(batches.flatMap((b) => [...b.account.subarray(0, b.count)].map((a) => source.accounts[a]))).toEqual(["acme", "beta", "default", "acme"]);
    expect(await scanned(bytes, [], options())).toEqual(await reference(bytes, options()));
  });

  it("gives up on an account cell that is not UTF-8, also on a shape already seen", async () => {
    const bytes = Buffer.concat([Buffer.from("timestamp,meter,quantity,project,account\n2026-09-01T00:00:00Z,data_read,1,p1,acme\n2026-09-01T00:00:01Z,data_read,1,p1,b"), Buffer.from([0xff]), Buffer.from("\n")]);
    expect(await scanned(bytes, [], options())).toBe("gave up");
  });
});

describe("the row scanner's shapes", () => {
  it("gives the rows of a fixed meter without dimensions one shape (their key is empty)", async () => {
    const file = join(dir, "one-meter.yaml");
    writeFileSync(
      file,
      ["provider: gatewayco", 'version: "2026-11"', 'effective: "2026-11-01"', "unit: credits", "categories:", "  llm: { label: LLM requests }", "pools:", "  ai: { label: AI, when_exhausted: block }", "grant_kinds:", "  included: { priority: 1, expires: cycle_end }", "plans:", "  team: { label: Team, included: 5000, price: 40 }", "meters:", "  request:", "    aggregation: flow", "    category: llm", "    pool: ai", '    price: "1"', ""].join("\n"),
    );
    const fixed: ColumnMapping = { ...NO_MAPPING, meter: "request" };
    const bytes = Buffer.from("timestamp,quantity\n2026-11-01T00:00:00Z,2\n2026-11-01T00:00:01Z,3\n2026-11-01T00:00:02Z,2\n");
    const batches = [];
    for await (const batch of scanChunks(FILE, chunked(bytes, [], true), options(loadCard(file), fixed))) if (isRows(batch)) batches.push(batch);
    expect(batches[0]!.source.meters).toEqual(["request"]);
    expect(batches.flatMap((b) => [...b.shape.subarray(0, b.count)])).toEqual([0, 0, 0]);
  });

  it("tells apart shapes whose cells hold the same bytes split otherwise, and finds a cell's value in any column", async () => {
    const bytes = Buffer.from(
      "timestamp,meter,quantity,project,user,channel\n" +
        "2026-09-01T00:00:00Z,end_user_open,1,p1,u1,\n" +
        "2026-09-01T00:00:01Z,end_user_open,1,p1u,1,\n" +
        "2026-09-01T00:00:02Z,end_user_open,1,p1,u1,\n" +
        "2026-09-01T00:00:03Z,end_user_open,1,u1,p1,u1\n" +
        "2026-09-01T00:00:04Z,end_user_open,1,p1u,1,\n",
    );
    const batches = [];
    for await (const batch of scanChunks(FILE, chunked(bytes, [60], true), options())) if (isRows(batch)) batches.push(batch);
    const source = batches[0]!.source;
    expect(batches.flatMap((b) => [...b.shape.subarray(0, b.count)])).toEqual([0, 1, 0, 2, 1]);
    expect(source.dimensions).toEqual([
      { project: "p1", user: "u1" },
      { project: "p1u", user: "1" },
      { project: "u1", user: "p1", channel: "u1" },
    ]);
    expect(await scanned(bytes, [], options())).toEqual(await reference(bytes, options()));
  });
});
