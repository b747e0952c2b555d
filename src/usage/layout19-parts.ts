import { UserError, shown, type Place } from "../errors.js";
import { parsePlainDecimal, type Decimal } from "../money.js";
import type { Layout, ReadColumns } from "./layout.js";
import type { ColumnMapping } from "./mapping.js";

// What a layout declares of its export's counts beyond their names (red team, stop 37): a count that holds others
// inside it (OpenAI's input_tokens its cached ones), and a column read before another of the same meaning
// (LiteLLM's team_alias before its team_id). Worked out once at the header; a row pays only where a card prices a part.

/**
 * A total of the export and parts it counts inside it (`input_tokens`, which counts `input_cached_tokens`). A card
 * that prices the total and a part reads the total less the part: the provider's price list prices "input" and
 * "cached input" so, each token once; a card that prices the total alone reads the whole of it. Parts of one group
 * never count the same token; two groups of one total may (OpenAI's cached tokens span its audio ones), so a card
 * that prices parts of both is refused at the header.
 */
export interface PartsOf {
  total: string;
  parts: readonly string[];
}

/** A header's totals read less their parts, by column: resolved against the card by partsLess(). */
export interface LessParts {
  total: number;
  parts: readonly number[];
}

const nameOf = (mapping: ColumnMapping, source: string) => mapping.rename.get(source) ?? source;

/**
 * The header's columns passed over for one read before them (ColumnMapping.preferred): LiteLLM's `team_alias`
 * is the team's name, its `team_id` a generated UUID no account's budgets are keyed by; an export without the
 * name still has its team read by the id.
 */
export function passedOver(header: readonly string[], mapping: ColumnMapping): Set<number> {
  const passed = new Set<number>();
  for (const sources of mapping.preferred?.values() ?? []) {
    const first = sources.find((s) => header.includes(s));
    for (const s of sources) if (s !== first && header.includes(s)) passed.add(header.indexOf(s));
  }
  return passed;
}

/** The totals of the header the card reads less the parts it also reads; a card pricing parts of two groups of one total is refused. */
export function partsLess(mapping: ColumnMapping, dimensions: readonly { name: string; index: number }[], header: readonly string[], file: string): LessParts[] | undefined {
  if (mapping.within === undefined) return undefined;
  const read = new Map(dimensions.map((d) => [header[d.index]!, d.index]));
  const found = new Map<number, { parts: number[]; group: PartsOf }>();
  for (const group of mapping.within) {
    const total = read.get(group.total);
    const parts = group.parts.flatMap((p) => (read.has(p) ? [read.get(p)!] : []));
    if (total === undefined || parts.length === 0) continue;
    const other = found.get(total);
    if (other !== undefined) throw overlapping(mapping, header, file, total, other.parts[0]!, parts[0]!);
    found.set(total, { parts, group });
  }
  return found.size === 0 ? undefined : [...found].map(([total, { parts }]) => ({ total, parts }));
}

function overlapping(mapping: ColumnMapping, header: readonly string[], file: string, total: number, a: number, b: number): UserError {
  const [t, p, q] = [total, a, b].map((i) => shown(nameOf(mapping, header[i]!)));
  const place: Place = { file, line: 1, column: b + 1 };
  return new UserError(
    `the card prices ${t} and both ${p} and ${q}, parts of it that may count the same tokens: the export does not say how many are both, so the rest of ${t} cannot be told`,
    place,
    `a card that prices ${t} beside one of ${p} and ${q}`,
    `${p} and ${q}`,
  );
}

/** Whether the card reads a total and a part of it: rows whose total is read less its parts are the plain reader's. */
export function readsAPart(mapping: ColumnMapping, read: ReadColumns): boolean {
  return (mapping.within ?? []).some((g) => read.names.has(nameOf(mapping, g.total)) && g.parts.some((p) => read.names.has(nameOf(mapping, p))));
}

/**
 * A row's totals less the parts the card prices, in place. A total or part that is not a number is left for the
 * row's reader to refuse at its cell; a row whose parts are more than its total is refused here: one of the two
 * counts is wrong, and whichever it is the row cannot be priced right.
 */
export function lessParts(record: string[], layout: Pick<Layout, "less" | "header">, mapping: ColumnMapping, file: string, line: number): string[] {
  if (layout.less === undefined) return record;
  const header = layout.header;
  for (const { total, parts } of layout.less) {
    const whole = numberIn(record[total]);
    if (whole === undefined) continue;
    let rest: Decimal = whole;
    for (const p of parts) {
      if (record[p] === undefined || record[p] === "") continue;
      const part = numberIn(record[p]);
      if (part === undefined || part.isNegative()) return record;
      rest = rest.minus(part);
      if (rest.isNegative()) {
        const [t, n] = [shown(nameOf(mapping, header[total]!)), shown(nameOf(mapping, header[p]!))];
        throw new UserError(`${n} (${header[p]}) is more than the rest of ${t} (${header[total]}), which counts it`, { file, line, column: p + 1 }, `${n} at most ${t}, less its other parts the card prices: the export counts ${n} inside ${t}`, `${n} ${record[p]} of ${t} ${record[total]}`);
      }
    }
    record[total] = rest.toFixed();
  }
  return record;
}

function numberIn(cell: string | undefined): Decimal | undefined {
  return cell === undefined || cell === "" ? undefined : parsePlainDecimal(cell.trim());
}
