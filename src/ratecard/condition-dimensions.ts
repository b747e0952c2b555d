import { shown, type Location } from "../errors.js";
import { nearest } from "../nearest.js";
import type { CardDocument } from "./schema.js";
import type { Meter } from "./types.js";

/** Reports a problem at a place of the card: a key's own position when `key` is given, else the value's. */
export type KeyReport = (path: (string | number)[], key: string | undefined, message: string, expected: string, found: string) => void;

/**
 * The dimensions the card names outside a meter (plan gates, budgets, daily limits, rewards) are read
 * from every row; one a typo from a meter's dimension gates, limits or rewards nothing.
 */
export function cardDimensions(doc: CardDocument, meters: readonly Meter[], report: KeyReport): void {
  // A name the card declares itself (`dimensions:` at its top) is meant as written.
  const known = [...new Set([...meters.flatMap((m) => [...m.dimensions, ...("keyBy" in m ? m.keyBy : [])]), ...(doc.dimensions ?? [])])];
  const check = (what: string, dim: string, path: (string | number)[], key: string | undefined) => {
    if (known.includes(dim)) return;
    const near = nearest(dim, known);
    if (near !== undefined) report(path, key, `${what} ${shown(dim)}, which is not a dimension of any meter; did you mean ${shown(near)}?`, `a dimension of the card's meters${doc.dimensions === undefined ? "" : " or of its dimensions:"}: ${known.join(", ")}`, shown(dim));
  };
  for (const [plan, p] of doc.plans) for (const dim of p.only?.keys() ?? []) check(`plan ${shown(plan)} gates`, dim, ["plans", plan, "only", dim], dim);
  if (doc.budgets) check("budgets are by", doc.budgets.dimension, ["budgets", "dimension"], undefined);
  if (doc.daily_limits) check("daily limits are by", doc.daily_limits.dimension, ["daily_limits", "dimension"], undefined);
  if (doc.rewards) check("rewards are by", doc.rewards.dimension, ["rewards", "dimension"], undefined);
}

/**
 * Where a mapping key is written, from where its value is: the key's text before the value on its line
 * (`when: { distribtion: private }`), else the value itself (a key whose value starts on a later line).
 */
export function keyBefore(source: string, value: Location, key: string): Location {
  const line = source.split(/\r\n|\r|\n/, value.line)[value.line - 1] ?? "";
  const before = line.slice(0, value.column - 1);
  const at = Math.max(before.lastIndexOf(`${key}:`), before.lastIndexOf(`"${key}"`), before.lastIndexOf(`'${key}'`));
  return at < 0 ? value : { ...value, column: at + 1 };
}
