import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binaryJson, ROOT } from "./helpers/cli.js";
import { stamp } from "./helpers/stamp.js";
import { ON_THREAD, THREAD_BYTES } from "./helpers/thread.js";

// Event id columns are filled again once their reader is done with them (src/usage/id-buffers.ts):
// the scanner's worker gets its batches' id buffers back once the order stage has copied the rows it
// holds, and the reorder stage fills an id buffer again only once the replay has passed a batch later
// than its last row (the replay holds an instant's rows, by their batch's id column, until a later
// instant; an instant may span batches). A buffer filled too soon would give a held row another's id:
// a repeat missed, or one counted that is none.

const dir = mkdtempSync(join(tmpdir(), "burnrate-id-buffers-"));
const account = join(dir, "account.yaml");
writeFileSync(account, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nallowance: 1000000\nanchor: 2026-11-01\ntimezone: UTC\n`);

/**
 * Rows of the log in time order: one a second, but for a block of BLOCK rows all at one instant (three batches of the
 * scanner's and the reorder's 8,192: rows 10,000 to 29,999 are in the batches of rows 8,192 to 32,767). The block keeps
 * its length, which the batches set, not the thread's size; the rows before and after it are 10,000 and 15,000 (they
 * were 60,000 and 120,000 at the default thread size). Some 2.1 MB, past the tests' thread size (ON_THREAD): read on the worker.
 */
const ROWS = 45_000;
const BLOCK_START = 10_000;
const BLOCK = 20_000;
const start = Date.parse("2026-11-02T00:00:00Z");
const secondOf = (i: number) => (i >= BLOCK_START && i < BLOCK_START + BLOCK ? BLOCK_START : i >= BLOCK_START + BLOCK ? i - BLOCK + 1 : i);

/** Each row's id: distinct, but for four repeats, two of them within the block's one instant. */
function idOf(i: number): string {
  if (i === 40_000) return "ev-10";
  if (i === 35_000) return "ev-7";
  if (i === BLOCK_START + 18_000) return `ev-${BLOCK_START + 5}`;
  if (i === BLOCK_START + 9_500) return `ev-${BLOCK_START + 9_000}`;
  return `ev-${i}`;
}

/** The log's rows in file order: in time order, or with every thousandth row outside the block swapped with the one 50 rows on (late by 50 seconds). */
function order(late: boolean): number[] {
  const rows = Array.from({ length: ROWS }, (_, i) => i);
  if (!late) return rows;
  const inBlock = (i: number) => i >= BLOCK_START - 100 && i < BLOCK_START + BLOCK + 100;
  for (let k = 1000; k + 50 < ROWS; k += 1000) if (!inBlock(k)) [rows[k], rows[k + 50]] = [rows[k + 50]!, rows[k]!];
  return rows;
}

describe("event id buffers filled again (issue 16, 50M-row memory)", () => {
  it.each([false, true])("a log past the thread's size (read on a worker) with an instant over three batches: every repeat found, none more (late rows: %s)", (late) => {
    const rows = order(late);
    const lines = rows.map((i) => `${stamp(start + secondOf(i) * 1000)},data_read,1,alpha,${idOf(i)}\n`);
    const log = join(dir, `log-${late}.csv`);
    writeFileSync(log, "timestamp,meter,quantity,project,event_id\n" + lines.join(""));
    expect(statSync(log).size).toBeGreaterThan(THREAD_BYTES);
    // A minute of lateness: the block's rows come out of the reorder stage in two turns (the batch of its last rows is made after the replay has passed the others).
    const run = binaryJson(["statement", "--account", account, "--usage", log, "--max-lateness", "1m"], { env: ON_THREAD }) as { events: { duplicates: number }; duplicate_events: { listed: { event_id: string; first: string; repeat: string }[] } };
    // Row i is on line 2 + its place in the file.
    const line = new Map(rows.map((i, place) => [i, place + 2]));
    const at = (d: { first: string; repeat: string }) => [Number(d.first.split(":").pop()), Number(d.repeat.split(":").pop())];
    const listed = new Map(run.duplicate_events.listed.map((d) => [d.event_id, at(d)]));
    expect(run.events.duplicates).toBe(4);
    expect([...listed.keys()].sort()).toEqual(["ev-10", "ev-7", `ev-${BLOCK_START + 5}`, `ev-${BLOCK_START + 9_000}`].sort());
    // Repeats at a later instant than their first row name both rows; within the block's instant, the canonical order picks which is the repeat.
    expect(listed.get("ev-10")).toEqual([line.get(10), line.get(40_000)]);
    expect(listed.get("ev-7")).toEqual([line.get(7), line.get(35_000)]);
    for (const [first, repeat] of [[BLOCK_START + 5, BLOCK_START + 18_000], [BLOCK_START + 9_000, BLOCK_START + 9_500]] as const) {
      expect(listed.get(idOf(first))!.sort((a, b) => a - b)).toEqual([line.get(first), line.get(repeat)]);
    }
  }, 120_000);
});
