import { isSeq, type Node } from "yaml";
import { atFlag, formatLocation, UserError, shown, type Location, type Place } from "../errors.js";
import type { Meter, RateCard } from "../ratecard/types.js";
import { cardShown } from "../ratecard/versions.js";
import { decodeYaml, dictionary, list, oneOf, record, text, type Codec } from "../yaml/codec.js";
import { nearest } from "../nearest.js";
import { layoutGuess } from "../usage/layouts.js";
import { Zone } from "../time.js";
import { readColumnsFor } from "../usage/card-columns.js";
import { dimensionValuePlaces, dimensionValuesCodec } from "../usage/mapping.js";
import { layeredValueEntries, valueEntry, type ValueEntries } from "../usage/mapping-layers.js";
import { dimensionValueMistake, valueKey } from "../usage/mapping-names.js";

/**
 * A bill is the canonical bill CSV of SPEC 6 (one line per cycle, activity
 * and dimensions), a provider's transaction ledger (one row per transaction,
 * Floopy's "amount, type, timestamp" export) or a FOCUS 1.2 cost and usage
 * export (the FinOps standard's columns, tags as dimensions).
 */
const BILL_LAYOUTS = ["canonical", "ledger", "focus"] as const;
export type BillLayout = (typeof BILL_LAYOUTS)[number];

const CANONICAL_COLUMNS = ["period_start", "activity", "quantity", "amount", "unit_price", "currency", "charge_category", "account"] as const;
const LEDGER_COLUMNS = ["timestamp", "type", "amount", "account"] as const;
/** FOCUS 1.2 columns burnrate reads, by their standard names; every other FOCUS column is left alone. */
const FOCUS_COLUMNS = ["BillingPeriodStart", "ChargePeriodStart", "ChargeCategory", "BilledCost", "BillingCurrency", "ConsumedQuantity", "PricingUnit", "ChargeDescription", "SkuId", "Tags", "account"] as const;
export type BillColumn = (typeof CANONICAL_COLUMNS)[number] | (typeof LEDGER_COLUMNS)[number] | (typeof FOCUS_COLUMNS)[number];
const ALL_COLUMNS: readonly BillColumn[] = [...new Set<BillColumn>([...CANONICAL_COLUMNS, ...LEDGER_COLUMNS, ...FOCUS_COLUMNS])];

export function columnsOf(layout: BillLayout): readonly BillColumn[] {
  return layout === "canonical" ? CANONICAL_COLUMNS : layout === "ledger" ? LEDGER_COLUMNS : FOCUS_COLUMNS;
}

/** What a bill's activity (or a ledger's transaction type) stands for. */
export type ActivityTarget =
  /** Charges for these meters of the card, compared with the sum of their statement lines. */
  | { kind: "meters"; meters: readonly string[] }
  /** Credits bought (a ledger's Payment rows): compared with the grants of the account file. */
  | { kind: "payments" }
  /** Requests past the plan's quota, billed in money (the card's currency): compared with the statement's overage. */
  | { kind: "overage" }
  /** The plan's fee for the cycle, in money (the card's currency): compared with the price of the plan in force at the cycle's end. */
  | { kind: "plan" }
  /** Credits bought in the cycle (top-ups, packs), in money: compared with the account file's paid grants at the credit price. */
  | { kind: "bought" }
  /** Rows the user chose not to reconcile; they are still counted and reported. */
  | { kind: "ignore" };

export interface BillMapping {
  layout: BillLayout;
  columns: Partial<Record<BillColumn, string>>;
  activities: ReadonlyMap<string, ActivityTarget>;
  /** Columns that are neither canonical nor a dimension (an invoice number, a description); in FOCUS, tag keys too. */
  ignoreColumns: readonly string[];
  /** A bill column (or FOCUS tag key) -> the card's dimension it holds, when the bill names it otherwise. */
  dimensions: ReadonlyMap<string, string>;
  /** Where each dimensions: entry is written, for a message about two columns that end up one dimension. */
  dimensionsAt?: ReadonlyMap<string, Location>;
  /** Where each columns: entry is written (the mapping file's key, or --bill-map), for a source the bill's header lacks. */
  columnsAt?: Partial<Record<BillColumn, Place>>;
  /** How a ledger writes a charge: as a negative movement of the balance (the usual) or as a positive amount. */
  deductions: "negative" | "positive";
  /** The bill's values of a dimension read as the card's, as in a usage mapping (`{ model: { "openai/gpt-4o": gpt-4o } }`), with where each entry is written. */
  values?: ValueEntries;
  /** What every amount and unit price of the bill is counted in where no currency cell says (`currency: USD`), with where the key is written. */
  currency?: { text: string; at: Location };
  /** Whether a credit row (charge category Credit) needs attention (`fail`) or is listed and totalled alone (`pass`, the default). */
  credits: CreditRule;
  /** Whether a line a found boundary shift explains passes where what is left at the bill's cut is rounding or within tolerance (`pass`, the default), or is held to the tolerance on its whole gap at the account's cycles (`fail`). */
  boundaryShift: BoundaryRule;
  /** Where the provider cuts its cycles (`cut: "00:00 America/Los_Angeles"`): a found boundary shift passes only at this cut; 00:00 UTC where unsaid. */
  cut: DeclaredCut;
  /** The one account every row is for (`account: cust-0107`), where the bill has no account column: a customer's own invoice. */
  account?: string;
}

/**
 * The wall-clock time and zone a provider cuts its cycles at, on the day the account's cycle starts. A found boundary
 * shift passes (`boundary_shift: pass`) only where the bill's cut is this one: 00:00 UTC where the mapping says
 * nothing, the cut providers use. Any other cut the search finds (out of some 120 tried) is one hypothesis fitting a
 * few lines, not the provider's word: a November bill charging 7 of December's events fitted "00:00
 * America/Los_Angeles" on one line and passed, and December's bill charged them again (red team, stop 38).
 */
export interface DeclaredCut {
  hour: number;
  minute: number;
  zone: Zone;
  /** As written ("00:00 UTC"), for a message. */
  text: string;
  /** Whether the bill mapping says so (else the default, 00:00 UTC). */
  declared: boolean;
}

const DEFAULT_CUT: DeclaredCut = { hour: 0, minute: 0, zone: Zone.of("UTC")!, text: "00:00 UTC", declared: false };

/**
 * What a boundary shift does to a run: `pass` (the default) judges a line the bill's cut explains by what is left at
 * that cut, as a provider billing UTC months is the usual case (newcomer, stop 38: every such month exited 1); `fail`
 * holds the line's whole gap at the account's cycles to the tolerance, for a contract that bills at the account's zone.
 */
export type BoundaryRule = "pass" | "fail";

/** What a bill's credits do to a run: listed and totalled either way; `fail` has each need attention (exit 1). */
export type CreditRule = "pass" | "fail";

export const DEFAULT_BILL_MAPPING: BillMapping = { layout: "canonical", columns: {}, activities: new Map(), ignoreColumns: [], dimensions: new Map(), deductions: "negative", credits: "pass", boundaryShift: "pass", cut: DEFAULT_CUT };

const meterKeys: Codec<string | string[]> = {
  decode: (node: Node, ctx) => (isSeq(node) ? list(text(), { minItems: 1 }).decode(node, ctx) : text().decode(node, ctx)),
  schema: () => ({ oneOf: [{ type: "string" }, { type: "array", items: { type: "string" }, minItems: 1 }] }),
};

export const billMappingCodec = record({}, {
  layout: oneOf(BILL_LAYOUTS, "canonical: one line per cycle, activity and dimensions; ledger: one row per transaction (amount, type, timestamp); focus: a FOCUS 1.2 cost and usage export"),
  columns: record({}, Object.fromEntries(ALL_COLUMNS.map((c) => [c, text({ description: `the bill column holding ${c}` })])) as Record<BillColumn, Codec<string>>),
  activities: dictionary(meterKeys, {
    keyPattern: /^.+$/,
    description: "the bill's wording -> a meter key, a list of meter keys billed together, `payments` (credits bought), `overage` (requests past the quota, in money), `plan` (the plan's fee, in money) or `ignore`",
  }),
  ignore_columns: list(text(), { description: "bill columns (FOCUS: tag keys) that are not dimensions" }),
  dimensions: dictionary(text(), { keyPattern: /^.+$/, description: "a bill column (FOCUS: a tag key) -> the card's dimension it holds, e.g. Project: project" }),
  deductions: oneOf(["negative", "positive"] as const, "ledger: whether charges are written as negative amounts (default) or positive ones"),
  dimension_values: dimensionValuesCodec(),
  credits: oneOf(["pass", "fail"] as const, "a credit row (charge category Credit): pass (default) lists and totals it apart from the lines it was given on, fail has each one need attention (exit 1)"),
  boundary_shift: oneOf(["pass", "fail"] as const, "a line a boundary shift explains (the bill cuts its cycles at another hour or zone): pass (default) judges it by what is left once the usage is re-cut at the bill's cut (rounding, or within the tolerance), fail holds its whole gap at the account's cycles to the tolerance (exit 1 beyond it)"),
  cut: text({ description: "where the provider cuts its cycles, a time and a zone (\"00:00 UTC\", the default; \"00:00 America/Los_Angeles\"; a zone alone is its 00:00): a found boundary shift passes only at this cut, any other needs attention" }),
  currency: text({ description: "what the bill's amounts and unit prices are counted in where no currency column (FOCUS: BillingCurrency) says: the card's unit, or its currency (e.g. USD), turned into the card's unit at its credit_price on usage lines" }),
  account: text({ description: "the one account every row of the bill is for, where the bill has no account column (a customer's own invoice): it is compared with that account's usage alone" }),
}, "how a provider's bill maps onto burnrate's canonical bill columns");

/** The activity of requests past a plan's quota, billed in money: a line of its own on a bill. */
export const OVERAGE = "overage";
/** The activity of a cycle's plan fee, billed in money: a line of its own on an invoice. */
export const PLAN_FEE = "plan";
/** The activity of credits bought (a top-up, a pack), billed in money: a line of its own on an invoice. */
export const CREDITS_BOUGHT = "credits_bought";

/** Words a ledger uses for credits coming in, when no mapping says otherwise. */
const PAYMENT_WORDS = new Set(["payment"]);

/** Decode a bill mapping file and check its meter keys against the card. */
export function parseBillMapping(source: string, file: string, card: RateCard): BillMapping {
  const decoded = decodeYaml(source, file, billMappingCodec, "a bill mapping");
  const doc = decoded.value;
  const layout = doc.layout ?? "canonical";
  for (const column of Object.keys(doc.columns ?? {})) {
    if (!(columnsOf(layout) as readonly string[]).includes(column)) {
      throw new UserError(`column ${shown(column)} does not apply to the ${layout} layout`, decoded.at(["columns", column]), `one of ${columnsOf(layout).join(", ")}`, shown(column));
    }
  }
  const known = billDimensions(card);
  for (const [column, dimension] of doc.dimensions ?? []) {
    if (!known.has(dimension)) throw new UserError(`unknown dimension ${shown(dimension)}`, decoded.at(["dimensions", column]), `a dimension of ${cardNamed(card)} (${[...known].sort().join(", ")})`, shown(dimension));
  }
  // A column the file reads two ways would be read one of them in silence (canonical first, then ignored).
  const canonical = new Map(Object.entries(doc.columns ?? {}).map(([c, source]) => [source as string, c]));
  for (const [column] of doc.dimensions ?? []) {
    const c = canonical.get(column);
    if (c !== undefined) throw new UserError(`bill column ${shown(column)} is both the canonical ${c} (columns: ${c}: ${column}) and a dimension`, decoded.at(["dimensions", column]), `one reading of ${shown(column)}: as ${c}, or as the dimension`, `${shown(column)} mapped twice`);
  }
  (doc.ignore_columns ?? []).forEach((column, i) => {
    const c = canonical.get(column);
    const twice = c !== undefined ? `the canonical ${c} (columns: ${c}: ${column})` : doc.dimensions?.has(column) ? `the dimension ${shown(doc.dimensions.get(column)!)} (dimensions:)` : undefined;
    if (twice !== undefined) throw new UserError(`bill column ${shown(column)} is both ${twice} and under ignore_columns:`, decoded.at(["ignore_columns", i]), `one of the two: ${shown(column)} read, or under ignore_columns:`, `${shown(column)} mapped twice`);
  });
  // A customer's own invoice says whose it is once (newcomer60 M1: a bill of no account column was compared with every
  // account's usage summed, and a bill mapping had no way to name one).
  if (doc.account !== undefined && doc.account.trim() === "") throw new UserError("account: names no account", decoded.at(["account"]), "the account every row of the bill is for, as the usage and the account file name it", "nothing");
  if (doc.account !== undefined && doc.columns?.account !== undefined) throw new UserError("account: and columns: account: both say whose each row is", decoded.at(["account"]), "one of the two: account: NAME for a bill of one account, or columns: { account: COLUMN } for a bill of several", `account: ${shown(doc.account)} beside columns: { account: ${shown(doc.columns.account)} }`);
  const activities = new Map<string, ActivityTarget>();
  for (const [word, value] of doc.activities ?? []) {
    activities.set(word, targetOf(value, card, (i) => decoded.at(i === undefined ? ["activities", word] : ["activities", word, i])));
  }
  return {
    layout,
    columns: { ...(doc.columns ?? {}) },
    activities,
    ignoreColumns: doc.ignore_columns ?? [],
    dimensions: new Map(doc.dimensions ?? []),
    dimensionsAt: new Map([...(doc.dimensions ?? [])].map(([column]) => [column, decoded.at(["dimensions", column])])),
    columnsAt: Object.fromEntries(Object.keys(doc.columns ?? {}).map((c) => [c, decoded.at(["columns", c])])),
    deductions: doc.deductions ?? "negative",
    credits: doc.credits ?? "pass",
    boundaryShift: doc.boundary_shift ?? "pass",
    cut: doc.cut === undefined ? DEFAULT_CUT : declaredCut(doc.cut, decoded.at(["cut"])),
    ...(doc.currency === undefined ? {} : { currency: billCurrency(doc.currency, decoded.at(["currency"]), card) }),
    ...(doc.account === undefined ? {} : { account: doc.account }),
    ...(doc.dimension_values === undefined ? {} : { values: { dimensionValues: doc.dimension_values, places: dimensionValuePlaces(doc.dimension_values, decoded, source.split(/\r\n?|\n/)) } }),
  };
}

/** The mapping's `cut:`: "HH:MM ZONE", or a zone alone (its 00:00). */
function declaredCut(value: string, at: Location): DeclaredCut {
  const match = /^(?:(\d{1,2}):(\d{2})\s+)?(\S+)$/.exec(value.trim());
  const example = `a time and a zone, such as "00:00 UTC" or "00:00 America/Los_Angeles" (a zone alone is its 00:00)`;
  if (match === null) throw new UserError("bad cut", at, example, shown(value));
  const [hour, minute] = [Number(match[1] ?? 0), Number(match[2] ?? 0)];
  if (hour > 23 || minute > 59) throw new UserError("bad time of the cut", at, `a time from 00:00 to 23:59, then the zone: ${example}`, shown(value));
  const zone = Zone.of(match[3]!);
  if (zone === undefined) throw new UserError(`unknown time zone ${shown(match[3]!)} in the cut${Zone.guess(match[3]!)}`, at, `an IANA zone name after the time: ${example}`, shown(value));
  const text = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")} ${zone.name}`;
  return { hour, minute, zone, text, declared: true };
}

/**
 * The mapping's `currency:`, checked against the card before any row is read: the card's unit (read as it is) or its
 * currency, which a usage line turns into the unit at the credit price. A dollar invoice without a currency column
 * had no way to say so but to edit the provider's file: every usage line read as a rate drift, 100 times dearer
 * (newcomer, stop 37).
 */
function billCurrency(value: string, at: Location, card: RateCard): { text: string; at: Location } {
  const text = value.trim();
  if (sameCurrency(text, card.unit)) return { text, at };
  const price = card.creditPrice;
  if (sameCurrency(text, card.currency)) {
    // With versions, a row is read at the price of its period's version (period-price.ts): any version's price will do here.
    if ((card.versions ?? [card]).some((v) => v.creditPrice !== undefined && !v.creditPrice.isZero())) return { text, at };
    throw new UserError(`the card has no credit_price to turn ${card.currency} into ${card.unit}`, at, `${card.unit} (the card's unit), or a card with a credit_price`, shown(value));
  }
  const money = price === undefined || price.isZero() ? "" : `, or ${card.currency} (its currency, at the credit price of ${price.toFixed()})`;
  throw new UserError(`bill currency ${shown(value)} is neither the card's unit nor its currency`, at, `${card.unit} (the card's unit)${money}`, shown(value));
}

/** Two spellings of one currency or unit: ISO codes and unit names are compared without case. */
export function sameCurrency(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function targetOf(value: string | string[], card: RateCard, at: (index?: number) => Location): ActivityTarget {
  if (value === "ignore" || value === "payments" || value === "overage" || value === PLAN_FEE) return { kind: value };
  if (value === CREDITS_BOUGHT) return { kind: "bought" };
  const meters = typeof value === "string" ? [value] : value;
  meters.forEach((m, i) => {
    if (!card.events.has(m) && !isComponentItem(m, card)) {
      const where = at(typeof value === "string" ? undefined : i);
      const example = componentExample(card);
      const items = example === undefined ? "" : ` (or METER:COMPONENT, a component billed on a line of its own, such as ${example})`;
      throw new UserError(`unknown meter ${shown(m)}`, where, `a meter of ${cardNamed(card)}${items}, payments, overage, plan, credits_bought or ignore`, shown(m));
    }
  });
  return { kind: "meters", meters };
}

/**
 * A meter's priced component, or per-event surcharge, billed on a line of its own: `request:input_tokens` for an
 * LLM invoice's "Input tokens" line, as the statement names the line. Its tokens and cost are compared with the
 * component's lines, apart from the meter's own quantity (requests) and its other components.
 */
function isComponentItem(item: string, card: RateCard): boolean {
  const at = item.lastIndexOf(":");
  if (at <= 0) return false;
  const [key, part] = [item.slice(0, at), item.slice(at + 1)];
  return (card.versions ?? [card]).some((version) => {
    const meter = version.meters.get(key);
    return meter !== undefined && (meter.components.some((c) => c.name === part) || meter.surcharges.some((s) => s.kind === "per_event" && s.name === part));
  });
}

/** The first component of the card's versions, as an example for a message; none where no version prices one. */
export function componentExample(card: RateCard): string | undefined {
  const meter = versionMeters(card).find(({ meter: m }) => m.components.length > 0)?.meter;
  return meter === undefined ? undefined : `${meter.key}:${meter.components[0]!.name}`;
}

/**
 * Every version's meters (`--card` repeated), earliest version first; a single card's own. A bill spans the
 * versions in force over its cycles, so it may name what any of them defines: only the earliest's were read, and
 * a later version's label was refused with a hint to relabel the invoice with the old one (red team, stop 37).
 */
function versionMeters(card: RateCard): { meter: Meter; version: RateCard }[] {
  return (card.versions ?? [card]).flatMap((version) => [...version.meters.values()].map((meter) => ({ meter, version })));
}

/** The dimensions some version's meters carry: a bill column or FOCUS tag may hold any of them. */
export function billDimensions(card: RateCard): ReadonlySet<string> {
  return new Set(versionMeters(card).flatMap(({ meter }) => meter.dimensions));
}

/** The card as a message names it: its provider and every version ("fliplet 2026-11 + 2026-12"). */
export function cardNamed(card: RateCard): string {
  return `${card.provider} ${cardShown(card).version}`;
}

/** A meter a version gives a bill label to, with where the meter is written. */
interface LabelUse {
  label: string;
  meter: string;
  version: RateCard;
  at: Location;
}

/** Every version's bill labels by their normal form (case and spacing aside), each with the meters it names, earliest first. */
export type BillLabels = ReadonlyMap<string, readonly LabelUse[]>;

/** The labels of every version: a label resolves to the meter of whichever version names it. */
export function billLabels(card: RateCard): BillLabels {
  const out = new Map<string, LabelUse[]>();
  for (const { meter, version } of versionMeters(card)) {
    for (const label of meter.labels) {
      const uses = out.get(normalized(label)) ?? [];
      if (!uses.some((u) => u.meter === meter.key)) uses.push({ label, meter: meter.key, version, at: meter.location });
      out.set(normalized(label), uses);
    }
  }
  return out;
}

/**
 * A bill's word that is a label of two meters (of one version, or of two versions, a meter renamed or the label
 * moved): either could be meant, so it is refused at the later meter's card, where the fix most likely is.
 */
function labelOfTwoMeters(uses: readonly LabelUse[], read: { text: string; at: Location }): UserError {
  const [first, later] = [uses[0]!, uses[1]!];
  const version = (use: LabelUse) => `${use.version.provider} ${use.version.version}`;
  return new UserError(
    `label ${shown(later.label)} names meter ${shown(first.meter)} of ${version(first)} (${formatLocation(first.at)}) and meter ${shown(later.meter)} of ${version(later)}: the bill's ${shown(read.text)} (${formatLocation(read.at)}) could be either`,
    later.at,
    `each label naming one meter in every version: another label for one of the two, or an activities: entry for ${shown(read.text.trim())} in the bill mapping`,
    `${shown(first.meter)} and ${shown(later.meter)}`,
  );
}

/**
 * `--bill-layout`, `--bill-map CANONICAL=SOURCE` and `--bill-map value:DIMENSION:VALUE=EXPORTED`
 * (a `dimension_values:` entry, as `--map value:` is for usage), applied over a mapping file; then
 * the mapping's `dimension_values:` entries are checked against the card as a usage mapping's are.
 */
export function withBillFlags(base: BillMapping, layoutFlag: string | undefined, flags: readonly string[], card: RateCard): BillMapping {
  let layout = base.layout;
  if (layoutFlag !== undefined) {
    if (!(BILL_LAYOUTS as readonly string[]).includes(layoutFlag)) throw new UserError(`unknown bill layout${layoutGuess(layoutFlag, BILL_LAYOUTS)}`, atFlag("--bill-layout"), `one of ${BILL_LAYOUTS.join(", ")}`, shown(layoutFlag));
    layout = layoutFlag as BillLayout;
  }
  const columns = { ...base.columns };
  const columnsAt = { ...base.columnsAt };
  const values = new Map<string, Map<string, string>>();
  const at = atFlag("--bill-map");
  const places = { dimensions: new Map<string, Place>(), dimensionValues: new Map<string, Place>() };
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    const name = flag.slice(0, eq);
    const entry = flag.startsWith("value:") && eq > 0 ? valueEntry(name.slice("value:".length), flag.slice(eq + 1)) : undefined;
    if (entry !== undefined) {
      const exported = flag.slice(eq + 1);
      if (values.get(entry.dimension)?.has(exported)) throw new UserError("the same mapping twice", at, "each bill value mapped once", shown(flag));
      values.set(entry.dimension, (values.get(entry.dimension) ?? new Map()).set(exported, entry.value));
      places.dimensions.set(entry.dimension, at);
      places.dimensionValues.set(valueKey(entry.dimension, exported), at);
      continue;
    }
    if (eq < 1 || !(columnsOf(layout) as readonly string[]).includes(name)) {
      throw new UserError("bad bill column mapping", at, `CANONICAL=SOURCE with CANONICAL one of ${columnsOf(layout).join(", ")}, or value:DIMENSION:VALUE=EXPORTED`, shown(flag));
    }
    columns[name as BillColumn] = flag.slice(eq + 1);
    columnsAt[name as BillColumn] = at;
  }
  // A ledger moves the card's credits: its rows carry no currency, and the key could only misread them.
  if (layout === "ledger" && base.currency !== undefined && !sameCurrency(base.currency.text, card.unit)) {
    throw new UserError(`a ledger is in ${card.unit}, not ${base.currency.text}`, base.currency.at, `${card.unit} or no currency: (a ledger moves credits); currency: is for a canonical or FOCUS bill`, shown(base.currency.text));
  }
  const merged = values.size === 0 ? base.values : layeredValueEntries(base.values ?? {}, { dimensionValues: values, places });
  // The same checks as a usage mapping's entries: a dimension the card does not read, an entry the wrong way round, a value it does not price.
  const mistake = merged === undefined ? undefined : dimensionValueMistake({ ...merged, rename: base.dimensions }, readColumnsFor(card));
  if (mistake) throw mistake;
  return { ...base, layout, columns, columnsAt, ...(merged === undefined ? {} : { values: merged }) };
}

/**
 * What a bill's activity cell stands for: the mapping's entry, else a meter key
 * (of any version), else a label some version declares for a meter (case and
 * spacing aside; one naming two meters is refused), else, in a ledger, the
 * payment type.
 */
export function resolveActivity(cell: { text: string; at: Location }, card: RateCard, mapping: BillMapping, labels: BillLabels): ActivityTarget | undefined {
  const word = cell.text;
  const mapped = mapping.activities.get(word);
  if (mapped) return mapped;
  if (card.events.has(word) || isComponentItem(word, card)) return { kind: "meters", meters: [word] };
  const wanted = normalized(word);
  const uses = labels.get(wanted);
  if (uses !== undefined && uses.length > 1) throw labelOfTwoMeters(uses, cell);
  if (uses !== undefined) return { kind: "meters", meters: [uses[0]!.meter] };
  if (mapping.layout === "ledger" && PAYMENT_WORDS.has(wanted)) return { kind: "payments" };
  if (wanted === OVERAGE) return { kind: "overage" };
  if (wanted === PLAN_FEE) return { kind: "plan" };
  if (wanted === CREDITS_BOUGHT) return { kind: "bought" };
  return undefined;
}

/** The activity word a bill probably meant (a label or meter key one or two typos away, case and spacing aside), for an unknown one. */
export function nearestActivity(word: string, card: RateCard, mapping: BillMapping): string | undefined {
  const meters = versionMeters(card).map(({ meter }) => meter);
  const items = meters.flatMap((m) => m.components.map((c) => `${m.key}:${c.name}`));
  const words = [...mapping.activities.keys(), ...card.events.keys(), ...items, ...meters.flatMap((m) => m.labels)];
  const byNormal = new Map(words.map((w) => [normalized(w), w]));
  const near = nearest(normalized(word), [...byNormal.keys()]);
  return near === undefined ? undefined : byNormal.get(near);
}

function normalized(word: string): string {
  return word.trim().replace(/\s+/g, " ").toLowerCase();
}
