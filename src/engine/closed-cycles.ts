import { Decimal } from "../money.js";
import type { AccountStatement, CycleStatement, StatementLine } from "./types.js";

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

  /**
   * The account's statement: its cycles as given when none went to text and no `last` is given, else made when
   * `cycles` is read, from their text each time, and its last cycle by `last` (an open cycle closed as it is read).
   */
  statement(ordinal: number, account: string, plan: string, last?: () => CycleStatement): AccountStatement {
    const compacted = this.byRun[ordinal] ?? { held: [], places: undefined };
    const { held, places } = compacted;
    if (places === undefined && last === undefined) return { account, plan, cycles: held };
    const made = { account, plan } as AccountStatement;
    // Every account's `cycles` is the one getter, reading what it needs from the account's (not enumerable) source:
    // a getter of its own an account gave each a hidden class, a closure and a context, about 400 bytes an account of 100,000.
    const source: CycleSource = { held, places, spill: this.spill, last };
    Object.defineProperty(made, SOURCE, { value: source });
    Object.defineProperty(made, "cycles", CYCLES);
    return made;
  }
}

/** What an account's `cycles` is made of when read: its cycles held, the places of those gone to text, and its last cycle, made when read. */
interface CycleSource {
  held: CycleStatement[];
  places: (number | string)[] | undefined;
  spill: CycleSpill | undefined;
  last: (() => CycleStatement) | undefined;
}

const SOURCE = Symbol("cycles");

const CYCLES: PropertyDescriptor = {
  enumerable: true,
  get(this: { [SOURCE]: CycleSource }): CycleStatement[] {
    const { held, places, spill, last } = this[SOURCE];
    const cycles = places === undefined ? held.slice() : [...held, ...places.map((p) => decodeCycle(typeof p === "string" ? p : spill!.read(p)))];
    if (last !== undefined) cycles.push(last());
    return cycles;
  },
};

function estimatedBytes(c: CycleStatement): number {
  const rows = c.lines.length + c.grants.length + c.rejected.length + c.duplicates.length + c.budgets.length + c.alerts.length + c.thresholds.length + c.timeline.length + c.rewards.from.length + c.plans.length;
  return CYCLE_BYTES + ROW_BYTES * rows;
}

/**
 * A cycle's statement as JSON, with what JSON alone would lose tagged by a key
 * "~": a Decimal, a Map, an undefined property, a number JSON has not, and a
 * plain object that has a key "~" of its own (a dimension so named). Its lines,
 * most of a cycle's text, are rows of their fields in order (`lineRow`).
 */
export function encodeCycle(cycle: CycleStatement): string {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(cycle)) {
    const value = (cycle as unknown as Record<string, unknown>)[key];
    out[key] = key === "lines" && Array.isArray(value) ? { [TAG]: "L", v: value.map(lineRow) } : tagged(value);
  }
  return JSON.stringify(out);
}

export function decodeCycle(text: string): CycleStatement {
  return untagged(JSON.parse(text)) as CycleStatement;
}

const TAG = "~";
/** Numbers JSON has not (instants are whole numbers; an open end may be Infinity). */
const OTHER_NUMBERS: readonly (readonly [string, number])[] = [["Infinity", Infinity], ["-Infinity", -Infinity], ["NaN", NaN], ["-0", -0]];

/** The keys of a line as close() makes it, in its order; `version` follows when several card versions are given. */
const LINE_KEYS = ["meter", "component", "kind", "category", "pool", "dimensions", "quantity", "unitPrice", "amount", "events"] as const;

/**
 * A line as an array of its fields' values: its keys written once for every
 * line, not once a line, and no tagged copy of each of its Decimals. A line of
 * another make (other keys, or a dimension that is not a string) is tagged whole.
 */
function lineRow(line: StatementLine): unknown {
  const keys = Object.keys(line);
  const versioned = keys.length === LINE_KEYS.length + 1 && keys[LINE_KEYS.length] === "version" && typeof line.version === "string";
  if (!(keys.length === LINE_KEYS.length || versioned) || !LINE_KEYS.every((k, i) => keys[i] === k) || !plainLine(line)) return tagged(line);
  const row: unknown[] = [line.meter, line.component ?? 0, line.kind, line.category, line.pool, line.dimensions, decimalText(line.quantity), decimalText(line.unitPrice), decimalText(line.amount), tagged(line.events)];
  if (versioned) row.push(line.version);
  return row;
}

/** Whether JSON keeps each of the line's values as they are: strings, Decimals, a dimension object of strings. */
function plainLine(line: StatementLine): boolean {
  if (typeof line.meter !== "string" || (line.component !== undefined && typeof line.component !== "string") || typeof line.kind !== "string") return false;
  if (typeof line.category !== "string" || typeof line.pool !== "string") return false;
  if (!(line.quantity instanceof Decimal && line.unitPrice instanceof Decimal && line.amount instanceof Decimal)) return false;
  const dims = line.dimensions;
  if (dims === null || typeof dims !== "object" || Object.getPrototypeOf(dims) !== Object.prototype) return false;
  for (const key in dims) if (typeof dims[key] !== "string") return false;
  return true;
}

function lineOf(row: unknown): StatementLine {
  if (!Array.isArray(row)) return untagged(row) as StatementLine;
  const line: StatementLine = {
    meter: row[0] as string,
    component: row[1] === 0 ? undefined : (row[1] as string),
    kind: row[2] as StatementLine["kind"],
    category: row[3] as string,
    pool: row[4] as string,
    dimensions: row[5] as Record<string, string>,
    quantity: new Decimal(row[6] as string),
    unitPrice: new Decimal(row[7] as string),
    amount: new Decimal(row[8] as string),
    events: untagged(row[9]) as number,
  };
  if (row.length > 10) line.version = row[10] as string;
  return line;
}

function decimalText(value: Decimal): string {
  return value.isZero() && value.isNeg() ? "-0" : value.toString();
}

function tagged(value: unknown): unknown {
  if (value === undefined) return { [TAG]: "u" };
  if (typeof value === "number") {
    if (isFinite(value) && !Object.is(value, -0)) return value;
    const other = OTHER_NUMBERS.find(([, n]) => Object.is(n, value));
    return other === undefined ? value : { [TAG]: "n", v: other[0] };
  }
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Decimal) return { [TAG]: "d", v: decimalText(value) };
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
    case "L":
      return (object.v as unknown[]).map(lineOf);
    default:
      return untaggedObject(object);
  }
}

function untaggedObject(object: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(object)) object[key] = untagged(object[key]);
  return object;
}
