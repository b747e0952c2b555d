import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { Location } from "../errors.js";
import type { PriceRise } from "./priced-by.js";

/** One difference between the two cards' source, by path: a price, a plan's allowance, a meter added. */
export interface CardChange {
  change: "added" | "removed" | "changed";
  /** What the path names: a meter, plan, pool, category or grant kind as a whole, or one setting. */
  what: "meter" | "plan" | "pool" | "category" | "grant kind" | "setting";
  path: string;
  old: string | undefined;
  new: string | undefined;
  /** In the new card, or in the old one for what was removed. */
  location: Location;
  /**
   * When a side is a set of versions: from when (the effective date or instant of the version that
   * comes into force then, as its card writes it) and which base and new versions this change is between.
   */
  versions?: { from: string; base: string; card: string };
  /**
   * The card version whose lines measure this change, where a side is a set of versions: the new one in force for
   * the change, or the base one where the new card is one for all time; undefined where both are single cards.
   */
  measuredBy?: string;
  /** Where a meter's price (its own, a component's, a surcharge's) rises because of this change, at which dimension values. */
  rises?: PriceRise[];
  /** Why no gate measures it, where its path does not say (unmeasured.ts): a later version's expiry, which no replay applies. */
  why?: string;
  /** A meter added or removed that is one meter renamed (renamedMeters): the key it had, or the key it has now. */
  renamed?: { from: string } | { to: string };
}

/** The top-level dictionaries whose entries are compared as wholes when one card lacks them. */
const ENTITIES: Record<string, CardChange["what"]> = { meters: "meter", plans: "plan", pools: "pool", categories: "category", grant_kinds: "grant kind" };

interface Leaf {
  text: string;
  location: Location;
}

interface Flat {
  leaves: Map<string, Leaf>;
  /** `meters.email` and the like, at their key. */
  entities: Map<string, Location>;
}

/**
 * Compare two cards as written: every scalar by its path, so a change in any
 * setting shows, including ones added to the format later. Comments, order and
 * quoting are not changes; a list of plain values (labels, thresholds) is one value.
 */
export function cardChanges(oldSource: string, oldFile: string, newSource: string, newFile: string): CardChange[] {
  const before = flatten(oldSource, oldFile);
  const after = flatten(newSource, newFile);
  const out: CardChange[] = [];
  const wholes = new Set<string>();
  for (const [path, location] of after.entities) {
    if (!before.entities.has(path)) {
      wholes.add(path);
      out.push({ change: "added", what: ENTITIES[path.split(".")[0]!]!, path, old: undefined, new: undefined, location });
    }
  }
  for (const [path, location] of before.entities) {
    if (!after.entities.has(path)) {
      wholes.add(path);
      out.push({ change: "removed", what: ENTITIES[path.split(".")[0]!]!, path, old: undefined, new: undefined, location });
    }
  }
  const inWhole = (path: string) => [...wholes].some((w) => path.startsWith(`${w}.`) || path.startsWith(`${w}[`));
  for (const [path, leaf] of after.leaves) {
    if (inWhole(path)) continue;
    const old = before.leaves.get(path);
    if (!old) out.push({ change: "added", what: "setting", path, old: undefined, new: leaf.text, location: leaf.location });
    else if (old.text !== leaf.text) out.push({ change: "changed", what: "setting", path, old: old.text, new: leaf.text, location: leaf.location });
  }
  for (const [path, leaf] of before.leaves) {
    if (!inWhole(path) && !after.leaves.has(path)) out.push({ change: "removed", what: "setting", path, old: leaf.text, new: undefined, location: leaf.location });
  }
  // What was removed first, in the old card's order; then the rest in the new card's order.
  const rank = (c: CardChange) => (c.change === "removed" ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b) || a.location.line - b.location.line || a.location.column - b.location.column);
}

const segment = (key: string) => (/^[A-Za-z0-9_-]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** What names or describes a meter without pricing it: a rename may reword them. */
const WORDING = new Set(["label", "labels", "description"]);

/**
 * The meters the new card adds that are each one the base card removes, written alike but for their key and wording
 * (label, description): renamed, the new key's to the old's. Each pair only where neither has another such match, and
 * no other setting of either card names the meter.
 * A rename changes no price: a corpus renamed with its card was shown as a new meter's whole cost, a rise from 0
 * (newcomer58b M1: "354.00 → 594.00, +67.80%" where the customer pays 594 under both).
 */
export function renamedMeters(oldSource: string, oldFile: string, newSource: string, newFile: string): Map<string, string> {
  const before = flatten(oldSource, oldFile);
  const after = flatten(newSource, newFile);
  const settings = (flat: Flat, entity: string): string => {
    const own = [...flat.leaves].filter(([path]) => path.startsWith(`${entity}.`) || path.startsWith(`${entity}[`)).map(([path, leaf]) => [path.slice(entity.length), leaf.text] as const);
    return JSON.stringify(own.filter(([path]) => !WORDING.has(path.slice(1).split(/[.[]/)[0]!)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  };
  const meters = (flat: Flat, other: Flat) => [...flat.entities.keys()].filter((e) => (e.startsWith("meters.") || e.startsWith("meters[")) && !other.entities.has(e));
  // `meters.email`, or `meters["a b"]` for a key that is not a plain word (segment).
  const keyOf = (entity: string) => (entity.startsWith("meters.") ? entity.slice("meters.".length) : (JSON.parse(entity.slice("meters[".length, -1)) as string));
  const removed = meters(before, after).map((e) => ({ key: keyOf(e), settings: settings(before, e) }));
  const added = meters(after, before).map((e) => ({ key: keyOf(e), settings: settings(after, e) }));
  const renamed = new Map<string, string>();
  for (const a of added) {
    const alike = removed.filter((r) => r.settings === a.settings);
    // A meter another setting names (a plan's quota, a limit) is no mere rename: the base card's rules of the old name
    // would not reach the new one's rows (red58b F1: a quota dropped with the rename hid a +100% rise).
    if (alike.length !== 1 || added.filter((x) => x.settings === a.settings).length !== 1) continue;
    if (namedElsewhere(before, alike[0]!.key) || namedElsewhere(after, a.key)) continue;
    renamed.set(a.key, alike[0]!.key);
  }
  return renamed;
}

/**
 * The card changes with each renamed meter's pair marked: the removal of its old key and the addition of its new one
 * say so, for a report read without the run's stderr (red58b F10: an added meter with an old amount, and nothing said why).
 */
export function markRenames(changes: readonly CardChange[], renamed: ReadonlyMap<string, string>): CardChange[] {
  const to = new Map([...renamed].map(([now, old]) => [`meters${segment(old)}`, now]));
  const from = new Map([...renamed].map(([now, old]) => [`meters${segment(now)}`, old]));
  return changes.map((c) => {
    if (c.what !== "meter") return c;
    if (c.change === "removed" && to.has(c.path)) return { ...c, renamed: { to: to.get(c.path)! } };
    if (c.change === "added" && from.has(c.path)) return { ...c, renamed: { from: from.get(c.path)! } };
    return c;
  });
}

/** Whether a setting outside the meter's own entry names it: as a key on its path, a value, or an item of a list. */
function namedElsewhere(flat: Flat, key: string): boolean {
  const own = `meters${segment(key)}`;
  for (const [path, leaf] of flat.leaves) {
    if (path.startsWith(`${own}.`) || path.startsWith(`${own}[`)) continue;
    if (path.split(/[.[\]"]+/).includes(key) || leaf.text === key) return true;
    if (leaf.text.startsWith("[") && leaf.text.slice(1, -1).split(", ").includes(key)) return true;
  }
  return false;
}

function flatten(source: string, file: string): Flat {
  const lines = new LineCounter();
  const doc = parseDocument(source, { schema: "failsafe", lineCounter: lines });
  const where = (node: unknown): Location => {
    const range = node && typeof node === "object" && "range" in node ? (node as { range?: [number, number, number] }).range : undefined;
    const { line, col } = lines.linePos(range?.[0] ?? 0);
    return { file, line, column: col };
  };
  const flat: Flat = { leaves: new Map(), entities: new Map() };
  const walk = (node: Node | null | undefined, path: string, depth: number) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const child = path === "" ? key : `${path}${segment(key)}`;
        if (depth === 1 && ENTITIES[path] !== undefined) flat.entities.set(child, where(pair.key));
        walk(pair.value as Node, child, depth + 1);
      }
    } else if (isSeq(node)) {
      if (node.items.every((i) => isScalar(i))) {
        flat.leaves.set(path, { text: `[${node.items.map((i) => String((i as { value: unknown }).value)).join(", ")}]`, location: where(node) });
      } else {
        node.items.forEach((item, i) => walk(item as Node, `${path}[${i}]`, depth + 1));
      }
    } else if (isScalar(node)) {
      flat.leaves.set(path, { text: String(node.value), location: where(node) });
    }
  };
  walk(doc.contents as Node, "", 0);
  return flat;
}
