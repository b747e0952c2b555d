import { Decimal } from "../money.js";
import type { AccountStatement, CycleStatement } from "./types.js";

/**
 * Where closed cycles go once a budget of them is held: bytes written in order,
 * read back by where they were put. The engine is pure; the caller gives a
 * temporary file (src/replay/cycle-spill.ts), or nothing, and the cycles past the
 * budget are then held in memory in their compact form.
 */
export interface CycleSpill {
  /** Append the text; returns where it was put, for `read`. */
  write(text: string): number;
  read(at: number): string;
}

/** How closed cycles are held: up to `budget` estimated bytes as objects, the rest in compact text, spilled when a spill is given. */
export interface ClosedCycleSetup {
  budget: number;
  spill?: () => CycleSpill;
}

/** Estimated bytes a cycle's objects hold: its own fields, and each row of its lists (a line, a grant, a rejection...). */
const CYCLE_BYTES = 1500;
const ROW_BYTES = 400;

/** A cycle's statement as compact text: for an account's cycles, in order. */
interface Compacted {
  /** Cycles held as objects (all of an account's first cycles, until the budget ran out), then the places of the rest. */
  held: CycleStatement[];
  places: (number | string)[] | undefined;
}

/**
 * Every account's closed cycles. Once a cycle closes nothing changes it, and
 * the statement is written at the end, account by account: past a budget a
 * closed cycle is kept as text (spilled to a file when a spill is given), and
 * made again only when its account's `cycles` is read.
 */
export class ClosedCycles {
  private readonly byRun: Compacted[] = [];
  private heldBytes = 0;
  private spill: CycleSpill | undefined;
  /** The card versions that priced lines of any cycle, noted as cycles close. */
  readonly versions = new Set<string>();

  constructor(private readonly setup: ClosedCycleSetup = { budget: Infinity }) {}

  add(ordinal: number, cycle: CycleStatement): void {
    const compacted = (this.byRun[ordinal] ??= { held: [], places: undefined });
    for (const line of cycle.lines) if (line.version !== undefined) this.versions.add(line.version);
    const bytes = estimatedBytes(cycle);
    // Once one of an account's cycles is text, so are its later ones: an account's cycles stay in order.
    if (compacted.places === undefined && this.heldBytes + bytes <= this.setup.budget) {
      this.heldBytes += bytes;
      // As long as it needs (concat; a push or a spread leaves room for seventeen): most accounts close a cycle or two.
      compacted.held = compacted.held.concat(cycle);
      return;
    }
    const text = encodeCycle(cycle);
    if (this.spill === undefined && this.setup.spill !== undefined) this.spill = this.setup.spill();
    (compacted.places ??= []).push(this.spill === undefined ? text : this.spill.write(text));
  }

  /** The account's statement: its cycles as given when none went to text, else made from their text each time they are read. */
  statement(ordinal: number, account: string, plan: string): AccountStatement {
    const compacted = this.byRun[ordinal] ?? { held: [], places: undefined };
    const { held, places } = compacted;
    if (places === undefined) return { account, plan, cycles: held };
    const spill = this.spill;
    const made = { account, plan } as AccountStatement;
    Object.defineProperty(made, "cycles", {
      enumerable: true,
      get: () => [...held, ...places.map((p) => decodeCycle(typeof p === "string" ? p : spill!.read(p)))],
    });
    return made;
  }
}

function estimatedBytes(c: CycleStatement): number {
  const rows = c.lines.length + c.grants.length + c.rejected.length + c.duplicates.length + c.budgets.length + c.alerts.length + c.thresholds.length + c.timeline.length + c.rewards.from.length + c.plans.length;
  return CYCLE_BYTES + ROW_BYTES * rows;
}

/**
 * A cycle's statement as JSON, with what JSON alone would lose tagged by a key
 * "~": a Decimal, a Map, an undefined property, a number JSON has not, and a
 * plain object that has a key "~" of its own (a dimension so named).
 */
export function encodeCycle(cycle: CycleStatement): string {
  return JSON.stringify(tagged(cycle));
}

export function decodeCycle(text: string): CycleStatement {
  return untagged(JSON.parse(text)) as CycleStatement;
}

const TAG = "~";
/** Numbers JSON has not (instants are whole numbers; an open end may be Infinity). */
const OTHER_NUMBERS: readonly (readonly [string, number])[] = [["Infinity", Infinity], ["-Infinity", -Infinity], ["NaN", NaN], ["-0", -0]];

function tagged(value: unknown): unknown {
  if (value === undefined) return { [TAG]: "u" };
  if (typeof value === "number") {
    const other = OTHER_NUMBERS.find(([, n]) => Object.is(n, value));
    return other === undefined ? value : { [TAG]: "n", v: other[0] };
  }
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Decimal) return { [TAG]: "d", v: value.isZero() && value.isNeg() ? "-0" : value.toString() };
  if (Array.isArray(value)) return value.map(tagged);
  if (value instanceof Map) return { [TAG]: "m", v: [...value].map(([k, v]) => [tagged(k), tagged(v)]) };
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) throw new Error(`a closed cycle holds a ${value.constructor.name}, which its text cannot keep`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = tagged((value as Record<string, unknown>)[key]);
  return TAG in out ? { [TAG]: "o", v: out } : out;
}

function untagged(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = untagged(value[i]);
    return value;
  }
  const object = value as Record<string, unknown>;
  switch (object[TAG]) {
    case "u":
      return undefined;
    case "n":
      return OTHER_NUMBERS.find(([name]) => name === object.v)![1];
    case "d":
      return new Decimal(object.v as string);
    case "m":
      return new Map((object.v as [unknown, unknown][]).map(([k, v]) => [untagged(k), untagged(v)]));
    case "o":
      return untaggedObject(object.v as Record<string, unknown>);
    default:
      return untaggedObject(object);
  }
}

function untaggedObject(object: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(object)) object[key] = untagged(object[key]);
  return object;
}
