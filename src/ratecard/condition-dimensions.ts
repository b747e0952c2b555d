import { shown, type Location } from "../errors.js";
import { nearest } from "../nearest.js";
import type { CardDocument } from "./schema.js";
import type { Meter, UndeclaredRead } from "./types.js";

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
 * The names the card reads from a row that it declares nowhere: no meter's dimension or key, nor in its own
 * `dimensions:`, each with the first place it is read. `check` refuses them (declared-dimensions.ts); a load keeps
 * them so that a usage column near one is told as the card's slip (`web_serch` read where rows carry `web_search`),
 * not as a column to rename to it (newcomer62 M4).
 */
export function undeclaredReads(doc: CardDocument, meters: readonly Meter[], source: string, at: (path: (string | number)[]) => Location): Map<string, UndeclaredRead> {
  const declared = new Set([...meters.flatMap((m) => [...m.dimensions, ...("keyBy" in m ? m.keyBy : [])]), ...(doc.dimensions ?? [])]);
  const found = new Map<string, UndeclaredRead>();
  const read = (name: string, what: string, path: (string | number)[], key: string | undefined) => {
    if (declared.has(name) || found.has(name)) return;
    found.set(name, { what, at: key === undefined ? at(path) : keyBefore(source, at(path), key) });
  };
  for (const m of meters) {
    m.surcharges.forEach((s, i) => {
      for (const name of s.when.keys()) read(name, `surcharge condition of meter ${shown(m.key)}`, ["meters", m.key, "surcharges", i, "when", name], name);
    });
    for (const name of m.exemptWhen?.keys() ?? []) read(name, `exemption condition of meter ${shown(m.key)}`, ["meters", m.key, "exempt_when", name], name);
  }
  for (const [plan, p] of doc.plans) for (const name of p.only?.keys() ?? []) read(name, `gate of plan ${shown(plan)}`, ["plans", plan, "only", name], name);
  for (const what of ["budgets", "daily_limits", "rewards"] as const) {
    const name = doc[what]?.dimension;
    if (name !== undefined) read(name, `${what}.dimension`, [what, "dimension"], undefined);
  }
  return found;
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
