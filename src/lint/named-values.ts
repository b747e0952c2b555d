import { shown } from "../errors.js";
import { nearest, withinOneEdit } from "../nearest.js";
import { nearMiss } from "../ratecard/condition-values.js";
import type { CardDocument } from "../ratecard/schema.js";
import type { Meter, Price, PriceTree, RateCard } from "../ratecard/types.js";
import type { Report } from "./lookup-coverage.js";

type Path = (string | number)[];

/** One table of a meter that looks a dimension up: a price table (at any depth of its `by`), a component's, the pool's or the category's. */
interface Table {
  meter: Meter;
  label: string;
  /** Whether it has a `*` entry, taking any other value. */
  any: boolean;
  /** Its values, each where it is first written. */
  values: Map<string, Path>;
}

/** Every table of the card keyed by each dimension. */
function tablesByDimension(card: RateCard): Map<string, Table[]> {
  const out = new Map<string, Table[]>();
  const add = (dimension: string, table: Table) => out.set(dimension, [...(out.get(dimension) ?? []), table]);
  const tree = (meter: Meter, label: string, by: readonly string[], node: ReadonlyMap<string, PriceTree>, depth: number, at: Path, into: Table[]) => {
    const table = (into[depth] ??= { meter, label, any: false, values: new Map() });
    for (const [key, child] of node) {
      if (key === "*") table.any = true;
      else if (!table.values.has(key)) table.values.set(key, [...at, key]);
      if (depth + 1 < by.length && child instanceof Map) tree(meter, label, by, child, depth + 1, [...at, key], into);
    }
  };
  for (const meter of card.meters.values()) {
    const base = ["meters", meter.key];
    const prices: [Price, string, Path][] = [[meter.price, "price", [...base, "price", "table"]], ...meter.components.map((c): [Price, string, Path] => [c.price, `${c.name} price`, [...base, "components", c.name, "table"]])];
    for (const [price, label, at] of prices) {
      if (price.kind !== "table") continue;
      const levels: Table[] = [];
      tree(meter, label, price.by, price.tree, 0, at, levels);
      levels.forEach((t, depth) => add(price.by[depth]!, t));
    }
    for (const what of ["pool", "category"] as const) {
      const l = meter[what];
      if (l.kind !== "by") continue;
      const values = new Map([...l.table.keys()].filter((k) => k !== "*").map((k): [string, Path] => [k, [...base, what, "table", k]]));
      add(l.dimension, { meter, label: what, any: l.table.has("*"), values });
    }
  }
  return out;
}

/** Whether a meter reads the dimension at all: a line dimension, an item key, a table, a condition. */
function carries(meter: Meter, dimension: string, tables: readonly Table[]): boolean {
  return meter.dimensions.includes(dimension) || ("keyBy" in meter && meter.keyBy.includes(dimension)) || tables.some((t) => t.meter === meter)
    || meter.surcharges.some((s) => s.when.has(dimension)) || meter.exemptWhen?.has(dimension) === true;
}

/** The values the meters can take for a dimension: closed when each meter reading it looks it up in a table without `*`. */
interface Reach {
  closed: boolean;
  values: Set<string>;
  meters: Meter[];
}

function reachOf(meters: readonly Meter[], tables: readonly Table[]): Reach {
  const values = new Set<string>();
  let closed = meters.length > 0;
  for (const meter of meters) {
    // A table with `*` beside a limited one still takes only the limited one's values: the event must pass both.
    const limited = tables.filter((t) => t.meter === meter && !t.any);
    if (limited.length === 0) closed = false;
    for (const t of limited) for (const v of t.values.keys()) values.add(v);
  }
  return { closed, values, meters: [...meters] };
}

/** Values for a message: a table of thousands of models is named by its first dozen. */
const listOf = (values: ReadonlySet<string>) => [...values].slice(0, 12).join(", ") + (values.size > 12 ? `, ... (${values.size} in all)` : "");

/** The first of `candidates` that `value` is one slip from (case, spacing, one typo), as a row's value is judged against a condition. */
const slipOf = (value: string, candidates: Iterable<string>) => [...candidates].find((c) => c !== value && nearMiss(value, c));

/** The truths a condition compares a yes-or-no column against, as cards and exports write them. */
const TRUTHS = ["true", "false"];

interface Setting {
  /** How a message names it: `plan "free" admits`, `surcharge on meter "generate" applies when`. */
  what: string;
  rule: string;
  /** Where the value is written. */
  path: Path;
  /** What a slip does, the value meant never matching: "the surcharge never applies". */
  never: string;
  fixKey: string;
}

/**
 * Lint: a value a card's setting names (a plan's `only:` entry, a surcharge's `when:`, an `exempt_when:`)
 * that no event can carry, or that is one slip from a value the card prices. A setting compares exact
 * text, so `lumaa` or `Pika` in a gate refuses every event of `luma` or `pika` as plan-gated, and
 * `Private` in a surcharge never charges it, without a word. Budgets and daily limits have no values
 * in the card (an account names them, and the statement warns of one slip from a log's value).
 */
export function namedValues(card: RateCard, doc: CardDocument, report: Report): void {
  const tables = tablesByDimension(card);
  const priced = (dimension: string) => new Set((tables.get(dimension) ?? []).flatMap((t) => [...t.values.keys()]));
  const judge = (setting: Setting, dimension: string, value: string, reach: Reach) => {
    const all = priced(dimension);
    if (reach.values.has(value) || (!reach.closed && all.has(value))) return;
    const slip = slipOf(value, reach.values) ?? slipOf(value, all);
    if (reach.closed) {
      const listed = listOf(reach.values);
      const near = slip ?? nearest(value, [...reach.values]);
      const mean = slip !== undefined ? `; did you mean ${shown(slip)}? ${setting.never}` : `${near !== undefined ? `; nearest: ${shown(near)}` : ""}; it matches no event`;
      report(slip !== undefined ? "error" : "warning", setting.rule, setting.path,
        `${setting.what} ${dimension} ${shown(value)}, which no event can carry: ${reach.meters.map((m) => `meter ${shown(m.key)}`).join(", ")} price${reach.meters.length === 1 ? "s" : ""} only ${dimension} ${listed}${mean}`,
        slip !== undefined ? `rename ${shown(value)} to ${shown(slip)} in ${setting.fixKey}` : `use one of ${listed} in ${setting.fixKey}, or price ${shown(value)} in the tables`);
    } else if (slip !== undefined) {
      // Some meter takes any value of the dimension, so the value may be one in its own right: a warning.
      report("warning", setting.rule, setting.path,
        `${setting.what} ${dimension} ${shown(value)}, one slip from ${shown(slip)}, which the card prices; did you mean ${shown(slip)}? ${setting.never}`,
        `rename ${shown(value)} to ${shown(slip)} in ${setting.fixKey}, or leave it if events carry ${shown(value)} as written`);
    } else {
      // `ture` for true: no table names a truth, and the rows' "true" was then refused as a near miss of the card's typo,
      // blaming the usage mapping (newcomer59 M3). A letter off, not another spelling (`yes`) nor another case (`True`).
      const truth = TRUTHS.find((t) => value.toLowerCase() !== t && withinOneEdit(value.toLowerCase(), t));
      if (truth !== undefined) {
        report("error", setting.rule, setting.path,
          `${setting.what} ${dimension} ${shown(value)}, one slip from ${shown(truth)}; did you mean ${shown(truth)}? ${setting.never}`,
          `rename ${shown(value)} to ${shown(truth)} in ${setting.fixKey}`);
      }
    }
  };
  for (const meter of card.meters.values()) {
    const base = ["meters", meter.key];
    meter.surcharges.forEach((s, i) => {
      for (const [dimension, value] of s.when) {
        const reach = reachOf([meter], tables.get(dimension) ?? []);
        judge({ what: `surcharge on meter ${shown(meter.key)} applies when`, rule: "unreachable-surcharge", path: [...base, "surcharges", i, "when", dimension], never: "(a condition compares exact text: the surcharge never applies)", fixKey: `meters.${meter.key}.surcharges[${i}].when` }, dimension, value, reach);
      }
    });
    for (const [dimension, value] of meter.exemptWhen ?? []) {
      const reach = reachOf([meter], tables.get(dimension) ?? []);
      judge({ what: `exemption of meter ${shown(meter.key)} applies when`, rule: "unreachable-exemption", path: [...base, "exempt_when", dimension], never: "(a condition compares exact text: every event pays)", fixKey: `meters.${meter.key}.exempt_when` }, dimension, value, reach);
    }
  }
  for (const plan of card.plans.values()) {
    for (const [dimension, allowed] of plan.only) {
      const own = tables.get(dimension) ?? [];
      const reach = reachOf([...card.meters.values()].filter((m) => carries(m, dimension, own)), own);
      // The list as written, for each value's place: the card's set has lost a repeated value's index.
      (doc.plans.get(plan.key)?.only?.get(dimension) ?? [...allowed]).forEach((value, i) => {
        judge({ what: `plan ${shown(plan.key)} admits`, rule: "unknown-gate-value", path: ["plans", plan.key, "only", dimension, i], never: `(a gate compares exact text: plan ${plan.key} refuses every event of the value meant as plan-gated)`, fixKey: `plans.${plan.key}.only.${dimension}` }, dimension, value, reach);
      });
      if (reach.closed && ![...allowed].some((v) => reach.values.has(v))) {
        report("error", "unreachable-plan", ["plans", plan.key, "only", dimension],
          `plan ${shown(plan.key)} admits no ${dimension} the card prices: every event of ${reach.meters.map((m) => `meter ${shown(m.key)}`).join(", ")} is refused as plan-gated on it`,
          `list in plans.${plan.key}.only.${dimension} the values it may use, as the tables write them: ${listOf(reach.values)}`);
      }
    }
  }
  tableSpellings(tables, report);
}

/**
 * A value one table of a dimension has that another meter's table writes one slip apart (`Pika` beside
 * `pika`): the log carries one spelling, so one of the meters cannot price it. A warning, at the spelling
 * fewer tables have. Two spellings in one meter's tables are `missing-price`; in one table, two values.
 */
function tableSpellings(tables: ReadonlyMap<string, Table[]>, report: Report): void {
  for (const [dimension, list] of tables) {
    // One meter's tables alone are compared by missing-price.
    if (new Set(list.map((t) => t.meter)).size < 2) continue;
    const having = new Map<string, Table[]>();
    for (const t of list) for (const v of t.values.keys()) having.set(v, [...(having.get(v) ?? []), t]);
    const values = [...having.keys()];
    const done = new Set<string>();
    for (const a of values) {
      for (const b of values) {
        if (a === b || done.has(`${b}\u0000${a}`) || !nearMiss(a, b)) continue;
        const ha = having.get(a)!;
        const hb = having.get(b)!;
        if (ha.some((t) => hb.some((u) => u.meter === t.meter))) continue;
        done.add(`${a}\u0000${b}`);
        // At the spelling fewer tables have; on a tie, at the later meter's, the earlier taken as meant.
        const first = (h: Table[]) => Math.min(...h.map((t) => list.indexOf(t)));
        const aRare = ha.length !== hb.length ? ha.length < hb.length : first(ha) > first(hb);
        const [rare, common] = aRare ? [a, b] : [b, a];
        const rareTables = having.get(rare)!;
        const where = rareTables[0]!;
        const commonMeters = [...new Set(having.get(common)!.map((t) => t.meter.key))];
        report("warning", "value-spelling", where.values.get(rare)!,
          `${dimension} ${shown(rare)} in the ${where.label} table of meter ${shown(where.meter.key)} is one slip from ${shown(common)}, which meter${commonMeters.length > 1 ? "s" : ""} ${commonMeters.map((m) => shown(m)).join(", ")} price${commonMeters.length > 1 ? "" : "s"}; did you mean ${shown(common)}? A log writes one of them, and the other meter cannot price it`,
          `rename ${shown(rare)} to ${shown(common)}, or ${shown(common)} to ${shown(rare)} in the other meter${commonMeters.length > 1 ? "s" : ""}, as the usage writes it`);
      }
    }
  }
}
