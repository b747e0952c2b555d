import { openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ClosedCycleSetup, CycleSpill } from "../engine/closed-cycles.js";
import { atFlag, shown, UserError } from "../errors.js";
import { temporaryError, temporaryFolder } from "../temporary.js";

/**
 * Closed cycles held as objects, in estimated bytes, before the rest go to a
 * temporary file: a log of a hundred thousand accounts would otherwise hold
 * every account's cycles until the statement is written. A single account's
 * statement (some hundred thousand lines) stays well within it.
 * BURNRATE_CYCLE_MEMORY_MB sets another budget (0 spills every cycle: the
 * tests force the file that way).
 */
const BUDGET_MB = 64;
/**
 * And at most this many cycles as objects: a log of 100,000 accounts closes some 200,000 cycles of a few
 * lines each, and the first 13,000 or so of them held as objects (64 MB estimated) cost 40 to 60 MB of
 * peak RSS and a fifth to a third more CPU, mostly the collector's, against their text
 * (docs/performance.md, acct14). A log of one account, or of a few, closes a cycle a month: its
 * cycles, large, stay objects, never decoded.
 */
const HELD_CYCLES = 16;
/**
 * Then up to 4 MB of their text in memory (no more than the budget: 0 still spills every cycle) before a
 * temporary file is opened: a log of some hundreds of accounts needs none.
 */
const HELD_TEXT = 4 << 20;

export function closedCycleSetup(env: NodeJS.ProcessEnv = process.env): ClosedCycleSetup {
  const given = env.BURNRATE_CYCLE_MEMORY_MB;
  // A budget not read as given is refused, not replaced by the default: "abc" or "-1" once ran on 64 MB in silence.
  if (given !== undefined && given !== "" && !/^\d+(\.\d+)?$/.test(given)) {
    throw new UserError("not a budget in megabytes", atFlag("BURNRATE_CYCLE_MEMORY_MB"), "a number of megabytes such as 64, or 0", shown(given));
  }
  const mb = given === undefined || given === "" ? BUDGET_MB : Number(given);
  const budget = mb * 2 ** 20;
  return { budget, cycles: HELD_CYCLES, text: Math.min(HELD_TEXT, budget), spill: () => new CycleFile() };
}

/** Bytes gathered before a write: a cycle is a kilobyte or so, a write each would be a system call each. */
const CHUNK = 1 << 20;

/** Cycles' text appended to one temporary file (removed however the run ends), each read back by its place. */
class CycleFile implements CycleSpill {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(CHUNK);
  private used = 0;
  /** Bytes already in the file. */
  private written = 0;
  /** Each place's start and length, two numbers a cycle. */
  private spans: number[] = [];

  constructor() {
    const folder = temporaryFolder("burnrate-cycles-");
    try {
      this.fd = openSync(join(folder.path, "cycles"), "w+");
    } catch (e) {
      throw temporaryError(e);
    }
  }

  write(text: string): number {
    const length = Buffer.byteLength(text);
    if (this.used + length > CHUNK) this.flush();
    const start = this.written + this.used;
    if (length > CHUNK) this.put(Buffer.from(text));
    else this.used += this.buffer.write(text, this.used);
    this.spans.push(start, length);
    return this.spans.length / 2 - 1;
  }

  read(at: number): string {
    this.flush();
    const start = this.spans[2 * at]!, length = this.spans[2 * at + 1]!;
    const bytes = Buffer.allocUnsafe(length);
    for (let got = 0; got < length; ) got += readSync(this.fd, bytes, got, length - got, start + got);
    return bytes.toString("utf8");
  }

  private flush(): void {
    if (this.used === 0) return;
    this.put(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private put(bytes: Buffer): void {
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, this.written + done);
    } catch (e) {
      throw temporaryError(e);
    }
    this.written += bytes.length;
  }
}
