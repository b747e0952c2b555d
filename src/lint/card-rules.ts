import { dirname } from "node:path";
import type { Location } from "../errors.js";
import { shown } from "../errors.js";
import { Decimal } from "../money.js";
import type { CardDocument } from "../ratecard/schema.js";
import { INCLUDED, type Meter, type RateCard } from "../ratecard/types.js";
import { CANONICAL } from "../usage/layout.js";
import type { LintFinding } from "./finding.js";
import { lookupCoverage, type Report } from "./lookup-coverage.js";
import { declaredDimensions } from "./declared-dimensions.js";
import { namedValues } from "./named-values.js";
import { rounding } from "./rounding.js";

/** A card that loaded, with the means to point at any of its nodes. */
export interface CardSubject {
  card: RateCard;
  doc: CardDocument;
  source: string;
  at(path: readonly (string | number)[]): Location;
  testedGrantKinds: TestedGrantKinds;
  testsFile: string;
}

/** Grant kinds the card's tests grant: known, or no tests file, or one that does not load (reported on its own). */
export type TestedGrantKinds = { kind: "known"; kinds: ReadonlySet<string> } | { kind: "no-tests" } | { kind: "unreadable" };


/** Lint: what the schema accepts but is still wrong, or very likely a mistake. */
export function lintCard(subject: CardSubject): LintFinding[] {
  const findings: LintFinding[] = [];
  // An empty path is about the file as a whole: its first line.
  const locate = (path: readonly (string | number)[]) => (path.length === 0 ? { file: subject.card.file, line: 1, column: 1 } : subject.at(path));
  const report: Report = (severity, rule, path, message, fix) => findings.push({ severity, rule, location: locate(path), message, fix });
  for (const meter of subject.card.meters.values()) lookupCoverage(meter, report);
  declaredDimensions(subject.card, subject.doc, subject.source, locate, (severity, rule, location, message, fix) => findings.push({ severity, rule, location, message, fix }));
  namedValues(subject.card, subject.doc, report);
  rounding(subject.card, report);
  duplicateLabels(subject.card, report);
  canonicalDimensions(subject.card, subject.doc, report);
  duplicateMeters(subject.card, report);
  plans(subject.card, report);
  unusedPoolsAndCategories(subject.card, report);
  thresholds(subject.doc, report);
  grantKinds(subject, report);
  giftKinds(subject.card, report);
  identity(subject, report);
  return findings.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
}

/** A usage log's canonical columns are read as themselves, never as a dimension: a meter that needs one as a dimension can never be given it. */
function canonicalDimensions(card: RateCard, doc: CardDocument, report: Report): void {
  (doc.dimensions ?? []).forEach((dimension, i) => {
    if ((CANONICAL as readonly string[]).includes(dimension)) {
      report("error", "canonical-dimension", ["dimensions", i], `dimension ${shown(dimension)} of the card is a usage log's own column (${CANONICAL.join(", ")}), never read as a dimension: no row can give it`, "give the dimension a name of its own, and the usage column that holds it the same name");
    }
  });
  for (const meter of card.meters.values()) {
    meter.dimensions.forEach((dimension, i) => {
      if ((CANONICAL as readonly string[]).includes(dimension)) {
        report("error", "canonical-dimension", ["meters", meter.key, "dimensions", i], `dimension ${shown(dimension)} of meter ${shown(meter.key)} is a usage log's own column (${CANONICAL.join(", ")}), never read as a dimension: no row can give it`, "give the dimension a name of its own, and the usage column that holds it the same name");
      }
    });
  }
}

const normal = (label: string) => label.trim().toLowerCase().replace(/[\s_-]+/g, " ");

/** Reconciliation matches a bill's activity by label: one label must name one meter. */
function duplicateLabels(card: RateCard, report: Report): void {
  const owners = new Map<string, string>();
  for (const name of card.events.keys()) owners.set(normal(name), card.events.get(name)!.meter.key);
  const labelled = new Map<string, string>();
  for (const meter of card.meters.values()) {
    meter.labels.forEach((label, i) => {
      const key = normal(label);
      const path = ["meters", meter.key, "labels", i];
      const byLabel = labelled.get(key);
      const byName = owners.get(key);
      if (byLabel === meter.key) {
        report("warning", "duplicate-label", path, `label ${shown(label)} is listed twice on meter ${shown(meter.key)}`, "remove the repeated label");
      } else if (byLabel !== undefined) {
        report("error", "duplicate-label", path, `label ${shown(label)} is also a label of meter ${shown(byLabel)}: a bill line with it matches two meters`, `give meters ${byLabel} and ${meter.key} distinct labels`);
      } else if (byName !== undefined && byName !== meter.key) {
        report("error", "duplicate-label", path, `label ${shown(label)} is the name of meter ${shown(byName)}: a bill line with it matches two meters`, `rename the label, or move it to meter ${byName}`);
      }
      if (byLabel === undefined) labelled.set(key, meter.key);
    });
  }
}

/** A value as comparable text: decimals by value, maps and sets by their entries, objects by sorted keys. */
function canonical(value: unknown): unknown {
  if (value instanceof Decimal) return value.toFixed();
  if (value instanceof Map) return [...value].map(([k, v]) => [k, canonical(v)]);
  if (value instanceof Set) return [...value].map(String).sort();
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") return Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]);
  return value;
}

/** Everything that prices a meter: all of it but its name, description, bill labels and place in the file. */
function meterSignature(m: Meter): string {
  const { key: _key, description: _description, labels: _labels, location: _location, conditionsAt: _conditionsAt, ...pricing } = m;
  return JSON.stringify(canonical(pricing));
}

/** Two meters alike in every priced respect, with nothing on the bill to tell them apart, are one meter written twice. */
function duplicateMeters(card: RateCard, report: Report): void {
  const seen = new Map<string, Meter>();
  for (const meter of card.meters.values()) {
    const signature = meterSignature(meter);
    const twin = seen.get(signature);
    const sameLabels = twin !== undefined && JSON.stringify(twin.labels.map(normal).sort()) === JSON.stringify(meter.labels.map(normal).sort());
    if (twin && sameLabels) {
      report("warning", "duplicate-meter", ["meters", meter.key], `meter ${shown(meter.key)} is a copy of meter ${shown(twin.key)}: same aggregation, dimensions, price, pool and category, and no label to tell them apart`, `remove one, or give each the labels its bill uses`);
    } else if (!twin) {
      seen.set(signature, meter);
    }
  }
}

function plans(card: RateCard, report: Report): void {
  const seen = new Map<string, string>();
  const labels = new Map<string, string>();
  for (const plan of card.plans.values()) {
    const base = ["plans", plan.key];
    const { key: _key, label: _label, ...terms } = plan;
    const signature = JSON.stringify(canonical(terms));
    const twin = seen.get(signature);
    if (twin !== undefined) report("warning", "duplicate-plan", base, `plan ${shown(plan.key)} has the same terms as plan ${shown(twin)}: allowance, price, grace and every other setting`, `remove one of ${twin} and ${plan.key}, or correct its figures`);
    else seen.set(signature, plan.key);
    const label = normal(plan.label);
    const sameLabel = labels.get(label);
    if (sameLabel !== undefined) report("warning", "duplicate-plan", [...base, "label"], `plan ${shown(plan.key)} has the label of plan ${shown(sameLabel)}`, "give each plan its own label");
    else labels.set(label, plan.key);

    for (const [pool, share] of plan.grace) {
      const path = [...base, "grace", pool];
      if (share.gt(1)) report("error", "grace-range", path, `grace ${share.toFixed()} is ${share.mul(100).toFixed()}% of the allowance`, `write a share of the allowance: ${share.toFixed()}% is ${share.div(100).toFixed()}`);
      const policy = card.pools.get(pool)?.whenExhausted;
      if (policy !== undefined && policy !== "grace") {
        report("warning", "unreachable-grace", path, `grace on pool ${shown(pool)} never applies: the pool's when_exhausted is ${policy}`, `set pools.${pool}.when_exhausted: grace, or remove this grace`);
      } else if (plan.included.isZero() && share.gt(0)) {
        report("warning", "unreachable-grace", path, `plan ${shown(plan.key)} includes no credits, so a grace share of its allowance is 0`, "remove the grace, or give the plan an allowance");
      }
    }
  }
  for (const pool of card.pools.values()) {
    if (pool.whenExhausted !== "grace") continue;
    if (![...card.plans.values()].some((p) => p.grace.get(pool.key)?.gt(0))) {
      report("warning", "unreachable-grace", ["pools", pool.key, "when_exhausted"], `pool ${shown(pool.key)} draws on a grace buffer, but no plan gives it one: it blocks on every plan`, `add grace: { ${pool.key}: "0.10" } to a plan, or set when_exhausted: block`);
    }
  }
}

function unusedPoolsAndCategories(card: RateCard, report: Report): void {
  const used = { pool: new Set<string>(), category: new Set<string>() };
  for (const meter of card.meters.values()) {
    for (const what of ["pool", "category"] as const) {
      const l = meter[what];
      for (const v of l.kind === "fixed" ? [l.value] : l.table.values()) used[what].add(v);
    }
  }
  for (const key of card.pools.keys()) {
    if (!used.pool.has(key)) report("warning", "unused-pool", ["pools", key], `pool ${shown(key)} is used by no meter`, "remove it, or set it as a meter's pool");
  }
  for (const key of card.categories.keys()) {
    if (!used.category.has(key)) report("warning", "unused-category", ["categories", key], `category ${shown(key)} is used by no meter`, "remove it, or set it as a meter's category");
  }
}

/** The schema keeps each level within 1-100; the list itself should name each level once, in order. */
function thresholds(doc: CardDocument, report: Report): void {
  const levels = doc.thresholds?.percent_of_allowance ?? [];
  const seen = new Set<number>();
  levels.forEach((level, i) => {
    const path = ["thresholds", "percent_of_allowance", i];
    if (seen.has(level)) report("warning", "threshold-duplicate", path, `threshold ${level}% is listed twice`, "remove the repeated level");
    else if (i > 0 && level < levels[i - 1]!) report("warning", "threshold-order", path, `threshold ${level}% comes after ${levels[i - 1]}%`, "list the levels in ascending order");
    seen.add(level);
  });
}

/** A grant kind only accounts use; if no test grants it, its burn order and expiry are never exercised. */
function grantKinds(subject: CardSubject, report: Report): void {
  const tested = subject.testedGrantKinds;
  if (tested.kind === "unreadable") return;
  if (tested.kind === "no-tests") {
    // Where it looked, and the flag for tests kept elsewhere: a CI job checking a card's next version as a copy at
    // another path was told only that none was beside the copy (newcomer68 L11).
    // The folder by its name, the current one as words: "in ." read as a stray dot (red69b L5).
    const folder = dirname(subject.testsFile) === "." ? "the current folder" : dirname(subject.testsFile);
    report("warning", "no-tests", [], `no expectations beside the card: no ${subject.testsFile}, and no tests file in ${folder} whose card: names it`, `write ${subject.testsFile}: cases of usage and the credits they must cost (burnrate test); for a card checked away from its tests (its next version, copied elsewhere in CI), name them: --tests FILE`);
    return;
  }
  for (const kind of subject.card.grantKinds.keys()) {
    if (kind === INCLUDED || tested.kinds.has(kind)) continue;
    report("warning", "unused-grant-kind", ["grant_kinds", kind], `grant kind ${shown(kind)} is never granted by an account in ${subject.testsFile}: its burn order and expiry are untested`, `add a case whose account has grants: [{ kind: ${kind}, ... }]`);
  }
}

/**
 * Words a grant kind is named by when its credits are given, not sold. Flowly's `bonus` is not one: its bonus credits
 * are bought on sale. A whole key or one of its `_` parts (`goodwill_credit`), never a part of a word (`promotional`);
 * a key is lower case letters, digits and `_` (schema.ts KEY), so no `-` or capital needs reading.
 */
const GIFT_WORDS: ReadonlySet<string> = new Set(["promo", "promotion", "goodwill", "gift", "trial", "referral", "free", "courtesy", "compensation", "welcome", "signup", "loyalty", "voucher", "coupon", "freebie", "complimentary"]);

/**
 * Whether a kind's key names a gift: a `_` part, or two parts that spell one word (`sign_up`), as a gift word, its
 * plural (`promos`) or followed by digits (`promo2026`): red72b L2 found those, `voucher` and `coupon` unflagged.
 */
function namesGift(key: string): boolean {
  const parts = key.split("_");
  const words = [...parts, ...parts.slice(1).map((part, i) => parts[i]! + part)];
  return words.some((word) => {
    const bare = word.replace(/\d+$/, "");
    return GIFT_WORDS.has(bare) || (bare.endsWith("s") && GIFT_WORDS.has(bare.slice(0, -1)));
  });
}

/**
 * A kind named as a gift, whose `paid:` the card leaves to the default: billed at credit_price as credits bought
 * (newcomer72a H1: a goodwill promo of 300 credits billed 3.60, with no word). A warning, a guess from a name: a kind
 * meant as sold says `paid: true`, and --strict fails on it until then.
 */
function giftKinds(card: RateCard, report: Report): void {
  for (const kind of card.grantKinds.values()) {
    if (kind.paid !== undefined || !namesGift(kind.key)) continue;
    const billed = card.creditPrice === undefined ? "counted as credits bought at no credit_price, which leaves a cycle's money total unknown" : `billed at credit_price (${card.creditPrice.toFixed()} ${card.currency} a credit) as credits bought`;
    report("warning", "gift-kind-billed", ["grant_kinds", kind.key], `grant kind ${shown(kind.key)} reads as given free, but the card does not say paid: its credits are ${billed} in the statement's money, reconcile, diff and simulate`, `a kind given free says paid: false (grant_kinds: { ${kind.key}: { ..., paid: false } }); one sold says paid: true`);
  }
}

function identity(subject: CardSubject, report: Report): void {
  if (subject.doc.effective === undefined) report("warning", "no-effective-date", [], "the card has no effective date", "add effective: YYYY-MM-DD, the day these prices apply from");
  if (!/^#\s*yaml-language-server:\s*\$schema=\S+/m.test(subject.source.split("\n", 5).join("\n"))) {
    report("warning", "no-editor-schema", [], "editors cannot complete or check this card: no schema comment", "add the first line # yaml-language-server: $schema=../schema/ratecard.schema.json (relative to the card)");
  }
}
