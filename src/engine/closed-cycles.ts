import { Decimal } from "../money.js";
import type { AccountStatement, CycleStatement, StatementLine } from "./types.js";

/**
 * Where closed cycles go once a budget of them is held: bytes written in order,
 * read back by where they were put. The engine is pure; the caller gives a
 * temporary file (src/replay/cycle-spill.ts), or nothing, and the cycles past the
 * budget are then held in memory in their compact form.
 */
export interface CycleSpill {
  /** Append the text; returns where it was put, for `read`: 0 for the first text, then each next number in turn. */
  write(text: string): number;
  read(at: number): string;
}

/**
 * How closed cycles are held: up to `budget` estimated bytes and `cycles` cycles (no bound when not given) as objects,
 * the rest in compact text: up to `text` characters of it in memory (none when not given), then spilled when a spill is given.
 */
export interface ClosedCycleSetup {
  budget: number;
  cycles?: number;
  text?: number;
  spill?: () => CycleSpill;
}

/** Estimated bytes a cycle's objects hold: its own fields, and each row of its lists (a line, a grant, a rejection...). */
const CYCLE_BYTES = 1500;
const ROW_BYTES = 400;

/** Where a cycle went to text: its place in the spill, or the text itself where there is no spill. */
type Place = number | string;
/** Before an account's first place in the spill. */
const NO_PLACE = -1;

/**
 * Every account's closed cycles. Once a cycle closes nothing changes it, and
 * the statement is written at the end, account by account: past a budget a
 * closed cycle is kept as text (spilled to a file when a spill is given), and
 * made again only when its account's `cycles` is read.
 */
export class ClosedCycles {
  /**
   * By account (its run's ordinal): its cycles held as objects (all of its first cycles, until the budget ran
   * out), then the places of the rest, one place as it is. Two lists, not an object of two lists an account: a
   * log of 100,000 accounts spills nearly every account's one or two closed cycles, and the object and its list
   * were about 200 bytes an account.
   */
  private readonly held: (CycleStatement[] | undefined)[] = [];
  private readonly places: (Place | Place[] | undefined)[] = [];
  /**
   * By place in the spill, the account's place before it (NO_PLACE for its first): an account's places in the spill
   * are its last one in `places` and this chain back from it. A list of two places was 64 bytes an account of a log of
   * 100,000, most of which close two or three cycles.
   */
  private earlier = new Int32Array(1 << 12);
  private heldBytes = 0;
  private heldCycles = 0;
  private heldText = 0;
  private spill: CycleSpill | undefined;
  /** What the texts of this replay's cycles name by number: the objects many cycles share. */
  private readonly shared = new Shared();
  /** The card versions that priced lines of any cycle, noted as cycles close. */
  readonly versions = new Set<string>();

  constructor(private readonly setup: ClosedCycleSetup = { budget: Infinity }) {}

  add(ordinal: number, cycle: CycleStatement): void {
    // Filled in order, without a gap: an index far past the end would make either list a dictionary.
    while (this.held.length <= ordinal) this.held.push(undefined);
    while (this.places.length <= ordinal) this.places.push(undefined);
    for (const line of cycle.lines) if (line.version !== undefined) this.versions.add(line.version);
    const bytes = estimatedBytes(cycle);
    const places = this.places[ordinal];
    // Once one of an account's cycles is text, so are its later ones: an account's cycles stay in order.
    if (places === undefined && this.heldBytes + bytes <= this.setup.budget && this.heldCycles < (this.setup.cycles ?? Infinity)) {
      this.heldBytes += bytes;
      this.heldCycles++;
      // As long as it needs (concat; a push or a spread leaves room for seventeen): most accounts close a cycle or two.
      this.held[ordinal] = (this.held[ordinal] ?? NO_CYCLES).concat(cycle);
      return;
    }
    const text = encodeCycle(cycle, this.shared);
    // Text in memory is one string a cycle, which the collector does not walk: a log of some accounts needs no file.
    const inMemory = this.spill === undefined && this.heldText + text.length <= (this.setup.text ?? 0);
    if (inMemory) this.heldText += text.length;
    else if (this.spill === undefined && this.setup.spill !== undefined) this.spill = this.setup.spill();
    const place = this.spill === undefined ? text : this.spill.write(text);
    if (typeof place === "number" && (places === undefined || typeof places === "number")) {
      this.chain(place, places ?? NO_PLACE);
      this.places[ordinal] = place;
      return;
    }
    // Texts in memory: a list only from the second place, as long as it needs (concat): a push leaves room for seventeen.
    const listed = typeof places === "number" ? this.placesBack(places) : places;
    this.places[ordinal] = listed === undefined ? place : Array.isArray(listed) ? listed.concat(place) : [listed, place];
  }

  /** Note the place `at`'s place before it, of the same account. */
  private chain(at: number, before: number): void {
    if (at >= this.earlier.length) {
      const grown = new Int32Array(Math.max(at + 1, this.earlier.length * 2));
      grown.set(this.earlier);
      this.earlier = grown;
    }
    this.earlier[at] = before;
  }

  /** An account's places in the spill, in order, from its last. */
  private placesBack(last: number): number[] {
    const places: number[] = [];
    for (let place = last; place !== NO_PLACE; place = this.earlier[place]!) places.push(place);
    return places.reverse();
  }

  /**
   * The account's statement: its cycles as given when none went to text and no `last` is given, else made when
   * `cycles` is read, from their text each time, and its last cycle by `last` (an open cycle closed as it is read).
   */
  statement(ordinal: number, account: string, plan: string, last?: () => CycleStatement): AccountStatement {
    const held = this.held[ordinal] ?? [];
    const spilled = this.places[ordinal];
    const places = spilled === undefined || Array.isArray(spilled) ? spilled : typeof spilled === "number" ? this.placesBack(spilled) : [spilled];
    if (places === undefined && last === undefined) return { account, plan, cycles: held };
    const made = { account, plan } as AccountStatement;
    // Every account's `cycles` is the one getter, reading what it needs from the account's (not enumerable) source:
    // a getter of its own an account gave each a hidden class, a closure and a context, about 400 bytes an account of 100,000.
    const source: CycleSource = { held, places, spill: this.spill, last, shared: this.shared, released: false };
    Object.defineProperty(made, SOURCE, { value: source });
    Object.defineProperty(made, "cycles", CYCLES);
    return made;
  }
}

/** What an account's `cycles` is made of when read: its cycles held, the places of those gone to text, and its last cycle, made when read. */
interface CycleSource {
  held: CycleStatement[];
  places: Place[] | undefined;
  spill: CycleSpill | undefined;
  last: (() => CycleStatement) | undefined;
  shared: Shared;
  /** Let go by `releaseCycles`: read again, the cycles would be none, so reading them throws. */
  released: boolean;
}

const SOURCE = Symbol("cycles");

/** No cycles held, shared (never written: an account's list is a copy made by concat). */
const NO_CYCLES: CycleStatement[] = [];

const CYCLES: PropertyDescriptor = {
  enumerable: true,
  get(this: { [SOURCE]: CycleSource; account: string }): CycleStatement[] {
    const { held, places, spill, last, shared, released } = this[SOURCE];
    if (released) throw new Error(`the cycles of account ${this.account} were read and let go (releaseCycles)`);
    const cycles = places === undefined ? held.slice() : [...held, ...places.map((p) => decodeCycle(typeof p === "string" ? p : spill!.read(p), shared))];
    if (last !== undefined) cycles.push(last());
    return cycles;
  },
};

/**
 * Let go of what the account's cycles are made from (its cycles held and their places, its run, which its last
 * cycle is made from), for a writer that reads each account's cycles once, in order: a log of 100,000 accounts
 * held every account's run, open cycle and wallet until the last account was written, about 3 KB an account.
 * Reading the account's cycles again throws. An account whose cycles are a list of its own keeps it.
 */
export function releaseCycles(account: AccountStatement): void {
  const source = (account as AccountStatement & { [SOURCE]?: CycleSource })[SOURCE];
  if (source === undefined) return;
  source.held = NO_CYCLES;
  source.places = undefined;
  source.last = undefined;
  source.released = true;
}

/**
 * Whether one of the account's cycles passes `test`, read in order and no further than the first that does. Its last
 * cycle, made each time `cycles` is read, is made only if no cycle before it passes: a statement's checks of whether an
 * account has usage made the plain bench log's last cycle twice more, 100 ms of a 3 s run (stop 72).
 */
export function someCycle(account: AccountStatement, test: (cycle: CycleStatement) => boolean): boolean {
  const source = (account as AccountStatement & { [SOURCE]?: CycleSource })[SOURCE];
  if (source === undefined) return account.cycles.some(test);
  const { held, places, spill, last, shared, released } = source;
  if (released) throw new Error(`the cycles of account ${account.account} were read and let go (releaseCycles)`);
  if (held.some(test)) return true;
  for (const p of places ?? []) if (test(decodeCycle(typeof p === "string" ? p : spill!.read(p), shared))) return true;
  return last !== undefined && test(last());
}

function estimatedBytes(c: CycleStatement): number {
  const rows = c.lines.length + c.grants.length + c.rejected.length + c.duplicates.length + c.budgets.length + c.alerts.length + c.thresholds.length + c.timeline.length + c.rewards.from.length + c.plans.length;
  return CYCLE_BYTES + ROW_BYTES * rows;
}

/**
 * A cycle's statement as JSON. A cycle as close() makes it is an array of its
 * values in the order of its keys (`CYCLE_KEYS`), its Decimals as their text
 * and its lines as rows (`lineRow`): JSON of few objects, quick to write and to
 * parse back, where a log of 100,000 accounts closes hundreds of thousands of
 * cycles. Any other cycle is an object, with what JSON alone would lose tagged
 * by a key "~": a Decimal, a Map, an undefined property, a number JSON has not,
 * and a plain object that has a key "~" of its own (a dimension so named).
 * `shared` numbers the objects many cycles hold (a line's dimensions, a
 * source's columns), given back as the same objects by `decodeCycle` with it.
 */
export function encodeCycle(cycle: CycleStatement, shared?: Shared): string {
  if (!closedByCycle(cycle)) return JSON.stringify(taggedCycle(cycle, shared));
  const { overage, rewards } = cycle;
  const lines = cycle.lines.map((line) => lineRow(line, shared));
  const grants = cycle.grants.map((g) => [g.kind, decimalText(g.opening), decimalText(g.granted), decimalText(g.consumed), decimalText(g.expired), decimalText(g.closing)]);
  const t = (value: unknown) => tagged(value, shared);
  return JSON.stringify([
    t(cycle.index), t(cycle.start), t(cycle.end), decimalText(cycle.allowance), decimalText(cycle.allowanceUsed), decimalText(cycle.total), decimalText(cycle.uncovered),
    lines, grants, t(cycle.rejected), t(cycle.thresholds), t(cycle.duplicates), decimalText(overage.requests), decimalText(overage.amount), t(cycle.quota), t(cycle.budgets),
    t(cycle.alerts), decimalText(rewards.earned), t(rewards.from), t(cycle.exhaustedAt), t(cycle.timeline), cycle.plan, t(cycle.plans), t(cycle.renews),
  ]);
}

export function decodeCycle(text: string, shared?: Shared): CycleStatement {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return untagged(parsed, shared) as CycleStatement;
  const v = parsed;
  const u = (value: unknown) => untagged(value, shared);
  const grants = (v[8] as string[][]).map((g) => ({ kind: g[0]!, opening: decimalOf(g[1]!), granted: decimalOf(g[2]!), consumed: decimalOf(g[3]!), expired: decimalOf(g[4]!), closing: decimalOf(g[5]!) }));
  // In the order of close()'s keys (CYCLE_KEYS): the writers read a cycle's keys in order.
  return {
    index: u(v[0]) as number,
    start: u(v[1]) as number,
    end: u(v[2]) as number,
    allowance: decimalOf(v[3] as string),
    allowanceUsed: decimalOf(v[4] as string),
    total: decimalOf(v[5] as string),
    uncovered: decimalOf(v[6] as string),
    lines: (v[7] as unknown[]).map((row) => lineOf(row, shared)),
    grants,
    rejected: u(v[9]) as CycleStatement["rejected"],
    thresholds: u(v[10]) as CycleStatement["thresholds"],
    duplicates: u(v[11]) as CycleStatement["duplicates"],
    overage: { requests: decimalOf(v[12] as string), amount: decimalOf(v[13] as string) },
    quota: u(v[14]) as CycleStatement["quota"],
    budgets: u(v[15]) as CycleStatement["budgets"],
    alerts: u(v[16]) as CycleStatement["alerts"],
    rewards: { earned: decimalOf(v[17] as string), from: u(v[18]) as CycleStatement["rewards"]["from"] },
    exhaustedAt: u(v[19]) as number | undefined,
    timeline: u(v[20]) as CycleStatement["timeline"],
    plan: v[21] as string,
    plans: u(v[22]) as CycleStatement["plans"],
    renews: u(v[23]) as number,
  };
}

/** A cycle's keys in the order close() gives them. */
const CYCLE_KEYS = ["index", "start", "end", "allowance", "allowanceUsed", "total", "uncovered", "lines", "grants", "rejected", "thresholds", "duplicates", "overage", "quota", "budgets", "alerts", "rewards", "exhaustedAt", "timeline", "plan", "plans", "renews"] as const;
const GRANT_KEYS = ["kind", "opening", "granted", "consumed", "expired", "closing"] as const;

/** Whether the cycle is one close() makes, key for key, its Decimals Decimals: kept as an array of its values. */
function closedByCycle(cycle: CycleStatement): boolean {
  if (!sameKeys(cycle, CYCLE_KEYS) || typeof cycle.plan !== "string") return false;
  const { overage, rewards } = cycle;
  if (!isDecimal(cycle.allowance) || !isDecimal(cycle.allowanceUsed) || !isDecimal(cycle.total) || !isDecimal(cycle.uncovered)) return false;
  if (!Array.isArray(cycle.lines) || !Array.isArray(cycle.grants) || !plainObject(overage) || !plainObject(rewards)) return false;
  if (!sameKeys(overage, ["requests", "amount"]) || !isDecimal(overage.requests) || !isDecimal(overage.amount) || !sameKeys(rewards, ["earned", "from"]) || !isDecimal(rewards.earned)) return false;
  return cycle.grants.every((g) => plainObject(g) && sameKeys(g, GRANT_KEYS) && typeof g.kind === "string" && isDecimal(g.opening) && isDecimal(g.granted) && isDecimal(g.consumed) && isDecimal(g.expired) && isDecimal(g.closing));
}

function sameKeys(value: object, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((k, i) => own[i] === k);
}

function isDecimal(value: unknown): boolean {
  return value instanceof Decimal;
}

function plainObject(value: unknown): value is object {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

/** A cycle of another make, tagged key by key (its lines as rows). */
function taggedCycle(cycle: CycleStatement, shared: Shared | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(cycle)) {
    const value = (cycle as unknown as Record<string, unknown>)[key];
    out[key] = key === "lines" && Array.isArray(value) ? { [TAG]: "L", v: value.map((line: StatementLine) => lineRow(line, shared)) } : tagged(value, shared);
  }
  return out;
}

/**
 * Objects the closed cycles of a replay share, numbered at their first text: a line's dimension values (one
 * object a line of every account's cycles) and a source's columns (a Map every rejection's origin holds). A text
 * names them by number, and gives back the same object rather than a copy a line. At most SHARED_MAX, the rest
 * written out in full. Nothing changes a closed cycle's objects, so sharing them changes nothing.
 */
class Shared {
  private readonly numbers = new Map<object, number>();
  private readonly values: object[] = [];

  numberOf(value: object): number | undefined {
    let n = this.numbers.get(value);
    if (n === undefined && this.values.length < SHARED_MAX) {
      n = this.values.length;
      this.values.push(value);
      this.numbers.set(value, n);
    }
    return n;
  }

  value(n: number): unknown {
    return this.values[n];
  }
}

const SHARED_MAX = 1 << 16;

/**
 * Decimals made from text, by text, at most DECIMALS_MAX (then afresh): the amounts of a log's lines repeat (a
 * quantity of one at one of a few prices), and a Decimal never changes, so cycles may share it.
 */
const DECIMALS = new Map<string, Decimal>();
const DECIMALS_MAX = 1 << 14;

function decimalOf(text: string): Decimal {
  let value = DECIMALS.get(text);
  if (value === undefined) {
    if (DECIMALS.size >= DECIMALS_MAX) DECIMALS.clear();
    DECIMALS.set(text, (value = new Decimal(text)));
  }
  return value;
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
function lineRow(line: StatementLine, shared: Shared | undefined): unknown {
  const keys = Object.keys(line);
  const versioned = keys.length === LINE_KEYS.length + 1 && keys[LINE_KEYS.length] === "version" && typeof line.version === "string";
  if (!(keys.length === LINE_KEYS.length || versioned) || !LINE_KEYS.every((k, i) => keys[i] === k) || !plainLine(line)) return tagged(line, shared);
  const dimensions = shared?.numberOf(line.dimensions) ?? line.dimensions;
  const row: unknown[] = [line.meter, line.component ?? 0, line.kind, line.category, line.pool, dimensions, decimalText(line.quantity), decimalText(line.unitPrice), decimalText(line.amount), tagged(line.events, shared)];
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

function lineOf(row: unknown, shared: Shared | undefined): StatementLine {
  if (!Array.isArray(row)) return untagged(row, shared) as StatementLine;
  const line: StatementLine = {
    meter: row[0] as string,
    component: row[1] === 0 ? undefined : (row[1] as string),
    kind: row[2] as StatementLine["kind"],
    category: row[3] as string,
    pool: row[4] as string,
    dimensions: (typeof row[5] === "number" ? shared!.value(row[5]) : row[5]) as Record<string, string>,
    quantity: decimalOf(row[6] as string),
    unitPrice: decimalOf(row[7] as string),
    amount: decimalOf(row[8] as string),
    events: untagged(row[9], shared) as number,
  };
  if (row.length > 10) line.version = row[10] as string;
  return line;
}

function decimalText(value: Decimal): string {
  return value.isZero() && value.isNeg() ? "-0" : value.toString();
}

function tagged(value: unknown, shared: Shared | undefined): unknown {
  if (value === undefined) return { [TAG]: "u" };
  if (typeof value === "number") {
    if (isFinite(value) && !Object.is(value, -0)) return value;
    const other = OTHER_NUMBERS.find(([, n]) => Object.is(n, value));
    return other === undefined ? value : { [TAG]: "n", v: other[0] };
  }
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Decimal) return { [TAG]: "d", v: decimalText(value) };
  if (Array.isArray(value)) return value.map((v) => tagged(v, shared));
  if (value instanceof Map) {
    // A source's columns: one Map for every rejection's origin of its rows.
    const n = shared?.numberOf(value);
    return n === undefined ? { [TAG]: "m", v: [...value].map(([k, v]) => [tagged(k, shared), tagged(v, shared)]) } : { [TAG]: "s", v: n };
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) throw new Error(`a closed cycle holds a ${value.constructor.name}, which its text cannot keep`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = tagged((value as Record<string, unknown>)[key], shared);
  return TAG in out ? { [TAG]: "o", v: out } : out;
}

function untagged(value: unknown, shared: Shared | undefined): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = untagged(value[i], shared);
    return value;
  }
  const object = value as Record<string, unknown>;
  switch (object[TAG]) {
    case "u":
      return undefined;
    case "n":
      return OTHER_NUMBERS.find(([name]) => name === object.v)![1];
    case "d":
      return decimalOf(object.v as string);
    case "m":
      return new Map((object.v as [unknown, unknown][]).map(([k, v]) => [untagged(k, shared), untagged(v, shared)]));
    case "s":
      return shared!.value(object.v as number);
    case "o":
      return untaggedObject(object.v as Record<string, unknown>, shared);
    case "L":
      return (object.v as unknown[]).map((row) => lineOf(row, shared));
    default:
      return untaggedObject(object, shared);
  }
}

function untaggedObject(object: Record<string, unknown>, shared: Shared | undefined): Record<string, unknown> {
  for (const key of Object.keys(object)) object[key] = untagged(object[key], shared);
  return object;
}
