import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { JsonLines } from "../src/usage/json-lines.js";
import { NO_MAPPING, type ColumnMapping } from "../src/usage/mapping.js";
import { NeedsFullParser } from "../src/usage/plain-csv.js";
import { JsonLinesAsCsv, KeptNotes } from "../src/usage/record-lines.js";

// A JSON line written as one before it is read by its template (json-line-template.ts): its values' bytes are its
// cells, with no JSON.parse. The template must never give another answer than parsing the line does: the same CSV
// bytes, the same notes, the same refusal. Drawn here: the ways exporters write lines (separators with or without
// blanks, numbers written many ways, escapes, nested values, keys left out or reordered, blank lines, CR LF, a
// byte-order mark), cut into chunks anywhere.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

type Outcome = { csv: string; notes: unknown[] } | { refused: string } | { error: string };

function transcode(bytes: Buffer, cuts: number[], mapping: ColumnMapping, names: ReadonlySet<string>, templates: number): Outcome {
  const notes = new KeptNotes();
  const lines = new JsonLinesAsCsv({ file: "usage.jsonl", mapping, read: { names } as never }, notes, templates);
  const out: Buffer[] = [];
  try {
    let from = 0;
    for (const cut of [...cuts.filter((c) => c < bytes.length)].sort((a, b) => a - b)) {
      // Each chunk its own memory, reused by no one: a reader's chunks may be.
      out.push(Buffer.from(lines.push(Buffer.from(bytes.subarray(from, cut)))));
      from = cut;
    }
    out.push(Buffer.from(lines.push(Buffer.from(bytes.subarray(from)))));
    out.push(Buffer.from(lines.end()));
  } catch (e) {
    return e instanceof NeedsFullParser ? { refused: e.reason } : { error: String(e) };
  }
  return { csv: Buffer.concat(out).toString("utf8"), notes: notes.notes };
}

type Records = { records: { record: readonly string[]; line: number }[]; notes: unknown[] } | { error: string };

/** The plain reader's records of the same bytes (JsonLines), each line read by a template or parsed (`kinds` 0). */
function records(bytes: Buffer, cuts: number[], mapping: ColumnMapping, names: ReadonlySet<string>, kinds: number): Records {
  const notes = new KeptNotes();
  const lines = new JsonLines({ file: "usage.jsonl", mapping, cardColumns: names, notes }, 1 << 20, kinds);
  const out: { record: readonly string[]; line: number }[] = [];
  try {
    let from = 0;
    for (const cut of [...cuts.filter((c) => c < bytes.length)].sort((a, b) => a - b)) {
      out.push(...lines.push(Buffer.from(bytes.subarray(from, cut))));
      from = cut;
    }
    out.push(...lines.push(Buffer.from(bytes.subarray(from))));
    out.push(...lines.last());
    lines.finish();
  } catch (e) {
    return { error: String(e) };
  }
  return { records: out.map((r) => ({ record: [...r.record], line: r.line })), notes: notes.notes };
}

const KEYS = ["timestamp", "meter", "quantity", "project", "user", "note", "tokens", "1", "é", "x y", "__proto__"];

/** A value as an exporter writes it: the text of a JSON value. */
const value = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom("a", "b", "1", " ", "é", "😀", "\u2028", "/", ":", "{", "}", "]"), maxLength: 6 }).map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom("a", ",", '"', "\\", "\t", "\ufeff", "\r"), maxLength: 4 }).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.constantFrom('"\\u0061"', '"a\\/b"', '"\\ud83d\\ude00"', '"\\ud800"', '"a,b"', '","') },
  { weight: 3, arbitrary: fc.constantFrom("0", "1", "-1", "7", "1.5", "1.50", "-0", "0.1", "1e3", "1E-7", "12345678901234567", "123456789012345", "1234567890123456", "0.000001", "0.0000001", "-0.0", "2.5e-7", "1234567890.12345", "0.100", "100", "-12.25", "1.0") },
  { weight: 1, arbitrary: fc.constantFrom("null", "true", "false") },
  { weight: 1, arbitrary: fc.constantFrom('{"x":1}', '[1,"a"]', "{}", "[]", '{"a":{"b":"c"}}') },
  // What an ignored field may hold, passed over whole where it is JSON: escapes, any number, nesting, and what is not JSON.
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '["a\\u00e9", 1.5e3, null, true]',
      '{"k": [{"x": "y"}], "n": -0.0}',
      '{"a":1,"a":2}',
      '{"a":{"b":1},"c":{"b":2}}',
      "[01]",
      "[1,]",
      '{"x":"\\q"}',
      '["\\ud800", 1E-2, "\\""]',
      `${"[".repeat(40)}1${"]".repeat(40)}`,
      `${"[".repeat(300)}1${"]".repeat(300)}`,
      "[ ]",
      '{ "a" : [ 1 , 2 ] }',
      '"a\\"b"',
      "1.5e300",
      "-",
    ),
  },
);

/** How a file writes its objects: blanks around `:` and after `,`, within `{` `}`. */
const style = fc.record({ colon: fc.constantFrom(":", ": ", " : "), comma: fc.constantFrom(",", ", "), open: fc.constantFrom("{", "{ "), close: fc.constantFrom("}", " }") });

const kinds = fc.array(fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 5 });

interface Line {
  kind: number;
  values: string[];
  /** A key of the kind left out, or a line of another style. */
  drop: number | undefined;
  odd: boolean;
  blank: boolean;
}
const line = fc.record({ kind: fc.nat(8), values: fc.array(value, { minLength: 7, maxLength: 7 }), drop: fc.option(fc.nat(7), { freq: 6, nil: undefined }), odd: fc.nat(9).map((n) => n === 0), blank: fc.nat(19).map((n) => n === 0) });

function file(kindsOf: string[][], lines: Line[], how: { colon: string; comma: string; open: string; close: string }, end: { crlf: boolean; bom: boolean }): Buffer {
  const text = lines.map((l) => {
    if (l.blank) return "";
    // Most lines are of the first kind, as an export's are.
    const keys = kindsOf[l.kind < 5 ? 0 : l.kind % kindsOf.length]!;
    const pairs = keys.map((key, i) => `${JSON.stringify(key)}${l.odd ? ":" : how.colon}${l.values[i]}`).filter((_, i) => i !== l.drop);
    return l.odd ? `{${pairs.join(" ,")}}` : `${how.open}${pairs.join(how.comma)}${how.close}`;
  });
  const newline = end.crlf ? "\r\n" : "\n";
  return Buffer.from((end.bom ? "\ufeff" : "") + text.join(newline) + newline, "utf8");
}

const mappings: ColumnMapping[] = [
  NO_MAPPING,
  { ...NO_MAPPING, ignore: new Set(["note"]) },
  { ...NO_MAPPING, ignore: new Set(["note", "é"]), rename: new Map([["tokens", "quantity"]]) },
  { ...NO_MAPPING, columns: { quantity: "tokens" } },
  { ...NO_MAPPING, alternatives: { quantity: ["q"], event_id: ["id"], account: ["acct"] } },
  { ...NO_MAPPING, ignore: new Set(["note"]), scopes: new Map([["user", "note"], ["tokens", "project"]]) },
];

describe("JSON lines read by their template", () => {
  it("end within a character's bytes, and the plain reader refuses the file as not UTF-8 (red team, stop 43: its last bytes went unread)", () => {
    const cut = '{"timestamp":"2026-11-02T10:00:01Z","meter":"data_read","project":"p';
    const bytes = Buffer.concat([Buffer.from(`{"timestamp":"2026-11-02T10:00:00Z","meter":"data_read","project":"p1"}\n${cut}`), Buffer.from([0xe2, 0x82])]);
    // At the cut character's first byte (red57b F1: line 2, column 1).
    expect(records(bytes, [], NO_MAPPING, new Set(), 4)).toEqual({ error: expect.stringContaining(`usage.jsonl:2:${cut.length + 1}: file is not UTF-8`) });
    expect(transcode(bytes, [], NO_MAPPING, new Set(), 4)).toEqual({ refused: "text that is not UTF-8" });
  });

  it("give the CSV bytes, notes and refusals that parsing every line gives, however a file writes its lines and is chunked", () => {
    fc.assert(
      fc.property(kinds, fc.array(line, { minLength: 1, maxLength: 30 }), style, fc.record({ crlf: fc.boolean(), bom: fc.boolean() }), fc.nat(mappings.length - 1), fc.boolean(), fc.array(fc.nat(2000), { maxLength: 5 }), (kindsOf, lines, how, end, m, cardNames, cuts) => {
        const bytes = file(kindsOf, lines, how, end);
        const names = new Set(cardNames ? ["project", "user"] : []);
        const parsed = transcode(bytes, cuts, mappings[m]!, names, 0);
        expect(transcode(bytes, cuts, mappings[m]!, names, 4)).toEqual(parsed);
        expect(transcode(bytes, cuts, mappings[m]!, names, 1)).toEqual(parsed);
        // The plain reader's records, and its errors, as it gives them.
        expect(records(bytes, cuts, mappings[m]!, names, 4)).toEqual(records(bytes, cuts, mappings[m]!, names, 0));
      }),
      { numRuns: RUNS },
    );
  });

  it("reads every line after the first of an export whose lines are alike, Python's blanks and numbers too", () => {
    const lines = Array.from({ length: 50 }, (_, i) => `{"timestamp": "2026-09-01T00:00:${String(i % 60).padStart(2, "0")}Z", "meter": "data_read", "quantity": ${i % 7 === 0 ? "null" : i + 0.25}, "project": "p${i % 3}", "cached": ${i % 2 === 0}}`);
    const bytes = Buffer.from(`${lines.join("\n")}\n`);
    const parsed = vi.spyOn(JsonLines.prototype, "parsed");
    const templated = transcode(bytes, [100, 1000], NO_MAPPING, new Set(), 4);
    // The first line alone is parsed, and teaches the template the others are read by.
    expect(parsed).toHaveBeenCalledTimes(1);
    parsed.mockRestore();
    expect(templated).toEqual(transcode(bytes, [100, 1000], NO_MAPPING, new Set(), 0));
    const csv = (templated as { csv: string }).csv.split("\n");
    // The header ends with the columns a row may go without, which no line has here.
    expect(csv[0]).toBe("timestamp,meter,quantity,project,cached,event_id,account");
    expect(csv[1]).toBe("2026-09-01T00:00:00Z,data_read,,p0,true,,");
    expect(csv[2]).toBe("2026-09-01T00:00:01Z,data_read,1.25,p1,false,,");
    // A quantity written null is told once, with the first such line (lines 1, 8, 15, ...: 8 of 50).
    expect((templated as { notes: unknown[] }).notes).toEqual([{ kind: "unquantified", at: { file: "usage.jsonl", line: 1, column: 1 }, field: "quantity", rows: 8 }]);
  });

  it("leaves to the parse a line with an escape, a number written otherwise, a nested value or another blank", () => {
    const head = '{"timestamp":"2026-09-01T00:00:00Z","meter":"data_read","quantity":';
    const others = [`${head}"2","project":"p\\u0031"}`, `${head}2.50,"project":"p1"}`, `${head}2e0,"project":"p1"}`, `${head}2,"project":{"id":"p1"}}`, `${head} 2,"project":"p1"}`, `${head}-0,"project":"p1"}`];
    for (const other of others) {
      const bytes = Buffer.from(`${head}1,"project":"p0"}\n${other}\n`);
      const parsed = vi.spyOn(JsonLines.prototype, "parsed");
      const templated = transcode(bytes, [], NO_MAPPING, new Set(), 4);
      expect(parsed, other).toHaveBeenCalledTimes(2);
      parsed.mockRestore();
      expect(templated).toEqual(transcode(bytes, [], NO_MAPPING, new Set(), 0));
    }
  });

  it("leaves to the parse a record of one empty cell, which a CSV line cannot hold", () => {
    // Alternatives for every column a row may go without, so that the header is the lines' one field.
    const mapping: ColumnMapping = { ...NO_MAPPING, alternatives: { quantity: ["q"], event_id: ["id"], account: ["acct"] } };
    const bytes = Buffer.from('{"a":"x"}\n{"a":"y"}\n{"a":""}\n');
    const parsed = transcode(bytes, [], mapping, new Set(), 0);
    expect(parsed).toEqual({ refused: "a value with a quote, a line break or a lone surrogate" });
    expect(transcode(bytes, [], mapping, new Set(), 4)).toEqual(parsed);
  });

  it("reads nested objects' leaves by their paths, as a CloudEvents log writes them", () => {
    const event = (i: number) => `{"specversion":"1.0","id":"e${i}","source":"gw","type":"prompt","subject":"acme","time":"2026-09-01T00:00:0${i}Z","data":{"model":"gpt-4o","tokens":{"input":${100 + i},"output":${i}},"extra":{}}}`;
    const bytes = Buffer.from(`${[0, 1, 2, 3].map(event).join("\n")}\n`);
    const parsed = vi.spyOn(JsonLines.prototype, "parsed");
    const templated = transcode(bytes, [], NO_MAPPING, new Set(), 4);
    expect(parsed).toHaveBeenCalledTimes(1);
    parsed.mockRestore();
    expect(templated).toEqual(transcode(bytes, [], NO_MAPPING, new Set(), 0));
    const csv = (templated as { csv: string }).csv.split("\n");
    expect(csv[0]).toBe("specversion,id,source,type,subject,time,data.model,data.tokens.input,data.tokens.output,quantity,event_id,account");
    expect(csv[3]).toBe("1.0,e2,gw,prompt,acme,2026-09-01T00:00:02Z,gpt-4o,102,2,,,");
  });

  it("write a field within its scope as parsing does, whatever the scope's value", () => {
    // CloudEvents' id within its source (ColumnMapping.scopes): the source is read even where ignored, and only a string or a number scopes.
    const mapping: ColumnMapping = { ...NO_MAPPING, ignore: new Set(["source"]), scopes: new Map([["id", "source"]]) };
    const scoped = fc.constantFrom('"gw"', '""', "null", "true", "false", "7", "0.5", "0.0000001", '"a b"', '{"x":1}', '"g\\/w"', "[1]");
    const id = fc.constantFrom('"r-1"', '""', "null", "12", "true");
    fc.assert(
      fc.property(fc.array(fc.tuple(scoped, id), { minLength: 1, maxLength: 12 }), fc.boolean(), (pairs, idFirst) => {
        const lines = pairs.map(([source, value], i) => (idFirst ? `{"id":${value},"time":"t${i}","source":${source}}` : `{"source":${source},"time":"t${i}","id":${value}}`));
        const bytes = Buffer.from(`${lines.join("\n")}\n`);
        expect(transcode(bytes, [], mapping, new Set(), 4)).toEqual(transcode(bytes, [], mapping, new Set(), 0));
        expect(records(bytes, [], mapping, new Set(), 4)).toEqual(records(bytes, [], mapping, new Set(), 0));
      }),
      { numRuns: RUNS },
    );
  });

  it("write a long scope as often as the fields within it, past the room the line's own bytes take", () => {
    // Eight fields within one scope of 100,000 bytes: each written as "SCOPE VALUE", eight copies of the scope a line.
    const fields = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const mapping: ColumnMapping = { ...NO_MAPPING, scopes: new Map(fields.map((f) => [f, "s"])) };
    const scope = "x".repeat(100_000);
    // The first line, parsed and learned from, short: the buffer is not grown by it.
    const lines = Array.from({ length: 3 }, (_, i) => `{"time":"t${i}","s":"${i === 0 ? "s0" : scope}",${fields.map((f, k) => `"${f}":"${k}"`).join(",")}}`);
    const bytes = Buffer.from(`${lines.join("\n")}\n`);
    const templated = transcode(bytes, [], mapping, new Set(), 4);
    expect(templated).toEqual(transcode(bytes, [], mapping, new Set(), 0));
    expect((templated as { csv: string }).csv.split("\n")[3]).toBe(`t2,${scope},${fields.map((_, k) => `${scope} ${k}`).join(",")},,,`);
  });

  it("pass over an ignored field's object or array, where it is JSON, and leave the rest to the parse", () => {
    // A gateway's metadata and tags, under ignore_columns:; each other line's ignored value is not JSON, or is refused.
    const mapping: ColumnMapping = { ...NO_MAPPING, ignore: new Set(["meta", "tags"]) };
    const line = (i: number, meta: string, tags: string) => `{"timestamp": "2026-11-02T10:00:0${i}Z", "meter": "data_read", "quantity": ${i}, "project": "p", "meta": ${meta}, "tags": ${tags}}`;
    const read = [line(1, '{"ip": "1.2.3.4", "usage": {"cached": 0}}', "[]"), line(2, '{"ip": "10.0.0.1", "usage": {"cached": 12}}', '["prod", "batch"]'), line(3, '{"ip": "caf\\u00e9", "usage": {"cached": 1.5e3}}', '["a\\"b"]')];
    const parsedEach = [line(4, '{"ip": "x", "ip": "y"}', "[]"), line(5, '{"ip": "\\q"}', "[]"), line(6, "{}", "[01]"), line(7, "{}", "[1,]"), line(8, "{}", `${"[".repeat(300)}1${"]".repeat(300)}`)];
    for (const other of parsedEach) {
      const bytes = Buffer.from(`${[...read, other].join("\n")}\n`);
      const parsed = vi.spyOn(JsonLines.prototype, "parsed");
      const templated = transcode(bytes, [], mapping, new Set(), 4);
      // The first line is parsed and teaches the template; the next two are read by it; the last is parsed, and refused.
      expect(parsed, other).toHaveBeenCalledTimes(2);
      parsed.mockRestore();
      expect(templated, other).toEqual(transcode(bytes, [], mapping, new Set(), 0));
      expect(records(bytes, [], mapping, new Set(), 4), other).toEqual(records(bytes, [], mapping, new Set(), 0));
      expect(templated, other).toEqual({ refused: "a row the plain reader must judge" });
    }
    const bytes = Buffer.from(`${read.join("\n")}\n`);
    expect((transcode(bytes, [], mapping, new Set(), 4) as { csv: string }).csv.split("\n")[3]).toBe("2026-11-02T10:00:03Z,data_read,3,p,,,,");
  });

  it("read an array of plain values as its compact text, as JSON.stringify writes it, Python's blanks and all (a gateway's tags)", () => {
    const line = (i: number, tags: string) => `{"timestamp": "2026-11-02T10:00:0${i}Z", "meter": "data_read", "quantity": ${i}, "project": "p", "tags": ${tags}}`;
    const bytes = Buffer.from(`${[line(1, "[]"), line(2, '["prod", "batch"]'), line(3, "[1, 2.5, true, null]"), line(4, '[ "é" ]')].join("\n")}\n`);
    const parsed = vi.spyOn(JsonLines.prototype, "parsed");
    const templated = records(bytes, [], NO_MAPPING, new Set(), 4);
    // The first line alone is parsed.
    expect(parsed).toHaveBeenCalledTimes(1);
    parsed.mockRestore();
    expect(templated).toEqual(records(bytes, [], NO_MAPPING, new Set(), 0));
    expect((templated as { records: { record: readonly string[] }[] }).records.map((r) => r.record[4])).toEqual(["tags", "[]", '["prod","batch"]', "[1,2.5,true,null]", '["é"]']);
    // The scanner's CSV line cannot hold a quote or a comma: as parsing every line, it gives such a file to the plain reader.
    expect(transcode(bytes, [], NO_MAPPING, new Set(), 4)).toEqual(transcode(bytes, [], NO_MAPPING, new Set(), 0));
  });
});
