import { formatLocation, UserError, shown, type Location } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import { parseInstant, type Zone } from "../time.js";
import type { BillRow, Cell } from "./bill-rows.js";
import { billDimensions, type BillColumn, type BillMapping } from "./mapping.js";
import type { BillPeriod } from "./types.js";
import { cardValue } from "../usage/mapping-names.js";

/**
 * A FOCUS 1.2 cost and usage row. BillingPeriodStart (inclusive) is the cycle
 * the charge is invoiced in, and ChargePeriodStart, when given, must lie in
 * it; BilledCost is the amount (in BillingCurrency: credits for a provider
 * that bills credits, money for an overage line); ConsumedQuantity is the
 * quantity (a Credit, Adjustment or Tax row's, none: it adjusts the line's cost); SkuId, else ChargeDescription, names the activity through the
 * bill mapping's activities: or the card's labels; the keys of Tags (a JSON
 * object) are dimensions, renamed by the mapping's dimensions:. PricingUnit
 * is not compared: a meter's unit is the card's.
 */
export function focusRow(cell: (column: BillColumn) => Cell | undefined, context: { card: RateCard; mapping: BillMapping; zone: Zone; origin: Location }): BillRow {
  const periodCell = cell("BillingPeriodStart")!;
  const charge = cell("ChargePeriodStart");
  const period = focusPeriod(periodCell, charge, context.zone);
  const activities = [cell("SkuId"), cell("ChargeDescription")].filter((c): c is Cell => c !== undefined);
  const tags = cell("Tags");
  const currency = cell("BillingCurrency");
  const category = cell("ChargeCategory")?.text.trim().toLowerCase();
  return {
    origin: context.origin,
    amount: cell("BilledCost")!,
    activities,
    period,
    periodCell: periodCell.at,
    quantity: cell("ConsumedQuantity"),
    unitPrice: undefined,
    account: cell("account")?.text,
    dimensions: tags === undefined ? {} : tagDimensions(tags, context.card, context.mapping),
    ...(currency === undefined ? {} : { currency }),
    ...(category !== undefined && isAdjustment(category) ? { adjustment: category } : {}),
  };
}

/**
 * FOCUS's ChargeCategory values of rows that adjust a line's cost and consume nothing: they carry no
 * ConsumedQuantity by the standard, and leave the line's quantity as its usage rows give it.
 */
const ADJUSTMENTS: readonly Adjustment[] = ["credit", "adjustment", "tax"];

/** A row's kind of adjustment: a credit is listed on its own (the reconciliation's credits), a tax or an adjustment stays on its line. */
export type Adjustment = "credit" | "adjustment" | "tax";

function isAdjustment(category: string): category is Adjustment {
  return (ADJUSTMENTS as readonly string[]).includes(category);
}

/** FOCUS 1.2's ChargeCategory values. */
const CHARGE_CATEGORIES: readonly string[] = ["usage", "purchase", "credit", "adjustment", "tax"];

/**
 * A canonical bill's `charge_category` cell, FOCUS's ChargeCategory: whether the row adjusts its line (a credit, an
 * adjustment, a tax) rather than bills usage; empty is usage. A plain invoice had no way to say a goodwill credit was
 * one, and mapped onto a line it read as a price (newcomer, stop 36). Another value is refused at its cell.
 */
export function adjustsLine(category: Cell): Adjustment | undefined {
  const text = category.text.trim().toLowerCase();
  if (text === "") return undefined;
  if (!CHARGE_CATEGORIES.includes(text)) throw new UserError("unknown charge category", category.at, "Usage, Purchase, Credit, Adjustment or Tax (FOCUS's ChargeCategory), or empty for usage", shown(category.text));
  return isAdjustment(text) ? text : undefined;
}

function focusPeriod(start: Cell, charge: Cell | undefined, zone: Zone): BillPeriod {
  const at = instantOf(start, zone, "BillingPeriodStart");
  if (charge === undefined || charge.text.trim() === "") return { kind: "start-instant", at };
  return { kind: "start-instant", at, charge: { at: instantOf(charge, zone, "ChargePeriodStart"), cell: charge.at } };
}

function instantOf(cell: Cell, zone: Zone, column: string): number {
  const parsed = parseInstant(cell.text.trim(), zone);
  if (!parsed.ok) throw new UserError(`bad ${column}`, cell.at, "a FOCUS date-time such as 2026-11-01T00:00:00Z", shown(cell.text));
  return parsed.at;
}

/** The Tags cell: a JSON object of string values; keys the mapping ignores are dropped, the others must be the card's dimensions. */
function tagDimensions(tags: Cell, card: RateCard, mapping: BillMapping): Record<string, string> {
  const text = tags.text.trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError("Tags is not JSON", tags.at, 'a JSON object such as {"project": "alpha"}', shown(text));
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new UserError("Tags is not a JSON object", tags.at, 'a JSON object such as {"project": "alpha"}', shown(text));
  const twice = repeatedKey(text);
  if (twice !== undefined) {
    throw new UserError(`tag ${shown(twice.key)} twice in one Tags cell`, tags.at, "each tag key once in a cell, as each column once in a header", `${shown(twice.key)} twice: ${twice.values.join(" and ")}`);
  }
  const known = billDimensions(card);
  const out: Record<string, string> = {};
  // Which tag gave each dimension: a second tag renamed onto it would replace its value in silence.
  const from = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    if (mapping.ignoreColumns.includes(key)) continue;
    const name = mapping.dimensions.get(key) ?? key;
    const first = from.get(name);
    if (first !== undefined) {
      const renamed = [first, key].map((k) => mapping.dimensionsAt?.get(k)).find((at) => at !== undefined);
      const where = renamed === undefined ? "" : ` (renamed at ${formatLocation(renamed)})`;
      throw new UserError(`tags ${shown(first)} and ${shown(key)} both hold dimension ${shown(name)}${where}`, tags.at, "each dimension in one tag: one of the dimensions: entries removed, or one tag under ignore_columns:", `${shown(first)} and ${shown(key)}`);
    }
    from.set(name, key);
    if (!known.has(name)) {
      throw new UserError(`tag ${shown(key)} is not a dimension of any meter`, tags.at, `a dimension (${[...known].sort().join(", ")}), a dimensions: entry renaming it, or ignore_columns: in the bill mapping`, shown(key));
    }
    if (typeof value !== "string") throw new UserError(`tag ${shown(key)} is not a string`, tags.at, "a string value", shown(JSON.stringify(value)));
    if (value !== "") out[name] = cardValue(mapping.values ?? {}, name, value);
  }
  return out;
}

/**
 * The first key the top level of a JSON object's text (parsed before) gives twice, with each of its values as a
 * message shows it: JSON.parse keeps the last one, and the row was read under it without a word (red team, stop 37), as
 * a header with a column twice would be read under one of them.
 */
function repeatedKey(text: string): { key: string; values: string[] } | undefined {
  const entries: { key: string; value: string }[] = [];
  let depth = 0;
  let key: string | undefined;
  let valueFrom = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      let next = end + 1;
      while (/\s/.test(text[next] ?? "")) next++;
      if (depth === 1 && key === undefined && text[next] === ":") {
        key = JSON.parse(text.slice(i, end + 1)) as string;
        valueFrom = next + 1;
      }
      i = end;
    } else if (c === "{" || c === "[") depth++;
    else if ((c === "," && depth === 1) || (c === "}" && depth === 1)) {
      if (key !== undefined) entries.push({ key, value: written(JSON.parse(text.slice(valueFrom, i)) as unknown) });
      key = undefined;
    }
    if (c === "}" || c === "]") depth--;
  }
  const repeated = entries.find((e, i) => entries.findIndex((f) => f.key === e.key) !== i)?.key;
  if (repeated === undefined) return undefined;
  return { key: repeated, values: entries.filter((e) => e.key === repeated).map((e) => e.value) };
}

/** A tag's value in a message: a string quoted as any found text, anything else as JSON. */
function written(value: unknown): string {
  return typeof value === "string" ? shown(value) : JSON.stringify(value);
}

/** The dimensions a FOCUS bill carries: every tag that named one on some row, in name order. */
export function focusTagDimensions(seen: ReadonlySet<string>): string[] {
  return [...seen].sort();
}
