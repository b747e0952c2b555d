import { UserError, shown, type Location } from "../errors.js";
import type { Decimal } from "../money.js";
import type { Layout, ReadColumns } from "./layout.js";
import type { ColumnMapping } from "./mapping.js";
import type { RateCard } from "../ratecard/types.js";

// What a layout declares of its export's counts beyond their names (red team, stop 37): a count that holds others
// inside it (OpenAI's input_tokens its cached ones), and a column read before another of the same meaning
// (LiteLLM's team_alias before its team_id). Worked out at the header; a row pays only where its meter prices a part.

/**
 * A total of the export and parts it counts inside it (`input_tokens`, which counts `input_cached_tokens`). A card
 * that prices the total and a part reads the total less the part: the provider's price list prices "input" and
 * "cached input" so, each token once; a card that prices the total alone reads the whole of it. Parts of one group
 * never count the same token; two groups of one total may (OpenAI's cached tokens span its audio ones), so a card
 * that prices parts of both is refused at its first row.
 */
export interface PartsOf {
  total: string;
  parts: readonly string[];
}

/** A total of the header and the parts of one of its groups the header has, as the card reads them: by name and column. */
export interface LessParts {
  total: { name: string; column: number };
  parts: readonly { name: string; column: number }[];
}

const nameOf = (mapping: ColumnMapping, source: string) => mapping.rename.get(source) ?? source;

/**
 * The header's columns passed over for one read before them (ColumnMapping.preferred): LiteLLM's `team_alias`
 * is the team's name, its `team_id` a generated UUID no account's budgets are keyed by; an export without the
 * name still has its team read by the id, and a row whose name is empty too (rowFallbacks, the plain reader's).
 */
export function passedOver(header: readonly string[], mapping: ColumnMapping): Set<number> {
  const passed = new Set<number>();
  for (const sources of mapping.preferred?.values() ?? []) {
    const first = sources.find((s) => header.includes(s));
    for (const s of sources) if (s !== first && header.includes(s)) passed.add(header.indexOf(s));
  }
  return passed;
}

/**
 * A dimension read from its preferred column, and from the columns passed over for it where a row's own cell is
 * empty: LiteLLM leaves `team_alias` empty on a team's rows before the team had an alias (red team, stop 37: one
 * team's rows read with no team, outside its budget), and a serious reader takes the team's id then, as SQL's
 * COALESCE(team_alias, team_id) does. `values`: the dimension's `dimension_values:`, which map either column's text.
 */
export interface Fallback {
  name: string;
  /** The preferred column: its index and name. */
  index: number;
  preferred: string;
  from: readonly { index: number; source: string }[];
  values?: ReadonlyMap<string, string>;
}

export function rowFallbacks(layout: Pick<Layout, "header" | "dimensions">, mapping: ColumnMapping): Fallback[] | undefined {
  const found: Fallback[] = [];
  for (const sources of mapping.preferred?.values() ?? []) {
    const present = sources.filter((s) => layout.header.includes(s));
    const read = layout.dimensions.find((d) => layout.header[d.index] === present[0]);
    if (read === undefined || present.length < 2) continue;
    const from = present.slice(1).map((source) => ({ index: layout.header.indexOf(source), source }));
    found.push({ name: read.name, index: read.index, preferred: present[0]!, from, ...(read.values === undefined ? {} : { values: read.values }) });
  }
  return found.length === 0 ? undefined : found;
}

/** Whether a file's header may hold two sources of a dimension the card reads (unknown, it may): its rows are the plain reader's, which falls back a row at a time. */
export function mayFallBack(mapping: ColumnMapping, read: ReadColumns, header: string | undefined): boolean {
  for (const [name, sources] of mapping.preferred ?? []) {
    if (read.names.has(name) && (header === undefined || sources.filter((s) => header.includes(s)).length > 1)) return true;
  }
  return false;
}

/**
 * A value a row's fallback column gave (a team's id), where it was first read so, and the value of the preferred
 * column another row gave beside the same id (the team's name): the budget-key warnings (limit-keys.ts) say that a
 * budget keyed by the name does not cap rows read by the id. Kept by the run's FallbackReads.
 */
export interface ReadByFallback {
  dimension: string;
  value: string;
  preferred: string;
  source: string;
  first: Location;
  named?: { value: string; at: Location };
}

/** Ids told apart at most: a gateway's teams are tens, not thousands; past this the warning names fewer. */
const KEPT = 4096;

/**
 * What a run's rows read from a fallback column (a team's id where its name is empty), and the preferred column's value
 * seen beside each on other rows: told to the run's budget checks (limit-keys.ts) through its SkippedRows, as the
 * reader's other notes are. Memory grows with the values, at most KEPT of each.
 */
export class FallbackReads {
  private readonly read = new Map<string, ReadByFallback>();
  private readonly named = new Map<string, { value: string; at: Location }>();

  fellBack(key: string, entry: ReadByFallback): void {
    if (!this.read.has(key) && this.read.size < KEPT) this.read.set(key, entry);
  }

  besides(key: string, named: { value: string; at: Location }): void {
    if (!this.named.has(key) && this.named.size < KEPT) this.named.set(key, named);
  }

  /** The values read from a fallback column, each with the preferred column's value seen beside it where one was. */
  values(): ReadByFallback[] {
    return [...this.read.values()].map((e) => {
      const beside = this.named.get(`${e.dimension}\u0000${e.value}`);
      return beside === undefined ? e : { ...e, named: beside };
    });
  }
}

/** A row's dimensions with each fallback applied where its preferred cell gave none, told to `reads` where given. */
export function fallBack(record: readonly string[], dimensions: Record<string, string>, fallbacks: readonly Fallback[], reads: FallbackReads | undefined, at: { file: string; line: number }): void {
  const { file, line } = at;
  for (const f of fallbacks) {
    const own = named(dimensions[f.name]);
    for (const { index, source } of f.from) {
      const cell = record[index]!;
      if (cell === "") continue;
      const text = cellText(cell, f.values);
      const key = `${f.name}\u0000${text}`;
      if (own !== undefined) {
        reads?.besides(key, { value: own, at: { file, line, column: f.index + 1 } });
        break;
      }
      dimensions[f.name] = text;
      reads?.fellBack(key, { dimension: f.name, value: text, preferred: f.preferred, source, first: { file, line, column: index + 1 } });
      break;
    }
  }
}

/**
 * A preferred cell's value, where it names something: an export writes a null column as `NULL`, or pads it with a
 * blank, and such a team took a name no budget is keyed by (red team, stop 37).
 */
function named(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" || /^null$/i.test(value.trim()) ? undefined : value;
}

function cellText(cell: string, values: ReadonlyMap<string, string> | undefined): string {
  const text = NOT_ASCII.test(cell) ? cell.normalize("NFC") : cell;
  return values?.get(text) ?? values?.get(cell) ?? text;
}

const NOT_ASCII = /[^\x00-\x7f]/;

/** The groups of the header whose total and some part the cards read (diff's two, a card's versions): each meter decides by the components it prices (lessComponents). */
export function partsLess(mapping: ColumnMapping, dimensions: readonly { name: string; index: number }[], header: readonly string[]): LessParts[] | undefined {
  if (mapping.within === undefined) return undefined;
  const read = new Map(dimensions.map((d) => [header[d.index]!, d]));
  const found: LessParts[] = [];
  for (const group of mapping.within) {
    const total = read.get(group.total);
    const parts = group.parts.flatMap((p) => (read.has(p) ? [{ name: read.get(p)!.name, column: read.get(p)!.index }] : []));
    if (total !== undefined && parts.length > 0) found.push({ total: { name: total.name, column: total.index }, parts });
  }
  return found.length === 0 ? undefined : found;
}

/** Whether the card reads a total and a part of it: rows whose total is read less its parts are the plain reader's. */
export function readsAPart(mapping: ColumnMapping, read: ReadColumns): boolean {
  return (mapping.within ?? []).some((g) => read.names.has(nameOf(mapping, g.total)) && g.parts.some((p) => read.names.has(nameOf(mapping, p))));
}

/**
 * A row's components, its meter's totals less the parts the meter also prices, in place: each meter of each card
 * decides by its own components (diff's base may price cached input where the change does not, or a later version).
 * A row whose parts are more than its total is refused at the part's cell: one of the two counts is wrong, and
 * whichever it is the row cannot be priced right. A meter that prices parts of two groups of one total is refused:
 * they may count the same tokens, and the export does not say how many.
 */
export function lessComponents(components: Record<string, Decimal>, less: readonly LessParts[], card: RateCard, meter: string, file: string, line: number): void {
  const split = versionsSplit(card, meter, less);
  if (split !== undefined) throw split(file, line);
  const done = new Map<string, string>();
  for (const { total, parts } of less) {
    const whole = components[total.name];
    const priced = parts.filter((p) => components[p.name] !== undefined);
    if (whole === undefined || priced.length === 0) continue;
    const other = done.get(total.name);
    if (other !== undefined) throw overlapping(total.name, other, priced[0]!, file, line);
    done.set(total.name, priced[0]!.name);
    let rest = whole;
    for (const p of priced) {
      rest = rest.minus(components[p.name]!);
      if (rest.isNegative()) {
        const [t, n] = [shown(total.name), shown(p.name)];
        throw new UserError(`${n} is more than the rest of ${t}, which counts it`, { file, line, column: p.column + 1 }, `${n} at most ${t}, less its other parts the card prices: the export counts ${n} inside ${t}`, `${n} ${components[p.name]!.toFixed()} of ${t} ${whole.toFixed()}`);
      }
    }
    components[total.name] = rest;
  }
}

function overlapping(total: string, a: string, b: { name: string; column: number }, file: string, line: number): UserError {
  const [t, p, q] = [total, a, b.name].map((n) => shown(n));
  return new UserError(
    `the card prices ${t} and both ${p} and ${q}, parts of it that may count the same tokens: the export does not say how many are both, so the rest of ${t} cannot be told`,
    { file, line, column: b.column + 1 },
    `a card that prices ${t} beside one of ${p} and ${q}`,
    `${p} and ${q}`,
  );
}

/**
 * Card versions whose meter prices a total with different parts of it (a later version adds a cached price): a row is
 * read once for every version (its total less the part once, for all of them), so one reading would price a part twice in one
 * version or not at all in the other. Worked out once a card and meter.
 */
type Split = ((file: string, line: number) => UserError) | undefined;
const splits = new WeakMap<RateCard, Map<string, Split>>();

function versionsSplit(card: RateCard, meter: string, less: readonly LessParts[]): Split {
  if (card.versions === undefined) return undefined;
  let byMeter = splits.get(card);
  if (byMeter === undefined) splits.set(card, (byMeter = new Map()));
  if (byMeter.has(meter)) return byMeter.get(meter);
  let split: Split;
  for (const { total, parts } of less) {
    const seen = new Map<string, string>();
    for (const version of card.versions) {
      const names = new Set(version.events.get(meter)?.meter.components.map((c) => c.name) ?? []);
      if (!names.has(total.name)) continue;
      const priced = parts.filter((p) => names.has(p.name));
      seen.set(priced.map((p) => p.name).join(","), version.version);
      if (seen.size < 2) continue;
      const [[a, va], [b, vb]] = [...seen] as [[string, string], [string, string]];
      const part = parts.find((p) => a.split(",").includes(p.name) !== b.split(",").includes(p.name))!;
      const [t, n] = [shown(total.name), shown(part.name)];
      const withIt = a.split(",").includes(part.name) ? [va, vb] : [vb, va];
      split = (file, line) =>
        new UserError(
          `versions of ${shown(card.provider)}'s card price ${t} with ${n} (${withIt[0]}) and without it (${withIt[1]}): the export counts ${n} inside ${t}, and a row read once for every version would price it twice in one or not at all in the other`,
          { file, line, column: part.column + 1 },
          `every version that prices ${t} pricing ${n} too (at ${t}'s price where a version has no price of its own for it), or none`,
          `${n} priced by ${withIt[0]} alone`,
        );
      break;
    }
    if (split !== undefined) break;
  }
  byMeter.set(meter, split);
  return split;
}
