import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalOrder } from "../src/engine/canonical-order.js";
import { eventIdKey, SeenEventIds, type IdScreen } from "../src/engine/event-ids.js";
import type { UsageEvent } from "../src/engine/types.js";
import type { Location } from "../src/errors.js";
import { card, events, idColumn, replay, replayRows, type EventSpec } from "./helpers/engine.js";
import { NO_MAPPING } from "../src/usage/mapping.js";
import { screenEventIds } from "../src/usage/id-screen.js";
import { KeyRuns } from "../src/usage/key-runs.js";
import { SentIds } from "../src/usage/sent-ids.js";
import { NeedsFullParser } from "../src/usage/plain-csv.js";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { statementJson } from "../src/render/statement/json.js";
import { replayFiles, type Reader } from "../src/replay/replay-files.js";
import { binaryJson, ROOT } from "./helpers/cli.js";
import { stamp } from "./helpers/stamp.js";
import { ON_THREAD, THREAD_BYTES } from "./helpers/thread.js";

// The compact id store (127-bit fingerprints in typed arrays) against a plain Map
// holding the ids themselves, on random streams: the rule of src/engine/event-ids.ts
// with and without a window, with and without a first pass's screen, by string and
// by the scanner's bytes; then the replay's repeats against the rule applied with a
// Map in the replay's order (time, then the canonical order of an instant).
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const encoder = new TextEncoder();

/** The rule with a Map of the ids by account and meter: a repeat when known in the row's account and meter and (with a window) known for at most the window. */
class PlainRule {
  private readonly known = new Map<string, Map<string, { first: Location; at: number }>>();
  constructor(private readonly window: number | undefined) {}

  firstSeen(id: string, owner: { account: string; meter: string }, origin: Location, at: number): Location | undefined {
    const key = JSON.stringify([owner.account, owner.meter]);
    let ids = this.known.get(key);
    if (ids === undefined) this.known.set(key, (ids = new Map()));
    const k = ids.get(id);
    if (k !== undefined && (this.window === undefined || at - k.at <= this.window)) return k.first;
    ids.set(id, { first: origin, at });
    return undefined;
  }
}

/** The screen a first pass would give: the keys of ids on more than one row. */
function screenOf(ids: readonly string[]): IdScreen {
  const counts = new Map<number, number>();
  for (const id of ids) {
    const bytes = encoder.encode(id);
    const key = eventIdKey(bytes, 0, bytes.length);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const repeated = Float64Array.from([...counts].filter(([, n]) => n > 1).map(([key]) => key)).sort();
  return { mayRepeat: (key) => (counts.get(key) ?? 0) > 1, repeated, timeOrdered: false };
}

const idText = fc.oneof(
  fc.integer({ min: 0, max: 3000 }).map((n) => `ev-${n}`),
  fc.constantFrom("é", "ü-1", "🙂", "\uFEFFx", "a,b", "ev-1 ", " ev-1", "EV-1"),
);
const op = fc.record({
  id: idText,
  file: fc.constantFrom("a.csv", "b.csv", "c.csv"),
  line: fc.integer({ min: 2, max: 2 ** 32 - 1 }),
  // Steps of time: 0 keeps the instant (repeats within one instant).
  step: fc.constantFrom(0, 0, 1000, 60_000, 3_600_000),
  asBytes: fc.boolean(),
  // "a" with "bc" and "ab" with "c": the account's and the meter's bytes must not run together.
  account: fc.constantFrom("", "", "acme", "beta", "a", "ab"),
  meter: fc.constantFrom("request", "request", "ai_output_tokens", "bc", "c"),
});

describe("the compact id store agrees with a Map of the ids", () => {
  it("on random streams, by string or by bytes, with or without a window and a screen", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 4000 }), fc.constantFrom(undefined, 0, 60_000, 7_200_000), fc.boolean(), (ops, window, screened) => {
        const store = new SeenEventIds({ window, screen: screened ? screenOf(ops.map((o) => o.id)) : undefined });
        const plain = new PlainRule(window);
        let at = Date.UTC(2026, 0, 1);
        // Compared in one expect a stream: an expect an op cost more than the store.
        const founds: (Location | undefined)[] = [];
        const expecteds: (Location | undefined)[] = [];
        for (const o of ops) {
          at += o.step;
          const origin = { file: o.file, line: o.line, column: 1 };
          const expected = plain.firstSeen(o.id, o, origin, at);
          let found: Location | undefined;
          if (o.asBytes) {
            const ids = idColumn([o.id]);
            found = store.rowRepeats(ids, 0, o, at) ? store.firstSeen({ eventId: o.id, account: o.account, meter: o.meter, origin, at }) : undefined;
            if (found === undefined) store.knowRow({ ids, index: 0, account: o.account, meter: o.meter, source: { origin: (line) => ({ file: o.file, line, column: 1 }) }, line: o.line, at });
          } else {
            found = store.firstSeen({ eventId: o.id, account: o.account, meter: o.meter, origin, at });
          }
          founds.push(found);
          expecteds.push(expected);
        }
        expect(founds).toEqual(expecteds);
      }),
      { numRuns: RUNS },
    );
  });

  it("keeps every id of a long stream (the table grows) and, with a window, forgets those past it", () => {
    const store = new SeenEventIds();
    const windowed = new SeenEventIds({ window: 10 });
    // The ids either store wrongly calls repeats, in one expect (not 100,000).
    const repeated: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      if (store.repeats({ eventId: `id-${i}`, account: "", meter: "m", at: i })) repeated.push(`id-${i}`);
      if (windowed.repeats({ eventId: `id-${i}`, account: "", meter: "m", at: i })) repeated.push(`id-${i} (windowed)`);
    }
    expect(repeated).toEqual([]);
    expect(store.repeats({ eventId: "id-0", account: "", meter: "m", at: 50_000 })).toBe(true);
    expect(store.repeats({ eventId: "id-49999", account: "", meter: "m", at: 50_000 })).toBe(true);
    // Known at 49,990: 10 ms later is within the window, 11 is past it (and known afresh from then).
    expect(windowed.repeats({ eventId: "id-49990", account: "", meter: "m", at: 50_000 })).toBe(true);
    expect(windowed.repeats({ eventId: "id-49989", account: "", meter: "m", at: 50_000 })).toBe(false);
    expect(windowed.repeats({ eventId: "id-49989", account: "", meter: "m", at: 50_010 })).toBe(true);
    expect(windowed.repeats({ eventId: "id-0", account: "", meter: "m", at: 50_000 })).toBe(false);
  });

  it("names where an id was first seen, not where it was last", () => {
    const store = new SeenEventIds();
    const seen = (eventId: string | undefined, file: string, line: number, at: number) => store.firstSeen({ eventId, account: "acme", meter: "m", origin: { file, line, column: 1 }, at });
    expect(seen("x", "a.csv", 7, 0)).toBeUndefined();
    expect(seen("x", "b.csv", 9, 1)).toEqual({ file: "a.csv", line: 7, column: 1 });
    expect(seen("x", "b.csv", 11, 2)).toEqual({ file: "a.csv", line: 7, column: 1 });
    expect(seen(undefined, "b.csv", 12, 3)).toBeUndefined();
  });

  it("keeps an id to its account: another account's row with that id is its own event", () => {
    const store = new SeenEventIds();
    const origin = (line: number) => ({ file: "ids.csv", line, column: 1 });
    expect(store.firstSeen({ eventId: "1", account: "acme", meter: "m", origin: origin(2), at: 0 })).toBeUndefined();
    expect(store.firstSeen({ eventId: "1", account: "beta", meter: "m", origin: origin(3), at: 1 })).toBeUndefined();
    expect(store.firstSeen({ eventId: "1", account: "", meter: "m", origin: origin(4), at: 2 })).toBeUndefined();
    expect(store.firstSeen({ eventId: "1", account: "beta", meter: "m", origin: origin(5), at: 3 })).toEqual(origin(3));
    expect(store.firstSeen({ eventId: "1", account: "acme", meter: "m", origin: origin(6), at: 4 })).toEqual(origin(2));
  });

  it("keeps an id to its meter: one request written as a row a meter under its id is one event's parts, not a retry", () => {
    const store = new SeenEventIds();
    const origin = (line: number) => ({ file: "ids.csv", line, column: 1 });
    expect(store.firstSeen({ eventId: "req-1", account: "acme", meter: "ai_input_tokens", origin: origin(2), at: 0 })).toBeUndefined();
    expect(store.firstSeen({ eventId: "req-1", account: "acme", meter: "ai_output_tokens", origin: origin(3), at: 0 })).toBeUndefined();
    // The retry repeats both rows: each is its meter's repeat.
    expect(store.firstSeen({ eventId: "req-1", account: "acme", meter: "ai_input_tokens", origin: origin(4), at: 1 })).toEqual(origin(2));
    expect(store.firstSeen({ eventId: "req-1", account: "acme", meter: "ai_output_tokens", origin: origin(5), at: 1 })).toEqual(origin(3));
  });
});

// The replay's repeats against the rule applied with a Map in the replay's order.
const C = card();
const START = Date.UTC(2026, 0, 1);
const row = fc.record({
  minute: fc.integer({ min: 0, max: 30 }),
  // Two instants a minute: many rows share one.
  second: fc.constantFrom(0, 30),
  meter: fc.constantFrom("call", "read", "view", "visitor"),
  quantity: fc.integer({ min: 0, max: 2 }),
  project: fc.constantFrom("p", "q"),
  user: fc.constantFrom("u1", "u2"),
  id: fc.option(fc.integer({ min: 0, max: 12 }).map((n) => `ev-${n}`), { freq: 6 }),
  file: fc.constantFrom("a.csv", "b.csv"),
  // Another row at the same instant with the same id, of this meter or another.
  twin: fc.option(fc.constantFrom("call", "read", "visitor"), { freq: 3 }),
});

function expectedRepeats(evs: readonly UsageEvent[], window: number | undefined): { eventId: string; meter: string; first: string; repeat: string }[] {
  const plain = new PlainRule(window);
  const ordered = [...evs].sort((a, b) => a.at - b.at || canonicalOrder(a, b));
  const out: { eventId: string; meter: string; first: string; repeat: string }[] = [];
  for (const e of ordered) {
    if (e.eventId === undefined) continue;
    const first = plain.firstSeen(e.eventId, e, e.origin, e.at);
    if (first !== undefined) out.push({ eventId: e.eventId, meter: e.meter, first: `${first.file}:${first.line}`, repeat: `${e.origin.file}:${e.origin.line}` });
  }
  return out;
}

const listed = (st: ReturnType<typeof replay>) => st.duplicateEvents!.listed.map((d) => ({ eventId: d.eventId, meter: d.meter, first: `${d.first.file}:${d.first.line}`, repeat: `${d.repeat.file}:${d.repeat.line}` }));

describe("the replay's repeats are the rule's, in the replay's order", () => {
  it("on random logs with repeats within one instant, across files and meters, as events and as rows", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 150 }), fc.constantFrom(undefined, 30_000, 600_000), fc.integer({ min: 1, max: 9 }), (rows, window, size) => {
        const twinned = rows.flatMap((r) => (r.twin === null ? [r] : [r, { ...r, meter: r.twin }]));
        const sorted = twinned.sort((a, b) => a.minute - b.minute || a.second - b.second);
        const specs: EventSpec[] = sorted.map((r) => [new Date(START + r.minute * 60_000 + r.second * 1000).toISOString(), r.meter, String(r.quantity), { project: r.project, user: r.user }, { id: r.id ?? undefined }]);
        const evs = events(specs).map((e, i) => ({ ...e, origin: { ...e.origin, file: sorted[i]!.file } }));
        const options = { plan: "paid", dedupeWindow: window };
        const expected = expectedRepeats(evs, window);
        const st = replay(C, evs, options);
        expect(st.events.duplicates).toBe(expected.length);
        expect(listed(st)).toEqual(expected);
        // As rows (one file, as the scanner gives them): the same rows repeat, the rest on the known path when they may.
        const one = evs.map((e) => ({ ...e, origin: { ...e.origin, file: "events" } }));
        const rowsSt = replayRows(C, one, options, [size]);
        expect(listed(rowsSt)).toEqual(expectedRepeats(one, window));
        expect(JSON.stringify(rowsSt)).toBe(JSON.stringify(replay(C, one, options)));
      }),
      { numRuns: RUNS * 5 },
    );
    // Five hundred replays each way: a minute alone, more on a machine running other files beside it.
  }, 240_000);
});

describe("the first pass over the log (id-screen)", () => {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-ids-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const options = (keysInMemory?: number) => ({ card: card(), mappingFor: () => NO_MAPPING, stdinCopy: undefined, keysInMemory });
  const key = (id: string) => eventIdKey(encoder.encode(id), 0, encoder.encode(id).length);
  const header = "timestamp,meter,quantity,project,event_id\n";
  const rows = (ids: string[]) => ids.map((id, i) => `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}Z,call,1,p,${id}\n`).join("");

  it("finds the ids on more than one row, across files, whether its keys fit in memory or went to runs on disk", async () => {
    const unique = Array.from({ length: 3000 }, (_, i) => `u-${i}`);
    const a = file("a.csv", header + rows([...unique.slice(0, 1500), "twice", "thrice", "é-1"]));
    const b = file("b.csv", header + rows([...unique.slice(1500), "twice", "thrice", "thrice", "é-1", ""]));
    for (const most of [undefined, 64, 1000]) {
      const screen = (await screenEventIds([a, b], options(most)))!;
      expect(screen).toBeDefined();
      for (const id of ["twice", "thrice", "é-1"]) expect(screen.mayRepeat(key(id))).toBe(true);
      expect(unique.filter((id) => screen.mayRepeat(key(id)))).toEqual([]);
    }
  });

  it("reads a log without a trailing newline, with the id in any column and a byte-order mark", async () => {
    const f = file("c.csv", "\uFEFFevent_id,timestamp,meter,quantity,project\nx,2026-01-01T00:00:00Z,call,1,p\ny,2026-01-01T00:00:01Z,call,1,p\nx,2026-01-01T00:00:02Z,call,1,p");
    const screen = (await screenEventIds([f], options()))!;
    expect(screen.mayRepeat(key("x"))).toBe(true);
    expect(screen.mayRepeat(key("y"))).toBe(false);
  });

  it("screens the ids of a log whose time is a count of milliseconds, and takes its rows as out of order (newcomer37)", async () => {
    // Before stop 47 the pass gave up on such a file (timestamp_unit:), and the replay remembered every id.
    const f = file("epoch.csv", "timestamp,meter,quantity,project,event_id\n1793491204495,call,1,p,x\n1793491205241,call,1,p,y\n1793491206000,call,1,p,x\n");
    const screen = await screenEventIds([f], { ...options(), mappingFor: () => ({ ...NO_MAPPING, timestampUnit: "milliseconds" }) });
    expect(screen).toBeDefined();
    expect(screen!.mayRepeat(key("x"))).toBe(true);
    expect(screen!.mayRepeat(key("y"))).toBe(false);
    expect(screen!.timeOrdered).toBe(false);
  });

  it("finds whether the rows are in time order, across the files in the order given", async () => {
    const at = (stamps: string[]) => stamps.map((t, i) => `${t},call,1,p,id-${i}\n`).join("");
    const ordered = file("o1.csv", header + at(["2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:09Z", "2026-01-02T00:00:00Z"]));
    const after = file("o2.csv", header + at(["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]));
    const before = file("o3.csv", header + at(["2026-01-01T23:59:59Z"]));
    const early = file("o4.csv", header + at(["2026-01-01T00:00:01Z", "2026-01-01T00:00:00Z"]));
    const offset = file("o5.csv", header + at(["2026-01-01T00:00:00+01:00", "2026-01-01T00:00:01+01:00"]));
    const ordering = async (files: string[]) => (await screenEventIds(files, options()))!.timeOrdered;
    expect(await ordering([ordered])).toBe(true);
    expect(await ordering([ordered, after])).toBe(true);
    expect(await ordering([ordered, before])).toBe(false);
    expect(await ordering([early])).toBe(false);
    // Only UTC stamps of one form compare as text in time order.
    expect(await ordering([offset])).toBe(false);
  });

  it("finds the same keys and order with the rows read in pieces (each cut at a line past its size, anywhere in the files)", async () => {
    // Stamps from a few seconds, so that some logs are in order and some not; ids from a small pool, so that some repeat, also across the halves.
    const line = fc.record({ second: fc.integer({ min: 0, max: 3 }), id: fc.integer({ min: 0, max: 60 }), empty: fc.boolean() });
    const log = fc.array(fc.array(line, { maxLength: 40 }), { minLength: 1, maxLength: 3 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(log, fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 1, max: 2000 }), fc.constantFrom(undefined, 8), fc.boolean(), async (parts, splitBytes, pieceBytes, most, newline) => {
        const files = parts.map((lines, f) => {
          const text = lines.map((l) => `2026-01-01T00:0${f}:0${l.second}Z,call,1,p,${l.empty ? "" : `id-${l.id}`}`).join("\n");
          return file(`split-${n++}.csv`, header + text + (newline ? "\n" : ""));
        });
        const whole = await screenEventIds(files, options(most));
        const halves = await screenEventIds(files, { ...options(most), splitBytes, pieceBytes, here: true });
        expect(halves?.timeOrdered).toBe(whole?.timeOrdered);
        expect([...(halves?.repeated ?? [])]).toEqual([...(whole?.repeated ?? [])]);
        // And by the ids themselves: those on two rows or more.
        const counts = new Map<string, number>();
        for (const l of parts.flat()) if (!l.empty) counts.set(`id-${l.id}`, (counts.get(`id-${l.id}`) ?? 0) + 1);
        for (const [id, count] of counts) expect(halves!.mayRepeat(key(id))).toBe(count > 1);
      }),
      { numRuns: RUNS },
    );
    // Each piece in order, the second's first row before the first's last: not in order.
    const turned = file("turned.csv", header + "2026-01-01T00:00:08Z,call,1,p,a\n2026-01-01T00:00:09Z,call,1,p,b\n2026-01-01T00:00:01Z,call,1,p,a\n");
    const split = await screenEventIds([turned], { ...options(), splitBytes: 1, pieceBytes: 60, here: true });
    expect(split!.timeOrdered).toBe(false);
    expect(split!.mayRepeat(key("a"))).toBe(true);
  });

  it("reads a large log's later half on a worker thread: a repeat across the halves is found, through the binary", () => {
    // 22,500 rows, one a second (some 1.07 MB: past the thread's size that splits them, THREAD_BYTES, in three pieces of the
    // pass, the last from row 22,075 on): ids of the first half again in the second, and twice within the second.
    const rows = 22_500;
    const id = (i: number) => (i === 21_250 ? "ev-10" : i === 15_000 ? "ev-5" : i === 22_375 ? "ev-18750" : `ev-${i}`);
    const start = Date.parse("2026-11-02T00:00:00Z");
    const lines = Array.from({ length: rows }, (_, i) => `${stamp(start + i * 1000)},data_read,1,alpha,${id(i)}\n`);
    const log = file("halves.csv", header + lines.join(""));
    const account = file("halves.yaml", `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nallowance: 1000000\nanchor: 2026-11-01\ntimezone: UTC\n`);
    expect(statSync(log).size).toBeGreaterThan(THREAD_BYTES);
    const run = binaryJson(["statement", "--account", account, "--usage", log], { env: ON_THREAD }) as { events: { duplicates: number }; duplicate_events: { listed: { event_id: string; first: string; repeat: string }[] } };
    expect(run.events.duplicates).toBe(3);
    // Lines: the header is line 1, row i is line i + 2.
    expect(run.duplicate_events.listed.map((d) => `${d.event_id} ${d.first.split(":").pop()} ${d.repeat.split(":").pop()}`)).toEqual(["ev-5 7 15002", "ev-10 12 21252", "ev-18750 18752 22377"]);
  }, 120_000);

  it("reads an id quoted whole as its text, and passes over another column's quoted JSON, commas and doubled quotes in it (stop 57)", async () => {
    const json = '"{""user"": ""a"", ""tags"": [""x"", ""y""]}"';
    const jsonHeader = "timestamp,meter,quantity,project,event_id,metadata\n";
    const lines = ["a", '"b"', "c", '"a"', "b"].map((id, i) => `2026-01-01T00:00:0${i}Z,call,1,p,${id},${i % 2 === 0 ? json : "{}"}\n`).join("");
    const mapping = { ...options(), mappingFor: () => ({ ...NO_MAPPING, ignore: new Set(["metadata"]) }) };
    const gz = join(dir, "json.csv.gz");
    writeFileSync(gz, gzipSync(jsonHeader + lines));
    const runs = [
      ["whole", file("json-whole.csv", jsonHeader + lines), mapping],
      ["in pieces", file("json-pieces.csv", jsonHeader + lines), { ...mapping, splitBytes: 1, pieceBytes: 90, here: true }],
      ["gzip", gz, mapping],
    ] as const;
    for (const [name, path, o] of runs) {
      const screen = await screenEventIds([path], o);
      expect(screen, name).toBeDefined();
      // a and b are each once plain and once quoted: both repeat; c does not.
      expect(["a", "b", "c"].map((id) => screen!.mayRepeat(key(id))), name).toEqual([true, true, false]);
    }
  });

  it("gives up (every id remembered) on what it cannot prove it reads as the readers do, and has nothing to say without ids", async () => {
    // An id in quotes with a doubled quote within is not its bytes' text; a quote inside an unquoted cell is csv-parse's.
    expect(await screenEventIds([file("q.csv", header + '2026-01-01T00:00:00Z,call,1,p,"x""y"\n')], options())).toBeUndefined();
    expect(await screenEventIds([file("q2.csv", header + '2026-01-01T00:00:00Z,call,1,p,x"y\n')], options())).toBeUndefined();
    expect(await screenEventIds([file("r.csv", header + "2026-01-01T00:00:00Z,call,1,p,x\r\n")], options())).toBeUndefined();
    expect(await screenEventIds([join(dir, "missing.csv")], options())).toBeUndefined();
    expect(await screenEventIds([file("n.csv", "timestamp,meter,quantity,project\n2026-01-01T00:00:00Z,call,1,p\n")], options())).toBeUndefined();
    // Read in pieces, a quote or a carriage return in any piece (the last here) gives up the whole pass.
    const rowsThen = (last: string) => header + rows(["a", "b", "c", "a"]) + `2026-01-01T00:01:00Z,call,1,p,${last}\n`;
    const inPieces = { ...options(), splitBytes: 1, pieceBytes: 40, here: true };
    expect(await screenEventIds([file("pq.csv", rowsThen("d"))], inPieces)).toBeDefined();
    expect(await screenEventIds([file("pq2.csv", rowsThen('"d""e"'))], inPieces)).toBeUndefined();
    expect(await screenEventIds([file("pr.csv", rowsThen("d\r"))], inPieces)).toBeUndefined();
  });
});

describe("the first pass's key runs (key-runs)", () => {
  // Keys as hashes (spread evenly) and bunched (every key in one bucket, so sorted natively), in memory or in runs on disk.
  const key = fc.oneof(fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(0, 2 ** 53 - 1));
  it("find the keys added twice or more, and no other", () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 3000 }), fc.constantFrom(16, 100, 1 << 20), (keys, most) => {
        const runs = new KeyRuns(most);
        const counts = new Map<number, number>();
        for (const k of [...keys, ...keys.slice(0, keys.length >> 2)]) {
          runs.add(k);
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        try {
          const screen = runs.repeated(false);
          const twice = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
          expect([...screen.repeated]).toEqual(twice.sort((a, b) => a - b));
          for (const [k] of counts) expect(screen.mayRepeat(k)).toBe(counts.get(k)! > 1);
          expect(screen.mayRepeat(2 ** 52 + 0.5)).toBe(false);
        } finally {
          runs.remove();
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("ids the scanner leaves out of a log in time order (sent-ids)", () => {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-sent-"));
  const accountFile = join(dir, "account.yaml");
  // An allowance of 1 credit (reads at 0.001 a unit) runs out within a few rows: which row of an instant is refused, and so its line, depends on the ids' order.
  writeFileSync(accountFile, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nallowance: 1\nanchor: 2026-11-01\ntimezone: UTC\n`);
  const row = fc.record({ step: fc.constantFrom(0, 0, 0, 1, 7), project: fc.constantFrom("alpha", "beta"), quantity: fc.constantFrom(100, 200, 300), id: fc.integer({ min: 0, max: 400 }) });

  it("give the statement csv-parse gives with every id: repeats and the order of rows alike but for their ids", async () => {
    const account = loadAccount(accountFile);
    const c = loadCardFor(undefined, account);
    const settings = resolveAccount(c, account, {});
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 120 }), async (rows) => {
        let at = Date.parse("2026-11-02T10:00:00Z");
        const lines = rows.map((r) => `${new Date((at += r.step * 1000)).toISOString().replace(".000", "")},data_read,${r.quantity},${r.project},ev-${r.id}`);
        const log = join(dir, `usage-${n++}.csv`);
        writeFileSync(log, ["timestamp,meter,quantity,project,event_id", ...lines].join("\n") + "\n");
        const input = { files: [log], mappingFile: undefined, mapFlags: [] };
        const outcome = (reader: Reader) => replayFiles(c, settings, input, undefined, reader).then((s) => JSON.stringify(statementJson(s)));
        expect(await outcome("scanner")).toBe(await outcome("csv-parse"));
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it("stop the scanner at a row earlier than the one before it (the first pass found none)", () => {
    const sent = new SentIds(new Float64Array(0), 8);
    const id = encoder.encode("x");
    sent.row(0, 1000, 0, id, 0, 1);
    expect(() => sent.row(1, 999, 0, id, 0, 1)).toThrow(NeedsFullParser);
  });
});
