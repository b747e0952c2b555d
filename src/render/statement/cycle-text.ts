import type { CycleStatement, StatementLine, WaitingChange } from "../../engine/types.js";
import { formatExact, ZERO, type Decimal } from "../../money.js";
import type { RateCard } from "../../ratecard/types.js";
import { formatInstant, type Instant } from "../../time.js";
import { jsonString, jsonVisible } from "../shared/escape.js";
import { fileLine } from "../shared/file-line.js";
import { cycleSummaries, type Split } from "./cycle-summaries.js";
import { cycleMoney, type CycleMoney } from "./money.js";

/**
 * A cycle's JSON at the depth of an element of an account's `cycles`, in
 * three parts: its keys up to `"lines": `, each line, and its keys after the
 * lines. The caller (json-text.ts) writes the lines one by one, so that a
 * cycle of tens of thousands of lines is never one string. Every key with its
 * indent is a constant of a template: a value is joined to the text once.
 */
export class CycleText {
  private readonly instants = new InstantText();
  private readonly currency: string;

  /** From `uncovered` to `exhausted_at` for a cycle that ran short of nothing (isQuiet): most cycles, one string. */
  private readonly quiet: string;

  constructor(currency: string, private readonly card: RateCard | undefined) {
    this.currency = jsonString(currency);
    this.quiet = `"0",
          "overage": {
            "currency": ${this.currency},
            "amount": "0",
            "requests": "0"
          },
          "quota": null,
          "exhausted_at": null`;
  }

  /** From the opening brace (unindented) to `"lines": `. */
  head(c: CycleStatement): string {
    const at = this.instants;
    const end = at.of(c.end);
    const sums = c.lines.length === 0 ? undefined : cycleSummaries(c.lines);
    return `{
          "start": ${at.of(c.start)},
          "end": ${end},
          "resets": ${end},
          "renews": ${at.of(c.renews)},
          "allowance": ${exactText(c.allowance)},
          "allowance_used": ${exactText(c.allowanceUsed)},
          "total": ${exactText(c.total)},
          "uncovered": ${isQuiet(c) ? this.quiet : `${exactText(c.uncovered)},
          "overage": {
            "currency": ${this.currency},
            "amount": ${exactText(c.overage.amount)},
            "requests": ${exactText(c.overage.requests)}${c.overage.credits === undefined ? "" : `,
            "credits": ${exactText(c.overage.credits)}`}
          },
          "quota": ${c.quota ? `{${KEY}  "limit": ${exactText(c.quota.limit)},${KEY}  "used": ${exactText(c.quota.used)}${KEY}}` : "null"},
          "exhausted_at": ${at.orNull(c.exhaustedAt)}`},
          "by_category": ${sums ? splitText(sums.byCategory) : "{}"},
          "by_pool": ${sums ? splitText(sums.byPool) : "{}"},
          "by_project": ${sums ? splitText(sums.byProject) : "{}"},
          "lines": `;
  }

  /** After the lines' closing bracket, to the cycle's closing brace. */
  tail(c: CycleStatement): string {
    const at = this.instants;
    let text = `,
          "grants": ${arrayText(c.grants, KEY, (g, i) => `{${i}  "kind": ${jsonString(g.kind)},${i}  "opening": ${exactText(g.opening)},${i}  "granted": ${exactText(g.granted)},${i}  "consumed": ${exactText(g.consumed)},${i}  "expired": ${exactText(g.expired)},${i}  "closing": ${exactText(g.closing)}${i}}`)}${isUneventful(c) ? UNEVENTFUL : `,
          "rejected": ${arrayText(c.rejected, KEY, (r, i) => `{${i}  "meter": ${jsonString(r.meter)},${i}  "reason": ${jsonString(r.reason)},${i}  "events": ${numberText(r.events)},${i}  "quantity": ${exactText(r.quantity)},${i}  "first_at": ${at.of(r.firstAt)},${i}  "first_line": ${r.firstOrigin ? jsonString(fileLine(r.firstOrigin)) : "null"}${i}}`)},
          "thresholds": ${arrayText(c.thresholds, KEY, (t, i) => `{${i}  "percent": ${numberText(t.percent)},${i}  "at": ${at.of(t.at)}${i}}`)},
          "duplicates": ${arrayText(c.duplicates, KEY, (d, i) => `{${i}  "meter": ${jsonString(d.meter)},${i}  "events": ${numberText(d.events)},${i}  "quantity": ${exactText(d.quantity)}${i}}`)},
          "budgets": ${arrayText(c.budgets, KEY, (b, i) => `{${i}  "key": ${jsonString(b.key)},${i}  "budget": ${exactText(b.budget)},${i}  "spent": ${exactText(b.spent)}${i}}`)},
          "alerts": ${arrayText(c.alerts, KEY, (a, i) => (a.kind === "low_balance"
            ? `{${i}  "kind": ${jsonString(a.kind)},${i}  "level": ${exactText(a.level)},${i}  "at": ${at.of(a.at)}${i}}`
            : `{${i}  "kind": ${jsonString(a.kind)},${i}  "key": ${jsonString(a.key)},${i}  "percent": ${numberText(a.percent)},${i}  "at": ${at.of(a.at)}${i}}`))},
          "rewards": {
            "earned": ${exactText(c.rewards.earned)},
            "from": ${arrayText(c.rewards.from, `${KEY}  `, (r, i) => `{${i}  "account": ${jsonString(r.account)},${i}  "amount": ${exactText(r.amount)}${i}}`)}
          }`}`;
    if (c.timeline.length > 0) {
      text += `,\n          "timeline": ${arrayText(c.timeline, KEY, (t, i) => `{${i}  "at": ${at.of(t.at)},${i}  "change": ${jsonString(t.change)},${i}  "from": ${jsonString(t.from)},${i}  "to": ${jsonString(t.to)},${i}  "granted": ${exactText(t.granted)},${i}  "removed": ${exactText(t.removed)},${i}  "applies_at": ${at.orNull(t.appliesAt)}${t.capped === undefined ? "" : `,${i}  "capped": ${exactText(t.capped)}`}${waitingText("took_back", t.tookBack, i)}${waitingText("still_waits", t.stillWaits, i)}${i}}`)}`;
    }
    if (c.plans.length > 0) {
      text += `,\n          "plans": ${arrayText(c.plans, KEY, (p, i) => `{${i}  "plan": ${jsonString(p.plan)},${i}  "from": ${at.of(p.from)},${i}  "to": ${at.of(p.to)}${i}}`)}`;
    }
    if (c.subscriptionEnd !== undefined) text += `,\n          "subscription_end": ${at.of(c.subscriptionEnd)}`;
    if (this.card) text += `,\n          "money": ${this.money(c, this.card)}`;
    return `${text}\n        }`;
  }

  /** The last money written, and its text: cycle after cycle of a plan costs the same, its amounts the same objects (money.ts keeps them). */
  private lastMoney: CycleMoney | undefined;
  private lastMoneyText = "";

  private money(c: CycleStatement, card: RateCard): string {
    const m = cycleMoney(card, c.plan, c);
    if (!m) return "null";
    const last = this.lastMoney;
    if (last !== undefined && m.plan === last.plan && m.creditsBought === last.creditsBought && m.bought === last.bought && m.unpriced === last.unpriced && m.overage === last.overage && m.total === last.total && m.currency === last.currency) return this.lastMoneyText;
    this.lastMoney = m;
    return (this.lastMoneyText = `{
            "currency": ${jsonString(m.currency)},
            "plan": ${exactText(m.plan)},
            "credits_bought": ${exactText(m.creditsBought)},
            "bought": ${m.bought === undefined ? "null" : exactText(m.bought)},
            "overage": ${exactText(m.overage)},
            "total": ${m.unpriced.gt(0) ? `null,
            "unpriced_credits": ${exactText(m.unpriced)},
            "priced_total": ${exactText(m.total)}` : exactText(m.total)}
          }`);
  }
}

/** Nothing uncovered, no overage, no quota, never short: what `quiet` writes. */
function isQuiet(c: CycleStatement): boolean {
  // Overage credits written (a pool that bills past zero), even 0, are not the quiet text, which has none: json.ts writes them.
  return c.quota === undefined && c.exhaustedAt === undefined && c.uncovered.isZero() && c.overage.amount.isZero() && c.overage.requests.isZero() && c.overage.credits === undefined;
}

/** No rejections, thresholds, duplicates, budgets, alerts nor rewards: what UNEVENTFUL writes. */
function isUneventful(c: CycleStatement): boolean {
  return c.rejected.length === 0 && c.thresholds.length === 0 && c.duplicates.length === 0 && c.budgets.length === 0 && c.alerts.length === 0 && c.rewards.from.length === 0 && c.rewards.earned.isZero();
}

/** From `rejected` to the end of `rewards` for an uneventful cycle (isUneventful): most cycles, one string. */
const UNEVENTFUL = `,
          "rejected": [],
          "thresholds": [],
          "duplicates": [],
          "budgets": [],
          "alerts": [],
          "rewards": {
            "earned": "0",
            "from": []
          }`;

/** A line break and the indent of a cycle's keys: what its values' nested lines are indented from. */
const KEY = "\n          ";

/**
 * Statement lines as elements of a cycle's `lines`, each opening brace
 * unindented. The indents are written out in the templates (a line's keys are
 * at 14 spaces), not joined from a variable. What comes before the dimensions
 * (meter, component, kind, category, pool) is the same for most lines of a
 * meter: it is made once for each of a meter's pools (and components, kinds)
 * and kept, a few comparisons instead of four escapes and ten joins.
 */
export class LineText {
  /** A meter's heads: its lines of one pool and of another (Fliplet's email from the studio and from a project) alternate line by line. */
  private readonly heads = new Map<string, LineHeadText[]>();
  /** Texts of dimension keys with their indent, and of dimension values, by the string: a log's projects and channels recur on line after line. */
  private readonly keys = new Map<string, string>();
  private readonly values = new Map<string, string>();

  of(l: StatementLine): string {
    let heads = this.heads.get(l.meter);
    if (heads === undefined) {
      if (this.heads.size >= 4096) this.heads.clear();
      this.heads.set(l.meter, (heads = []));
    }
    let head = heads.find((h) => h.component === l.component && h.kind === l.kind && h.category === l.category && h.pool === l.pool);
    if (head === undefined) {
      if (heads.length >= HEADS_PER_METER) heads.length = 0;
      heads.push((head = lineHead(l)));
    }
    // Decimals do not change: the same object is the same text. A meter's lines mostly share their unit price, and amounts come from the engine's cache of Decimals.
    if (l.unitPrice !== head.unitPrice) head.unitText = exactText((head.unitPrice = l.unitPrice));
    if (l.amount !== head.amount) head.amountText = exactText((head.amount = l.amount));
    return `${head.text}${this.dimensions(l.dimensions)},
              "quantity": ${exactText(l.quantity)},
              "unit_price": ${head.unitText},
              "amount": ${head.amountText},
              "events": ${NUMBERS[l.events] ?? numberText(l.events)}${l.version === undefined ? "" : `,
              "version": ${jsonString(l.version)}`}
            }`;
  }

  /** As objectText writes a line's dimensions. */
  private dimensions(record: Readonly<Record<string, string>>): string {
    let text = "{";
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (typeof value !== "string") return objectText(record, LINE_KEY);
      let keyText = this.keys.get(key);
      if (keyText === undefined) {
        if (this.keys.size >= 4096) this.keys.clear();
        this.keys.set(key, (keyText = `${LINE_KEY}  ${jsonString(key)}: `));
      }
      let valueText = this.values.get(value);
      if (valueText === undefined) {
        if (this.values.size >= 4096) this.values.clear();
        this.values.set(value, (valueText = jsonString(value)));
      }
      text += text === "{" ? `${keyText}${valueText}` : `,${keyText}${valueText}`;
    }
    return text === "{" ? "{}" : `${text}${LINE_KEY}}`;
  }
}

/** The heads kept of one meter: its components, kinds and pools are few. */
const HEADS_PER_METER = 16;

/** A line's text up to its dimensions, what it was made from, and the last unit price and amount written with it. */
interface LineHeadText {
  component: string | undefined;
  kind: string;
  category: string;
  pool: string;
  text: string;
  unitPrice: Decimal | undefined;
  unitText: string;
  amount: Decimal | undefined;
  amountText: string;
}

function lineHead(l: StatementLine): LineHeadText {
  const text = `{
              "meter": ${jsonString(l.meter)},${l.component === undefined ? "" : `
              "component": ${jsonString(l.component)},`}
              "kind": ${jsonString(l.kind)},
              "category": ${jsonString(l.category)},
              "pool": ${jsonString(l.pool)},
              "dimensions": `;
  return { component: l.component, kind: l.kind, category: l.category, pool: l.pool, text, unitPrice: undefined, unitText: "", amount: undefined, amountText: "" };
}

/** Small counts as String writes them: most lines are of one event. */
const NUMBERS = Array.from({ length: 1024 }, (_, n) => String(n));

/** A line break and the indent of a statement line's keys. */
const LINE_KEY = "\n              ";

/** A number as JSON writes it: NaN and the infinities as null. */
function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : "null";
}

/** An amount as formatExact writes it, quoted. */
function exactText(value: Decimal): string {
  // The engine gives every zero it makes as ZERO: no digits to read.
  if (value === ZERO) return QUOTED[0]!;
  // Most amounts of a statement are whole numbers below 10^7 (0, 3, 9): one base-10^7 digit at exponent 0 to 6, written as it is.
  const digits = value.d;
  if (digits?.length === 1 && value.e >= 0 && value.e < 7) {
    const digit = digits[0]!;
    if (value.s < 0 && digit !== 0) return `"-${digit}"`;
    return QUOTED[digit] ?? `"${digit}"`;
  }
  return `"${formatExact(value)}"`;
}

/** Small whole amounts quoted, made once: an allowance, an opening balance, a quantity of 1. */
const QUOTED = Array.from({ length: 1024 }, (_, n) => `"${n}"`);

/** A split's entries at one indent deeper than a cycle's keys. */
function splitText(split: Split): string {
  const { keys, texts } = split;
  if (keys.length === 0) return "{}";
  // An object puts keys that are array indexes ("7") first, in numeric order: statementJson's objects did.
  for (const key of keys) {
    if (key.charCodeAt(0) < 58 && key.charCodeAt(0) > 47) return objectText(Object.fromEntries(keys.map((k, i) => [k, texts[i]])), KEY);
  }
  let text = `{${splitKey(keys[0]!)}"${texts[0]}"`;
  for (let i = 1; i < keys.length; i++) text += `,${splitKey(keys[i]!)}"${texts[i]}"`;
  return `${text}${KEY}}`;
}

/** A split's key with its indent and colon, by key: the categories, pools and projects of a log recur in every cycle. */
const SPLIT_KEYS = new Map<string, string>();

function splitKey(key: string): string {
  let text = SPLIT_KEYS.get(key);
  if (text === undefined) {
    if (SPLIT_KEYS.size >= 4096) SPLIT_KEYS.clear();
    SPLIT_KEYS.set(key, (text = `${KEY}  ${jsonString(key)}: `));
  }
  return text;
}

/** A record of strings (a line's dimensions) as JSON.stringify writes it. */
function objectText(record: Readonly<Record<string, unknown>>, newline: string): string {
  let text = "{";
  let next = `${newline}  `;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === undefined || typeof value === "function" || typeof value === "symbol") continue;
    text += `${next}${jsonString(key)}: ${typeof value === "string" ? jsonString(value) : valueText(value, `${newline}  `)}`;
    next = `,${newline}  `;
  }
  return text === "{" ? "{}" : `${text}${newline}}`;
}

/** Any value as JSON.stringify(value, null, 2) writes it, re-indented to start after `newline`. */
export function valueText(value: unknown, newline: string): string {
  return jsonVisible(JSON.stringify(value, null, 2)).replaceAll("\n", newline);
}

/** Items made by `item` at one indent deeper than `newline`, as an array. */
function arrayText<T>(items: readonly T[], newline: string, item: (value: T, newline: string) => string): string {
  if (items.length === 0) return "[]";
  const inner = `${newline}  `;
  let text = `[${inner}${item(items[0]!, inner)}`;
  for (let i = 1; i < items.length; i++) text += `,${inner}${item(items[i]!, inner)}`;
  return `${text}${newline}]`;
}

/**
 * Instants of a log's cycles repeat across its accounts: each is formatted once,
 * while the cache stays small. The others (a threshold's, an alert's, a
 * rejection's first row: about 50,000 on the first 400,000 rows of the accounts
 * log) mostly fall on days met before: the day's text is formatInstant's, kept,
 * and the time of day is written from its milliseconds (Date's toISOString took
 * about 2 µs an instant).
 */
class InstantText {
  private readonly known = new Map<Instant, string>();
  /** By day since the epoch: formatInstant's text of its midnight, up to the `T`. */
  private readonly days = new Map<number, string>();

  of(at: Instant): string {
    let text = this.known.get(at);
    if (text === undefined) {
      if (this.known.size >= 4096) this.known.clear();
      this.known.set(at, (text = `"${this.format(at)}"`));
    }
    return text;
  }

  orNull(at: Instant | undefined): string {
    return at === undefined ? "null" : this.of(at);
  }

  /** formatInstant's text. */
  private format(at: Instant): string {
    // A fraction of a millisecond (which Date drops) or an instant past Date's range (which it refuses): as formatInstant does it.
    if (!Number.isInteger(at) || Math.abs(at) > MAX_DATE) return formatInstant(at);
    const day = Math.floor(at / DAY_MS);
    let date = this.days.get(day);
    if (date === undefined) {
      if (this.days.size >= 4096) this.days.clear();
      const midnight = formatInstant(day * DAY_MS);
      this.days.set(day, (date = midnight.slice(0, midnight.indexOf("T") + 1)));
    }
    const ms = at - day * DAY_MS;
    const second = Math.floor(ms / 1000);
    const milli = ms - second * 1000;
    const time = `${date}${TWO_DIGITS[Math.floor(second / 3600)]}:${TWO_DIGITS[Math.floor(second / 60) % 60]}:${TWO_DIGITS[second % 60]}`;
    return milli === 0 ? `${time}Z` : `${time}.${String(milli).padStart(3, "0")}Z`;
  }
}

const DAY_MS = 86_400_000;
/** The largest distance from the epoch a Date holds, in milliseconds. */
const MAX_DATE = 8.64e15;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));

/** A timeline entry's `took_back` or `still_waits` as json.ts writes it, or nothing where the entry has none. */
function waitingText(key: string, w: WaitingChange | undefined, indent: string): string {
  if (w === undefined) return "";
  const i = `${indent}  `;
  return `,${i}${jsonString(key)}: {${i}  "change": ${jsonString(w.change)},${i}  "to": ${jsonString(w.to)},${i}  "applies_at": ${jsonString(formatInstant(w.appliesAt))}${i}}`;
}
