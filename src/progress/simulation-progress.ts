import type { Io } from "../io.js";
import { visible } from "../render/shared/escape.js";
import { onInterrupt } from "../temporary.js";
import { progressShown, REDRAW_MS, TURN_MS } from "./progress.js";

/** What a simulation steps through: the cycles of a plan's replay, the accounts of per-user populations. */
type StepUnit = "cycle" | "account";

/**
 * What a simulation tells about how far it got (src/scenario calls these; the engine knows nothing of them).
 * A simulation computes without reading anything: it must let the event loop turn itself, or a Ctrl-C is never heard.
 */
export interface SimulationProgress {
  /** Step `index` (0-based) of `total` of `what` (a plan and its replay) starts: `index` are done. */
  step(what: string, index: number, total: number, unit: StepUnit): void;
  /** Called every batch of events; now and then it gives a promise of a turn of the event loop. */
  turn(): Promise<void> | undefined;
}

const CLEAR = "\r\x1b[K";

/**
 * `simulating PLAN · REPLAY: cycle 3/12` on a terminal's standard error, redrawn at each step
 * and cleared at the end; and the one line a Ctrl-C leaves: `burnrate: interrupted after 2 of 12 cycles, ...`.
 */
class StepProgress implements SimulationProgress {
  private what: string | undefined;
  private index = 0;
  private total = 0;
  private unit: StepUnit = "cycle";
  private drawn = false;
  private lastTurn = 0;
  private lastDraw = -Infinity;

  constructor(
    private readonly io: Io,
    private readonly shown: boolean,
    /** What a Ctrl-C takes back besides the temporary files (a folder the run made). */
    private readonly undo: () => void,
  ) {
    onInterrupt(() => {
      this.io.stderr.write(`${this.drawn ? CLEAR : ""}${this.interruptedLine()}\n`);
      this.undo();
    });
  }

  step(what: string, index: number, total: number, unit: StepUnit): void {
    const now = performance.now();
    // Thousands of per-user accounts are not thousands of lines: each replay's first and last steps, else a few a second.
    const recent = what === this.what && index + 1 < total && now - this.lastDraw < REDRAW_MS;
    Object.assign(this, { what, index, total, unit });
    if (!this.shown || recent) return;
    this.lastDraw = now;
    // `what` names the plan by its label, from the card: its control characters are shown escaped.
    this.io.stderr.write(`${CLEAR}simulating ${visible(what)}: ${unit} ${index + 1}/${total}`);
    this.drawn = true;
  }

  turn(): Promise<void> | undefined {
    const now = performance.now();
    if (now - this.lastTurn < TURN_MS) return undefined;
    this.lastTurn = now;
    return new Promise((resolve) => setImmediate(resolve));
  }

  interruptedLine(): string {
    if (this.what === undefined) return "burnrate: interrupted";
    return `burnrate: interrupted after ${this.index.toLocaleString("en-US")} of ${this.total.toLocaleString("en-US")} ${this.unit}s, simulating ${visible(this.what)}`;
  }

  /** Clear the line and stop: the report follows on a clean terminal. */
  end(): void {
    if (this.drawn) this.io.stderr.write(CLEAR);
    this.drawn = false;
    onInterrupt(undefined);
  }
}

/** The progress of `simulate`: drawn on a terminal's standard error, outside CI, without `--no-progress`. */
export function simulationProgress(io: Io, options: { progress?: boolean }, undo: () => void): SimulationProgress & { end(): void } {
  return new StepProgress(io, progressShown(io, options), undo);
}
