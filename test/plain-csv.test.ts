import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { NeedsFullParser, plainRecords, type FreeColumnsOf, type PlainRecord } from "../src/usage/plain-csv.js";
import { chunked } from "./helpers/chunks.js";

// The plain-CSV reader must give exactly what csv-parse gives (records and line
// numbers), or give up so that csv-parse reads the file: never a third answer.
const RUNS = Number(process.env.CSV_RUNS ?? 500);
const MAX_LINE = 1 << 20;

async function viaPlain(bytes: Buffer, cuts: number[], reuse = false, freeOf?: FreeColumnsOf): Promise<PlainRecord[] | "gave up"> {
  const out: PlainRecord[] = [];
  try {
    for await (const batch of plainRecords(chunked(bytes, cuts, reuse), MAX_LINE, freeOf)) out.push(...batch);
  } catch (e) {
    if (e instanceof NeedsFullParser) return "gave up";
    throw e;
  }
  return out;
}

function viaCsvParse(bytes: Buffer): PlainRecord[] | "rejected" {
  try {
    const rows = parse(bytes, { bom: true, info: true, skip_empty_lines: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return rows.map((r) => ({ record: r.record, line: r.info.lines }));
  } catch {
    return "rejected";
  }
}

const plainField = fc.stringMatching(/^[a-z0-9 ._:-]{0,6}$/);
const anyField = fc.oneof(plainField, fc.constantFrom('"a,b"', '"x""y"', '"line\nbreak"', "a\rb", "é", '"', ""));
const csvText = (field: fc.Arbitrary<string>, ragged: boolean) =>
  fc.record({
    width: fc.integer({ min: 1, max: 5 }),
    rows: fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { minLength: 0, maxLength: 12 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    blankLines: fc.array(fc.nat(14), { maxLength: 3 }),
    trailingNewline: fc.boolean(),
  }).map(({ width, rows, crlf, bom, blankLines, trailingNewline }) => {
    const eol = crlf ? "\r\n" : "\n";
    const lines = rows.map((r) => (ragged ? r : Array.from({ length: width }, (_, i) => r[i] ?? "")).join(","));
    for (const at of blankLines) lines.splice(Math.min(at, lines.length), 0, "");
    const body = lines.join(eol) + (trailingNewline && lines.length > 0 ? eol : "");
    return Buffer.from((bom ? "\ufeff" : "") + body, "utf8");
  });
const cuts = fc.array(fc.nat(400), { maxLength: 6 });

describe("the plain-CSV reader against csv-parse", () => {
  it("reads plain files exactly as csv-parse does, however the bytes are chunked", async () => {
    await fc.assert(fc.asyncProperty(csvText(plainField, false), cuts, async (bytes, at) => {
      const plain = await viaPlain(bytes, at);
      const full = viaCsvParse(bytes);
      // A plain file (no quotes, one width, one line ending) must not make the reader give up.
      if (full !== "rejected" && full.length > 0) expect(plain).not.toBe("gave up");
      if (plain !== "gave up") expect(plain).toEqual(full);
      // Handed every chunk in one buffer filled again (as a reader reusing its buffer does), it keeps none of them.
      expect(await viaPlain(bytes, at, true)).toEqual(plain);
    }), { numRuns: RUNS });
  });

  it("on anything else (quotes, embedded commas and newlines, stray CR, ragged rows, multibyte characters cut anywhere) gives csv-parse's records or gives up", async () => {
    await fc.assert(fc.asyncProperty(csvText(anyField, true), cuts, async (bytes, at) => {
      const plain = await viaPlain(bytes, at);
      if (plain !== "gave up") expect(plain).toEqual(viaCsvParse(bytes));
    }), { numRuns: RUNS });
  });

  it("gives up on bytes that are not UTF-8, so csv-parse's reader reports them", async () => {
    expect(await viaPlain(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xe9, 0x2c, 0x63, 0x0a]), [])).toBe("gave up");
    // Lines are decoded from the bytes one by one (stop 47): the last line, with no newline after it, is checked too,
    // and so is a character cut short at the file's end.
    expect(await viaPlain(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x63, 0x2c, 0xff]), [])).toBe("gave up");
    expect(await viaPlain(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x63, 0x2c, 0xc3]), [5])).toBe("gave up");
  });

  it("drops a byte-order mark cut across chunks of one byte, and reads a character cut across them", async () => {
    const bytes = Buffer.from("\ufeffa,b\né,ü\n", "utf8");
    expect(await viaPlain(bytes, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toEqual([{ record: ["a", "b"], line: 1 }, { record: ["é", "ü"], line: 2 }]);
  });

  it("drops two byte-order marks wherever the first chunk ends, as it did decoding the chunks' text (red34)", async () => {
    const bytes = Buffer.from("\ufeff\ufeffa,b\nc,d\n", "utf8");
    for (let first = 1; first <= 8; first++) {
      expect(await viaPlain(bytes, [first])).toEqual([{ record: ["a", "b"], line: 1 }, { record: ["c", "d"], line: 2 }]);
    }
  });

  // A gateway's quoted JSON (LiteLLM's metadata, as Postgres's COPY writes it) in a column nothing reads: given back
  // empty, every other cell as csv-parse reads it (newcomer57 M1: reconcile's second reading of such a log went to
  // csv-parse, 14.1 s of a 20.8 s run).
  const json = fc.constantFrom('"{""k"": ""v, w"", ""n"": [1, 2]}"', '"[]"', '""', '"a""b"', '"x,y"', "plain", "", '"é"');
  const freeText = fc.record({
    width: fc.integer({ min: 2, max: 5 }),
    free: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    rows: fc.array(fc.array(fc.oneof(plainField, fc.constantFrom('"q"', '""', '"a b"')), { minLength: 5, maxLength: 5 }), { maxLength: 10 }),
    cells: fc.array(json, { minLength: 50, maxLength: 50 }),
    crlf: fc.boolean(),
    quotedHeader: fc.boolean(),
  }).map(({ width, free, rows, cells, crlf, quotedHeader }) => {
    const header = Array.from({ length: width }, (_, c) => (quotedHeader && c === 0 ? '"c0"' : `c${c}`));
    const lines = [header.join(","), ...rows.map((r, i) => Array.from({ length: width }, (_, c) => (free[c] ? cells[(i * 5 + c) % 50]! : r[c]!)).join(","))];
    return { bytes: Buffer.from(lines.join(crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n")), free: Uint8Array.from(free.slice(0, width).map(Number)) };
  });

  it("gives a quoted cell of a column nothing reads back empty, every other as csv-parse reads it, however the bytes are chunked", async () => {
    await fc.assert(fc.asyncProperty(freeText, cuts, fc.boolean(), async ({ bytes, free }, at, reuse) => {
      const headers: (readonly string[])[] = [];
      const plain = await viaPlain(bytes, at, reuse, (header) => (headers.push([...header]), free));
      const full = viaCsvParse(bytes);
      if (plain === "gave up") {
        // Only a quote in a column read, around more than a plain cell, leaves the file to csv-parse.
        expect(bytes.toString().split(/\r?\n/).slice(1).some((l) => /"(x,y|a""b|\{|\[\]|é)/.test(l) || l.includes('""'))).toBe(true);
        return;
      }
      expect(full).not.toBe("rejected");
      // A free column's cell is csv-parse's, or empty where it was quoted (nothing reads it).
      const blanked = (records: PlainRecord[]) => records.map((r, i) => (i === 0 ? r : { ...r, record: r.record.map((cell, c) => (free[c] === 1 ? "" : cell)) }));
      expect(blanked(plain)).toEqual(blanked(full as PlainRecord[]));
      plain.forEach((r, i) => r.record.forEach((cell, c) => expect([(full as PlainRecord[])[i]!.record[c], ""]).toContain(cell)));
      // Asked once, with the header as csv-parse reads it.
      expect(headers).toEqual([(full as PlainRecord[])[0]!.record]);
    }), { numRuns: RUNS });
  });

  it("gives up on a byte that is not UTF-8 inside a free column's quoted cell, as csv-parse refuses the file", async () => {
    const bytes = Buffer.concat([Buffer.from('a,meta\n1,"{""k"": ""'), Buffer.from([0xe9]), Buffer.from('""}"\n')]);
    const free = () => Uint8Array.from([0, 1]);
    expect(viaCsvParse(Buffer.from('a,meta\n1,"{""k"": """"}"\n'))).not.toBe("rejected");
    for (const at of [[], [14], [15, 16]]) expect(await viaPlain(bytes, at, false, free)).toBe("gave up");
    // The same cell in UTF-8 is read past.
    expect(await viaPlain(Buffer.from('a,meta\n1,"{""k"": ""é""}"\n'), [15], false, free)).toEqual([{ record: ["a", "meta"], line: 1 }, { record: ["1", ""], line: 2 }]);
  });
});
