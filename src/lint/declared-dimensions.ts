import { shown, type Location } from "../errors.js";
import { nearest } from "../nearest.js";
import { keyBefore } from "../ratecard/condition-dimensions.js";
import type { CardDocument } from "../ratecard/schema.js";
import type { Meter, RateCard } from "../ratecard/types.js";
import type { Severity } from "./finding.js";

type Path = (string | number)[];
/** A finding at a place of the card: the key's own position when `key` is given (a condition's column), else the value's. */
export type KeyedReport = (severity: Severity, rule: string, at: Location, message: string, fix: string) => void;

/** One name a card reads from a usage row, and where. */
interface Read {
  name: string;
  /** How a message names the read: `surcharge condition of meter "app_request"`, `budgets`. */
  what: string;
  path: Path;
  /** The mapping key that is the name (a condition's column), to point at it rather than at its value. */
  key?: string;
  /** The meter it belongs to; none for what the card reads from every row (gates, budgets, limits, rewards). */
  meter?: Meter;
}

const keyed = (meter: Meter) => ("keyBy" in meter ? meter.keyBy : []);

function readsOf(card: RateCard, doc: CardDocument): Read[] {
  const reads: Read[] = [];
  for (const meter of card.meters.values()) {
    const base = ["meters", meter.key];
    keyed(meter).forEach((name, i) => reads.push({ name, what: `key of meter ${shown(meter.key)}`, path: [...base, "key", i], meter }));
    meter.surcharges.forEach((s, i) => {
      for (const name of s.when.keys()) reads.push({ name, what: `surcharge condition of meter ${shown(meter.key)}`, path: [...base, "surcharges", i, "when", name], key: name, meter });
    });
    for (const name of meter.exemptWhen?.keys() ?? []) reads.push({ name, what: `exemption condition of meter ${shown(meter.key)}`, path: [...base, "exempt_when", name], key: name, meter });
  }
  for (const [plan, p] of doc.plans) for (const name of p.only?.keys() ?? []) reads.push({ name, what: `gate of plan ${shown(plan)}`, path: ["plans", plan, "only", name], key: name });
  for (const what of ["budgets", "daily_limits", "rewards"] as const) {
    const name = doc[what]?.dimension;
    if (name !== undefined) reads.push({ name, what: `${what}.dimension`, path: [what, "dimension"] });
  }
  return reads;
}

/**
 * Lint: every name a card reads from a usage row is declared, as a dimension of its meter (a line shows
 * it), or in the card's own `dimensions:` (a column no line shows: the app builder's `web_search`, a
 * unique meter's `user`, Floopy's budget `team`). A name declared nowhere is most likely a slip that no
 * row carries (`web_serch`, `teams`, `channels` beside `channel`): the surcharge never applies, the
 * budget limits nothing, every channel of a project is one item, and neither the card nor `test` says
 * so, whether or not it is near a declared name. The loader refuses only a name one slip from a
 * dimension (on every command); here the class is refused, where the card is reviewed (`check`).
 * Price and lookup tables' `by` are refused by the loader unless the meter declares them.
 */
export function declaredDimensions(card: RateCard, doc: CardDocument, source: string, at: (path: Path) => Location, report: KeyedReport): void {
  const cardLevel = doc.dimensions ?? [];
  const meters = [...card.meters.values()];
  const everyMeters = [...new Set(meters.flatMap((m) => m.dimensions))];
  const used = new Set<string>();
  for (const read of readsOf(card, doc)) {
    used.add(read.name);
    // A meter's condition may read its own key (a recurring item's channel); a key must be a dimension of the meter or the card.
    const own = read.meter === undefined ? everyMeters : [...read.meter.dimensions, ...(read.path.includes("key") ? [] : keyed(read.meter))];
    if (own.includes(read.name) || cardLevel.includes(read.name)) continue;
    const candidates = [...new Set([...own, ...cardLevel, ...everyMeters, ...meters.flatMap(keyed)])].filter((c) => c !== read.name);
    const near = nearest(read.name, candidates);
    const whose = read.meter === undefined ? `no meter's dimensions (${everyMeters.join(", ")})` : `not a dimension of meter ${shown(read.meter.key)} (${read.meter.dimensions.join(", ") || "none"})`;
    const declared = cardLevel.length > 0 ? `the card's dimensions: (${cardLevel.join(", ")})` : "the card's dimensions: (none)";
    const where = read.key === undefined ? at(read.path) : keyBefore(source, at(read.path), read.key);
    report("error", "undeclared-dimension", where,
      `${read.what} reads ${shown(read.name)}, which is declared nowhere: ${whose}, nor in ${declared}${near !== undefined ? `; did you mean ${shown(near)}?` : "."} A slip reads a column no row carries, and the rule never applies, without a word`,
      near !== undefined
        ? `rename ${shown(read.name)} to ${shown(near)}; if rows carry a column ${shown(read.name)} of its own, declare it: dimensions: [${[...cardLevel, read.name].join(", ")}] at the card's top`
        : `if rows carry a column ${shown(read.name)}, declare it: dimensions: [${[...cardLevel, read.name].join(", ")}] at the card's top${read.meter === undefined ? "" : ` (or in meter ${read.meter.key}'s dimensions, to show it on its lines)`}; else rename it to the column they carry`);
  }
  cardLevel.forEach((name, i) => {
    if (!used.has(name)) report("warning", "unused-dimension", at(["dimensions", i]), `dimension ${shown(name)} of the card is read by no condition, key, gate, budget, daily limit or reward`, "remove it, or correct the name that should read it");
  });
}
