import { closeSync, createReadStream, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { UsageEvent } from "../engine/types.js";
import { Decimal, ONE } from "../money.js";
import { temporaryError, temporaryFolder } from "../temporary.js";
import { isRows, rowEvents } from "../engine/rows.js";
import { mergeByTime, type UsageBatches } from "./merge.js";

/**
 * Events sorted in memory at once; more are sorted in runs of this many, written to temporary files and merged. A
 * plain reader's event with its dimensions and tokens holds some 600 bytes: 50,000 of them were 30 MB of reconcile's
 * scan of a 3.1M-row gateway month, which peaked at 276 MB for it and at 261 MB with runs of 20,000 (newcomer36;
 * docs/performance.md, near47). A merge reads 128 events of each run at a time.
 */
const RUN_EVENTS = 20_000;

/**
 * Usage events in time order, ties in the order they came (a stable sort), with
 * memory bounded by the run size rather than the log: each run is sorted and
 * written to a temporary file, and the runs are merged as they are read back.
 */
export async function* sortByTime(source: UsageBatches, runEvents = RUN_EVENTS): AsyncGenerator<readonly UsageEvent[]> {
  let run: UsageEvent[] = [];
  let spill: Spill | undefined;
  try {
    for await (const batch of source) {
      for (const event of isRows(batch) ? rowEvents(batch) : batch) run.push(event);
      if (run.length >= runEvents) {
        spill ??= new Spill();
        spill.write(sorted(run));
        run = [];
      }
    }
    if (!spill) {
      const all = sorted(run);
      for (let i = 0; i < all.length; i += BATCH) yield all.slice(i, i + BATCH);
      return;
    }
    if (run.length > 0) spill.write(sorted(run));
    run = [];
    // Ties go to the earlier run, which holds the earlier rows: the merge keeps the sort stable.
    yield* mergeByTime(spill.runs.map((file) => spill!.read(file)));
  } finally {
    spill?.remove();
  }
}

const BATCH = 1024;
/** Events read back from each run at a time: many runs are open at once during the merge. */
const RUN_BATCH = 128;

function sorted(events: UsageEvent[]): UsageEvent[] {
  return events.sort((a, b) => a.at - b.at);
}

/** Runs written as JSON lines in a private temporary folder, removed when the sort ends. */
class Spill {
  private readonly folder = temporaryFolder("burnrate-sort-");
  readonly runs: string[] = [];
  /** Column maps are shared by every row of a file: written once, referred to by number. */
  private readonly layouts: ReadonlyMap<string, number>[] = [];
  private readonly layoutIndex = new Map<ReadonlyMap<string, number>, number>();
  /** Quantities read back as one Decimal per distinct text, as the reader hands them out. */
  private readonly quantities = new Map<string, Decimal>([["1", ONE]]);

  write(events: readonly UsageEvent[]): void {
    const file = join(this.folder.path, `run-${this.runs.length}.jsonl`);
    try {
      this.writeRun(file, events);
    } catch (e) {
      throw temporaryError(e);
    }
    this.runs.push(file);
  }

  private writeRun(file: string, events: readonly UsageEvent[]): void {
    const fd = openSync(file, "w");
    try {
      let pending = "";
      for (const e of events) {
        pending += `${JSON.stringify([e.at, e.account, e.meter, e.quantity.toFixed(), e.components ? Object.entries(e.components).map(([k, v]) => [k, v.toFixed()]) : 0, e.dimensions, e.eventId ?? 0, e.origin.file, e.origin.line, e.origin.column, this.layout(e.origin.columns)])}\n`;
        if (pending.length >= 1 << 16) {
          writeSync(fd, pending);
          pending = "";
        }
      }
      writeSync(fd, pending);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * A run read back a few events at a time. Lines are split here rather than by
   * readline, whose iterator keeps reading ahead: with hundreds of runs open at
   * once, that held most of every run in memory.
   */
  async *read(file: string): AsyncGenerator<readonly UsageEvent[]> {
    let batch: UsageEvent[] = [];
    let rest = "";
    for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 14 }) as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        batch.push(this.event(text.slice(start, nl)));
        start = nl + 1;
      }
      rest = text.slice(start);
      if (batch.length >= RUN_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  private event(line: string): UsageEvent {
    const [at, account, meter, quantity, components, dimensions, eventId, originFile, originLine, column, layout] = JSON.parse(line) as Row;
    return {
      at,
      account,
      meter,
      quantity: this.quantity(quantity),
      ...(components ? { components: Object.fromEntries(components.map(([k, v]) => [k, new Decimal(v)])) } : {}),
      dimensions,
      eventId: eventId === 0 ? undefined : eventId,
      origin: { file: originFile, line: originLine, column, ...(layout >= 0 ? { columns: this.layouts[layout] } : {}) },
    };
  }

  remove(): void {
    this.folder.remove();
  }

  private layout(columns: ReadonlyMap<string, number> | undefined): number {
    if (!columns) return -1;
    let index = this.layoutIndex.get(columns);
    if (index === undefined) {
      index = this.layouts.length;
      this.layouts.push(columns);
      this.layoutIndex.set(columns, index);
    }
    return index;
  }

  private quantity(text: string): Decimal {
    let q = this.quantities.get(text);
    if (!q) {
      q = new Decimal(text);
      if (this.quantities.size < 4096) this.quantities.set(text, q);
    }
    return q;
  }
}

type Row = [number, string, string, string, [string, string][] | 0, Record<string, string>, string | 0, string, number, number, number];
