import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { eventIdKey } from "../src/engine/event-ids.js";
import { screenEventIds } from "../src/usage/id-screen.js";
import { NO_MAPPING, type ColumnMapping } from "../src/usage/mapping.js";
import { card } from "./helpers/engine.js";
import { loadCard } from "../src/inputs.js";
import { usageLayout } from "../src/usage/layouts.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// The event ids' first pass over gzip, JSON Lines and Parquet files (src/usage/streamed-ids.ts): every id on two rows
// or more must be found, whatever way a line writes it, or the replay forgets it and bills a retry twice; an id on
// one row must not be, or the replay remembers every id, as it did for these files (390 MB at 2M rows, not 230).
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const dir = mkdtempSync(join(tmpdir(), "streamed-ids-"));
let n = 0;
const file = (name: string, bytes: string | Buffer) => {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, bytes);
  return path;
};
const encoder = new TextEncoder();
const key = (id: string) => eventIdKey(encoder.encode(id), 0, encoder.encode(id).length);
/** The decoys' fields, read by nothing: the readers would refuse a first line with one otherwise, and so the pass. */
const DECOYS: ColumnMapping = { ...NO_MAPPING, ignore: new Set(["note", "meta", "more"]) };
const screen = (files: string[], mapping: ColumnMapping = DECOYS) => screenEventIds(files, { card: card(), mappingFor: () => mapping, stdinCopy: undefined });

/** How a line writes its id: each form the readers read as the same text (the id "7" as the number 7 too). */
const FORMS = ["plain", "spaced", "escaped", "number", "key-escaped", "backslash-elsewhere", "nested-decoy", "decoy-value", "quoted-decoy", "escaped-spaced", "odd-quote"] as const;
type Form = (typeof FORMS)[number];

/** JSON with every character of `text` as a \u escape: the readers read the text itself. */
const escaped = (text: string) => `"${[...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"`;

/** A line whose id, as the readers read it, is `id` (or none); `decoy` is a value no other line has, written where no id is read. */
function line(second: number, id: string | undefined, form: Form, decoy: string): string {
  const head = `"timestamp":"2026-01-01T00:00:${String(second % 60).padStart(2, "0")}Z","meter":"call","quantity":1,"project":"p"`;
  if (id === undefined) return `{${head}${form === "decoy-value" ? `,"note":"event_id"` : ""}}`;
  const value = form === "number" && /^[1-9]\d{0,5}$/.test(id) ? id : form === "escaped" ? escaped(id) : JSON.stringify(id);
  switch (form) {
    case "spaced":
      return `{${head}, "event_id" :\t${value} }`;
    case "key-escaped":
      return `{${head},"event\\u005fid":${value}}`;
    case "backslash-elsewhere":
      return `{${head},"event_id":${value},"note":"a \\"quoted\\" word"}`;
    case "quoted-decoy":
      // The id's key and value written inside another string, its quotes escaped: not a key, not a second row's id.
      return `{${head},"note":${JSON.stringify(`say "event_id":${JSON.stringify(id)} then`)},"event_id":${value}}`;
    case "odd-quote":
      // An escaped quote before the id and one after: a string read to its first quote would end inside one, and miss the key.
      return `{${head},"note":"a 5\\" screen","event_id":${value},"more":"a 6\\" one"}`;
    case "escaped-spaced":
      return `{${head},"note":"tab\\there", "event\\u005fid" : ${escaped(id)} }`;
    case "nested-decoy":
      return `{"meta":{"event_id":${JSON.stringify(decoy)}},${head},"event_id":${value}}`;
    case "decoy-value":
      return `{${head},"note":"event_id","event_id":${value}}`;
    default:
      return `{${head},"event_id":${value}}`;
  }
}

const row = fc.record({
  second: fc.nat(59),
  id: fc.option(fc.constantFrom("7", "42", "e1", "é-2", "a,b", "日本", "x y"), { nil: undefined, freq: 5 }),
  form: fc.constantFrom(...FORMS),
});

describe("the event ids' first pass over files read from their start", () => {
  it("finds each id on two rows or more, and no other, however a JSON line writes it, plain or gzipped", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(row, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean(), async (parts, gzip, crlf) => {
        let decoys = 0;
        const files = parts.map((rows, f) => {
          const text = rows.map((r) => line(r.second, r.id, r.form, `decoy-${f}-${decoys++}`)).join(crlf ? "\r\n" : "\n");
          return gzip ? file("log.jsonl.gz", gzipSync(text)) : file("log.jsonl", text);
        });
        const counts = new Map<string, number>();
        for (const r of parts.flat()) if (r.id !== undefined) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
        const found = await screen(files);
        expect(found).toBeDefined();
        for (const [id, count] of counts) expect([id, found!.mayRepeat(key(id))]).toEqual([id, count > 1]);
        expect(found!.timeOrdered).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  // OpenMeter's CloudEvents: an id is unique within its source, and read as "SOURCE ID". Every line was parsed for it.
  it("reads a CloudEvents id within its source, however the line writes them", async () => {
    const floopy = loadCard(join(ROOT, "ratecards/floopy.yaml"));
    const event = fc.record({ id: fc.constantFrom("1", "2", "é"), source: fc.option(fc.constantFrom("gw-a", "gw-b", "gw\\c"), { nil: undefined }), nested: fc.boolean(), escape: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 25 }), async (events) => {
        const text = events.map((e, i) => {
          const id = e.escape ? escaped(e.id) : JSON.stringify(e.id);
          const source = e.source === undefined ? "" : `"source":${JSON.stringify(e.source)},`;
          // A nested object with fields of both names: not the row's own.
          const data = e.nested ? `{"model":"gpt-4o","provider":"openai","input_tokens":1,"output_tokens":1,"meta":{"id":"x","source":"y"}}` : `{"model":"gpt-4o","provider":"openai","input_tokens":1,"output_tokens":1}`;
          return `{"specversion":"1.0","id":${id},${source}"type":"request","subject":"acme","time":"2026-11-02T10:00:${String(i % 60).padStart(2, "0")}Z","data":${data}}`;
        });
        const mapping = { ...usageLayout("cloudevents"), ignore: new Set([...usageLayout("cloudevents").ignore, "data.meta"]) };
        const found = await screenEventIds([file("ce.jsonl", text.join("\n"))], { card: floopy, mappingFor: () => mapping, stdinCopy: undefined });
        expect(found).toBeDefined();
        // The id as the readers read it: "SOURCE ID", or the id alone without a source.
        const counts = new Map<string, number>();
        for (const e of events) {
          const read = e.source === undefined ? e.id : `${e.source} ${e.id}`;
          counts.set(read, (counts.get(read) ?? 0) + 1);
        }
        for (const [read, count] of counts) if (count > 1) expect([read, found!.mayRepeat(key(read))]).toEqual([read, true]);
      }),
      { numRuns: RUNS },
    );
  });

  it("reads a mapped id field, and a nested one by its dotted path", async () => {
    const log = file("mapped.jsonl", [["r1", "d1"], ["r1", "d2"], ["r2", "d1"]].map(([r, d], i) => `{"ts":"2026-01-01T00:00:0${i}Z","meter":"call","project":"p","request_id":"${r}","data":{"id":"${d}"}}`).join("\n"));
    const byRequest = await screen([log], { ...NO_MAPPING, columns: { timestamp: "ts", event_id: "request_id" }, ignore: new Set(["data"]) });
    expect([byRequest!.mayRepeat(key("r1")), byRequest!.mayRepeat(key("r2")), byRequest!.mayRepeat(key("d1"))]).toEqual([true, false, false]);
    const byData = await screen([log], { ...NO_MAPPING, columns: { timestamp: "ts", event_id: "data.id" }, ignore: new Set(["request_id"]) });
    expect([byData!.mayRepeat(key("d1")), byData!.mayRepeat(key("d2")), byData!.mayRepeat(key("r1"))]).toEqual([true, false, false]);
  });

  it("reads a gzip CSV's id column, and a flat Parquet file's id column alone", async () => {
    const csv = "timestamp,meter,quantity,project,event_id\n" + ["a", "b", "a", "c", "", ""].map((id, i) => `2026-01-01T00:00:0${i}Z,call,1,p,${id}\n`).join("");
    const gz = await screen([file("log.csv.gz", gzipSync(csv))]);
    expect(["a", "b", "c"].map((id) => gz!.mayRepeat(key(id)))).toEqual([true, false, false]);
    const ids = ["7", "q", "7", "r", "q"];
    const parquet = parquetWriteBuffer({
      columnData: [
        { name: "timestamp", data: ids.map((_, i) => `2026-01-01T00:00:0${i}Z`), type: "STRING" },
        { name: "meter", data: ids.map(() => "call"), type: "STRING" },
        { name: "event_id", data: ids, type: "STRING" },
      ],
      rowGroupSize: 2,
    });
    const pq = await screen([file("log.parquet", Buffer.from(parquet))]);
    expect(["7", "q", "r"].map((id) => pq!.mayRepeat(key(id)))).toEqual([true, true, false]);
  });

  // newcomer50 F3: an export that quotes every cell (Snowflake, Python's QUOTE_ALL) was given up on, and its 3M rows'
  // ids all remembered: 309 MB against 163 without them. A cell plainly quoted is read as csv-parse reads it.
  it("reads a CSV whose cells are quoted, plain or gzipped, a quoted comma within a cell and all", async () => {
    const ids = ["a", "b,1", "a", "c", "", "b,1"];
    const csv = '\uFEFF"timestamp","meter","quantity","project","event_id"\n' + ids.map((id, i) => `"2026-01-01T00:00:0${i}Z","call","1","p","${id}"\n`).join("");
    for (const path of [file("quoted.csv", csv), file("quoted.csv.gz", gzipSync(csv))]) {
      const found = await screen([path]);
      expect(["a", "b,1", "c", "b"].map((id) => found!.mayRepeat(key(id)))).toEqual([true, true, false, false]);
    }
    // Quoted here and there, as csv-parse writes a cell that needs it, and a header plain: the cells read alike.
    const mixed = "timestamp,meter,quantity,project,event_id\n" + ids.map((id, i) => `2026-01-01T00:00:0${i}Z,call,1,"p",${id.includes(",") ? `"${id}"` : id}\n`).join("");
    const gz = await screen([file("mixed.csv.gz", gzipSync(mixed))]);
    expect(["a", "b,1", "c"].map((id) => gz!.mayRepeat(key(id)))).toEqual([true, true, false]);
    // A Windows export's CRLF lines (Python's csv writes them), quoted or not, the id the last cell: read without the CR.
    for (const text of [csv, "timestamp,meter,quantity,project,event_id\n" + ["a", "b", "a", "c"].map((id, i) => `2026-01-01T00:00:0${i}Z,call,1,p,${id}\n`).join("")]) {
      const crlf = await screen([file("windows.csv", text.replaceAll("\n", "\r\n"))]);
      expect(["a", "c"].map((id) => crlf!.mayRepeat(key(id)))).toEqual([true, false]);
    }
  });

  it("gives up on a quote csv-parse reads otherwise: escaped, within a cell, or a cell over lines", async () => {
    const head = '"timestamp","meter","quantity","project","event_id"\n';
    const row = (id: string) => `"2026-01-01T00:00:00Z","call","1","p",${id}\n`;
    for (const odd of ['"a""b"', 'a"b', '"a"b', '"a\nb"', '"a\rb"']) expect(await screen([file("odd.csv", head + row('"x"') + row(odd))])).toBeUndefined();
  });

  it("joins their keys to a plain CSV's, read in pieces on two threads", async () => {
    const csv = file("day1.csv", "timestamp,meter,quantity,project,event_id\n" + ["a", "b", "c", "d"].map((id, i) => `2026-01-01T00:00:0${i}Z,call,1,p,${id}\n`).join(""));
    const jsonl = file("day2.jsonl", ["b", "e", "f", "f"].map((id, i) => `{"timestamp":"2026-01-02T00:00:0${i}Z","meter":"call","quantity":1,"project":"p","event_id":"${id}"}`).join("\n"));
    const split = await screenEventIds([csv, jsonl], { card: card(), mappingFor: () => NO_MAPPING, stdinCopy: undefined, splitBytes: 1, pieceBytes: 60, here: true });
    expect(["a", "b", "c", "d", "e", "f"].map((id) => split!.mayRepeat(key(id)))).toEqual([false, true, false, false, false, true]);
    expect(split!.timeOrdered).toBe(false);
  });

  it("reads lines that span many of gunzip's chunks, each once", async () => {
    // Lines of 300 KB (gunzip gives 16 KiB at a time), under the readers' 1 MiB.
    const text = ["a", "b", "a"].map((id) => `{"timestamp":"2026-01-01T00:00:00Z","meter":"call","project":"p","note":"${"y".repeat(300_000)}","event_id":"${id}"}`).join("\n");
    const found = await screen([file("wide.jsonl.gz", gzipSync(text))]);
    expect([found!.mayRepeat(key("a")), found!.mayRepeat(key("b"))]).toEqual([true, false]);
  });

  it("leaves a gzip cut short or damaged to the readers, which say so at the file", async () => {
    const whole = gzipSync(Array.from({ length: 2000 }, (_, i) => `{"timestamp":"2026-09-02T10:00:00Z","meter":"data_read","quantity":1,"project":"p","event_id":"e${i % 1500}"}`).join("\n"));
    const cut = file("cut.jsonl.gz", whole.subarray(0, whole.length - 200));
    expect(await screen([cut])).toBeUndefined();
    const account = file("cut.yaml", `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-09-01\ntimezone: UTC\n`);
    const r = await burnrate(["statement", "--account", account, "--usage", cut]);
    expect(r.code).toBe(2);
    // At the line the file was cut in (newcomer50 F9: at 1:1, after reading it all): the whole lines gunzip gives of
    // the cut bytes are read, and the next is where it ends.
    const read = gunzipSync(whole.subarray(0, whole.length - 200), { finishFlush: constants.Z_SYNC_FLUSH }).toString("utf8").split("\n").length;
    expect(read).toBeGreaterThan(1);
    expect(r.stderr).toMatch(new RegExp(`^burnrate: error: .*cut\\.jsonl\\.gz:${read}:1: not a complete gzip file \\(expected gzip-compressed usage, whole, found unexpected end of file\\)\n$`));
  });

  it("leaves a line the readers refuse to them: every id is then remembered", async () => {
    expect(await screen([file("bad.jsonl", '{"event_id":"a"}\n{"event_id":\n')])).toBeUndefined();
    // A first line the readers refuse (a field nothing reads) is given up at once, not after the file is read whole.
    const row = (id: string, extra = "") => `{"timestamp":"2026-01-01T00:00:00Z","meter":"call","quantity":1,"project":"p"${extra},"event_id":"${id}"}`;
    expect(await screen([file("fine.jsonl", `${row("a", ',"note":"x"')}\n${row("a")}\n`)])).toBeDefined();
    expect(await screen([file("unread.jsonl", `${row("a", ',"pad":"x"')}\n${row("a")}\n`)])).toBeUndefined();
    // A line past the readers' 1 MiB, in a chunk of its own and across chunks: not gathered whole (red team, stop 42).
    const long = `{"event_id":"b","note":"${"x".repeat(3 << 20)}"}`;
    expect(await screen([file("long.jsonl", `{"event_id":"a"}\n${long}\n`)])).toBeUndefined();
    expect(await screen([file("long.jsonl.gz", gzipSync(`{"event_id":"a"}\n${long}`))])).toBeUndefined();
  });
});

describe("a JSON Lines log whose retry writes its id another way", () => {
  it("counts the retry once, through the CLI", async () => {
    // data_read costs 0.01 a read (ratecards/fliplet.yaml): 100 reads, then 50 (the retry, priced nothing), then 30.
    const lines = [
      '{"timestamp":"2026-09-02T10:00:00Z","meter":"data_read","quantity":100,"project":"alpha","event_id":"req-1"}',
      '{"timestamp":"2026-09-02T11:00:00Z","meter":"data_read","quantity":50,"project":"alpha","event_id":"req\\u002d1"}',
      '{"timestamp":"2026-09-02T12:00:00Z","meter":"data_read","quantity":30,"project":"alpha","event_id":"req-2"}',
    ];
    const log = file("retry.jsonl", `${lines.join("\n")}\n`);
    const account = file("account.yaml", `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-09-01\ntimezone: UTC\n`);
    const r = await burnrate(["statement", "--account", account, "--usage", log, "--format", "json"]);
    expect(r.stderr).toBe("");
    const statement = JSON.parse(r.stdout);
    expect(statement.events).toMatchObject({ read: 3, duplicates: 1 });
    expect(statement.accounts[0].cycles[0].total).toBe("1.3");
  });
});
