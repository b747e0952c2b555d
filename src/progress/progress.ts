import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import type { Writable } from "node:stream";
import type { Io } from "../io.js";
import { onInterrupt } from "../temporary.js";

/**
 * What a replay tells about how far it got: the reader side calls these (src/replay/replay-files.ts),
 * the engine knows nothing of them.
 */
export interface ReplayProgress {
  /** A replay of the usage starts (diff and a re-cut reconcile replay it twice). */
  begin(): void;
  /**
   * Rows handed to the engine. Now and then it gives a promise of a turn of the event loop to
   * wait for: batches already waiting are taken without one, and Ctrl-C is heard only there.
   */
  rows(count: number): Promise<void> | undefined;
  /**
   * The replay starts over: on the next reader, or on the rows sorted in runs on disk (read twice: the
   * log, then the runs), or after the first pass over the event ids. `phase` is what it does until its
   * first row reaches the engine: sorting the rows, or reading their event ids first.
   */
  restart(readings: number, phase?: ReplayPhase): void;
  /** A sort has read every row, `rows` of them: the replay of the sorted rows counts its share of them, not of bytes. */
  sorted(rows: number): void;
  /**
   * The log's accounts are replayed in parts, each reading the log again (src/replay/account-parts.ts): part `index`
   * (from 0) of `count` starts. The first part starts the count of `count` readings; the rows of each add up.
   */
  part(index: number, count: number): void;
}

/** What a replay is doing while no row reaches the engine, as its line and a Ctrl-C say. */
type ReplayPhase = "replaying" | "sorting" | "reading ids" | "measuring lateness";

/** Each phase before the rows reach the engine, as the line says it. */
const PHASES: Record<Exclude<ReplayPhase, "replaying">, string> = {
  sorting: "sorting the usage into time order",
  "reading ids": "reading the usage's event ids (a first pass)",
  "measuring lateness": "reading how late the usage's late rows come",
};

export interface ProgressSettings {
  stream: Writable;
  /** Progress lines are drawn: standard error is a terminal, not in CI, no `--no-progress`. */
  shown: boolean;
  /** How wide the terminal is: a line never wraps. */
  columns: number;
  /** The usage files' total size, when every one is a file on disk. */
  totalBytes: number | undefined;
  /** About how many rows the usage holds, when every file is plain CSV (from the lines in its first megabyte). */
  expectedRows: number | undefined;
  /** How many replays the command makes of the same usage (diff: 2), when it knows. */
  replays: number | undefined;
  /** Bytes the process has read so far, all threads together (the row scanner reads on a worker). */
  bytesRead(): number | undefined;
  /** Milliseconds, monotonic. */
  now(): number;
}

/** How often the line is redrawn, at most. */
export const REDRAW_MS = 250;
/** How often a replay lets the event loop turn (timers, signals), at least. */
export const TURN_MS = 100;
/** A replay shorter than this draws no line at all. */
const FIRST_DRAW_MS = 1000;
const CLEAR = "\r\x1b[K";

/**
 * Rows/s and an estimate of the time left on standard error while a replay runs, redrawn
 * in place a few times a second and cleared at the end; and the one line a Ctrl-C leaves.
 * The fraction done is the bytes read of the usage's total size: rows are not counted ahead.
 */
export class Progress implements ReplayProgress {
  private replay = 0;
  private count = 0;
  private started = 0;
  private bytesAtStart = 0;
  private readings = 1;
  private phase: ReplayPhase = "replaying";
  private drawn = false;
  private lastDraw = -Infinity;
  private lastTurn = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The rows the last sort read, while the replay of its sorted rows runs. */
  private sortedRows: number | undefined;

  constructor(private readonly settings: ProgressSettings) {
    onInterrupt(() => this.settings.stream.write(`${this.drawn ? CLEAR : ""}${this.interruptedLine()}\n`));
    if (settings.shown) this.timer = setInterval(() => this.tick(), REDRAW_MS).unref();
  }

  begin(): void {
    this.replay++;
    this.restart(1);
  }

  rows(count: number): Promise<void> | undefined {
    // The first rows after a sort or a first pass: the replay's rate and time left count from here.
    if (count > 0 && this.phase !== "replaying") this.restart(1);
    this.count += count;
    const now = this.settings.now();
    if (now - this.lastTurn < TURN_MS) return undefined;
    this.lastTurn = now;
    return new Promise((resolve) => setImmediate(resolve));
  }

  restart(readings: number, phase: ReplayPhase = "replaying"): void {
    // The sorted rows' count holds for the replay that follows its sort, not for another reader's or sort's.
    if (!(this.phase === "sorting" && phase === "replaying")) this.sortedRows = undefined;
    this.inPart = undefined;
    this.count = 0;
    this.readings = readings;
    this.phase = phase;
    this.started = this.settings.now();
    this.bytesAtStart = this.settings.bytesRead() ?? 0;
  }

  sorted(rows: number): void {
    this.sortedRows = rows;
  }

  /** The part being replayed, where the log's accounts are replayed in parts: its number (from 1) and how many. */
  private inPart: { index: number; count: number } | undefined;

  part(index: number, count: number): void {
    if (index === 0) this.restart(count);
    this.inPart = { index: index + 1, count };
  }

  /** Redraw the line, unless it was drawn less than REDRAW_MS ago. */
  tick(): void {
    if (!this.settings.shown || this.replay === 0) return;
    const now = this.settings.now();
    if (now - this.started < FIRST_DRAW_MS || now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.settings.stream.write(`${CLEAR}${this.line(now).slice(0, Math.max(this.settings.columns - 1, 20))}`);
    this.drawn = true;
  }

  /** The line as it stands: rows, rows/s, and with a known size the share read and the time left. */
  line(now: number): string {
    const { replays } = this.settings;
    const seconds = (now - this.started) / 1000;
    const parts = [this.phase === "replaying" ? `${count(this.count)} rows` : PHASES[this.phase]];
    if (seconds > 0 && this.count > 0) parts.push(`${count(this.count / seconds)} rows/s`);
    const done = this.done();
    // Past the whole (a reader gave up and another starts, temporary runs read back) the estimate means nothing.
    if (done !== undefined && done > 0 && done < 1 && seconds > 0) parts.push(`${Math.floor(done * 100)}%`, `about ${duration((seconds * (1 - done)) / done)} left`);
    // Every byte read, the reading thread ahead of the replay by up to a million rows: said, where the share and the
    // time left went missing for the run's last seconds (newcomer51 #9). Past the whole, nothing is said, as above.
    else if (done === 1 && this.phase === "replaying" && this.count > 0) parts.push("the usage read, finishing");
    const which = replays !== undefined && replays > 1 ? `replay ${this.replay} of ${replays}: ` : this.replay > 1 ? `replay ${this.replay}: ` : "";
    const part = this.inPart === undefined ? "" : `accounts in ${this.inPart.count} parts, part ${this.inPart.index}: `;
    return `burnrate: ${which}${part}${parts.join(", ")}`;
  }

  /**
   * The share of this replay done: rows replayed of the rows a sort read, or of the rows expected, else bytes read of the total.
   * Rows come first because the row scanner reads up to a million rows ahead of the replay.
   */
  private done(): number | undefined {
    const { expectedRows, totalBytes } = this.settings;
    // A sort or a first pass reads the log once, and no row is replayed yet: its share is the bytes read.
    if (this.phase !== "replaying") return this.bytesDone(totalBytes, 1);
    // The sorted rows are read back from runs on disk, whose bytes are not the log's: their count is known.
    if (this.sortedRows !== undefined && this.sortedRows > 0) return this.count / this.sortedRows;
    if (expectedRows !== undefined && expectedRows > 0) return this.count / expectedRows;
    return this.bytesDone(totalBytes, this.readings);
  }

  /** The bytes read since the start of this replay (or phase) of `readings` times the total. */
  private bytesDone(totalBytes: number | undefined, readings: number): number | undefined {
    const read = this.settings.bytesRead();
    if (totalBytes === undefined || totalBytes === 0 || read === undefined) return undefined;
    return (read - this.bytesAtStart) / (totalBytes * readings);
  }

  interruptedLine(): string {
    const part = this.inPart === undefined ? "" : ` of part ${this.inPart.index} of the accounts in ${this.inPart.count} parts`;
    const which = `${part}${this.replay > 1 ? ` of replay ${this.replay}` : ""}`;
    if (this.phase !== "replaying") return `burnrate: interrupted while ${PHASES[this.phase]}${which}`;
    return `burnrate: interrupted after ${count(this.count)} rows${which}`;
  }

  /** Clear the line and stop: the report follows on a clean terminal. */
  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.settings.stream.write(CLEAR);
    this.drawn = false;
    onInterrupt(undefined);
  }
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(Math.ceil(seconds % 60)).padStart(2, "0")} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")} min`;
}

/** Linux counts every byte a process reads, page cache included, in /proc/self/io; elsewhere there is no estimate. */
function bytesReadByProcess(): number | undefined {
  try {
    const match = /^rchar: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The first megabyte's share of lines, times the file's size; only for plain CSV (compressed or columnar files are read by bytes). */
function expectedRows(files: readonly string[], total: number | undefined): number | undefined {
  if (total === undefined || !files.every((file) => /\.csv$/i.test(file))) return undefined;
  let rows = 0;
  const sample = Buffer.alloc(1 << 20);
  for (const file of files) {
    const fd = openSync(file, "r");
    try {
      const read = readSync(fd, sample, 0, sample.length, 0);
      let lines = 0;
      for (let i = sample.indexOf(10); i >= 0 && i < read; i = sample.indexOf(10, i + 1)) lines++;
      if (read > 0) rows += Math.max(lines - 1, 0) * (fstatSync(fd).size / read);
    } finally {
      closeSync(fd);
    }
  }
  return rows;
}

function totalSize(files: readonly string[]): number | undefined {
  let total = 0;
  for (const file of files) {
    if (file === "-") return undefined;
    try {
      total += statSync(file).size;
    } catch {
      return undefined;
    }
  }
  return total;
}

/** Whether `CI` says the run is unattended: set, and not "false" or "0". */
function inCi(env: Io["env"]): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}

/** Progress is drawn only on a terminal's standard error, outside CI, without `--no-progress`. */
export function progressShown(io: Pick<Io, "stderrTerminal" | "env">, options: { progress?: boolean }): boolean {
  return options.progress !== false && io.stderrTerminal !== undefined && !inCi(io.env);
}

/** The progress of a replaying command (statement, reconcile, diff). */
export function progressFor(io: Io, files: readonly string[], options: { progress?: boolean; replays?: number }): Progress {
  const shown = progressShown(io, options);
  const totalBytes = shown ? totalSize(files) : undefined;
  return new Progress({
    stream: io.stderr,
    shown,
    columns: io.stderrTerminal?.columns || 80,
    totalBytes,
    expectedRows: expectedRows(files, totalBytes),
    replays: options.replays,
    bytesRead: bytesReadByProcess,
    now: () => performance.now(),
  });
}
