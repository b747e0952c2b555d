import type { AccountStatement, CycleStatement, Statement, StatementLine } from "../../engine/types.js";
import { formatExact, type Decimal } from "../../money.js";
import type { RateCard } from "../../ratecard/types.js";
import { formatInstant, type Instant } from "../../time.js";
import { jsonString, jsonVisible } from "../shared/escape.js";
import { fileLine } from "../shared/file-line.js";
import { byProject, splitBy } from "../shared/summary.js";
import { statementHead } from "./json.js";
import { cycleMoney } from "./money.js";

/**
 * The statement's JSON (statementJson, as `JSON.stringify(value, null, 2)`
 * with jsonVisible's escapes, and a newline) written straight as text: its
 * shape is known, so each account is one string made at fixed indents, with
 * no object per line or per amount on the way. A log of a hundred thousand
 * accounts writes hundreds of MB of it: accounts are read once, in order, and
 * given out in batches of about BATCH characters, each dropped once written.
 */
export function* statementJsonText(statement: Statement, card?: RateCard): Generator<string> {
  const writer = new AccountText(statement.currency, card);
  let batch = headText(statement);
  let next = "\n    ";
  for (const account of statement.accounts) {
    batch += next;
    next = ",\n    ";
    for (const piece of writer.account(account)) {
      batch += piece;
      if (batch.length >= BATCH) {
        yield batch;
        batch = "";
      }
    }
  }
  yield `${batch}${next === "\n    " ? "]" : "\n  ]"}\n}\n`;
}

/** Characters a batch gathers before it is given out: large enough for few writes, small enough to die young. */
const BATCH = 1 << 13;

/** Everything before the accounts, and the opening of their array (`accounts` is the last key). */
function headText(statement: Statement): string {
  let text = "{";
  for (const [key, value] of Object.entries(statementHead(statement))) {
    if (value !== undefined) text += `\n  ${jsonString(key)}: ${valueText(value, "\n  ")},`;
  }
  return `${text}\n  "accounts": [`;
}

/** Any value as JSON.stringify(value, null, 2) writes it, re-indented to start after `newline`. */
function valueText(value: unknown, newline: string): string {
  return jsonVisible(JSON.stringify(value, null, 2)).replaceAll("\n", newline);
}

/** A number as JSON writes it: NaN and the infinities as null. */
function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : "null";
}

/** An amount as formatExact writes it, quoted. */
function exactText(value: Decimal): string {
  // Most amounts of a statement are whole numbers below 10^7 (0, 3, 9): one base-10^7 digit at exponent 0 to 6, written as it is.
  const digits = value.d;
  if (digits?.length === 1 && value.e >= 0 && value.e < 7) return value.s < 0 && digits[0] !== 0 ? `"-${digits[0]}"` : `"${digits[0]}"`;
  return `"${formatExact(value)}"`;
}

/** Entries at one indent deeper than `newline` (the line break and indent of the opening brace's line). */
function mapText(map: ReadonlyMap<string, Decimal>, newline: string): string {
  if (map.size === 0) return "{}";
  // An object puts keys that are array indexes ("7") first, in numeric order: statementJson's objects did.
  for (const key of map.keys()) {
    if (key.charCodeAt(0) < 58 && key.charCodeAt(0) > 47) return objectText(Object.fromEntries([...map].map(([k, v]) => [k, formatExact(v)])), newline);
  }
  let text = "{";
  let next = `${newline}  `;
  for (const [key, value] of map) {
    text += `${next}${jsonString(key)}: ${exactText(value)}`;
    next = `,${newline}  `;
  }
  return `${text}${newline}}`;
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

/** Items made by `item` at one indent deeper than `newline`, as an array. */
function arrayText<T>(items: readonly T[], newline: string, item: (value: T, newline: string) => string): string {
  if (items.length === 0) return "[]";
  const inner = `${newline}  `;
  let text = `[${inner}${item(items[0]!, inner)}`;
  for (let i = 1; i < items.length; i++) text += `,${inner}${item(items[i]!, inner)}`;
  return `${text}${newline}]`;
}

/** Instants of a log's cycles repeat across its accounts: each is formatted once, while the cache stays small. */
class InstantText {
  private readonly known = new Map<Instant, string>();

  of(at: Instant): string {
    let text = this.known.get(at);
    if (text === undefined) {
      if (this.known.size >= 4096) this.known.clear();
      this.known.set(at, (text = `"${formatInstant(at)}"`));
    }
    return text;
  }

  orNull(at: Instant | undefined): string {
    return at === undefined ? "null" : this.of(at);
  }
}

/** A line break and the indent of a cycle's keys: what its values' nested lines are indented from. */
const KEY = "\n          ";

/** One account's JSON at the depth of an element of `accounts`, its opening brace unindented. */
class AccountText {
  private readonly instants = new InstantText();
  private readonly currency: string;

  constructor(currency: string, private readonly card: RateCard | undefined) {
    this.currency = jsonString(currency);
  }

  /** In pieces: an account of one large log has cycles of tens of thousands of lines, never one string. */
  *account(a: AccountStatement): Generator<string> {
    let text = `{
      "account": ${jsonString(a.account)},
      "plan": ${jsonString(a.plan)},
      "cycles": [`;
    let next = "\n        ";
    for (const c of a.cycles) {
      text += next;
      next = ",\n        ";
      for (const piece of this.cycle(c)) {
        text += piece;
        if (text.length >= BATCH) {
          yield text;
          text = "";
        }
      }
    }
    yield `${text}${next === "\n        " ? "]" : "\n      ]"}\n    }`;
  }

  private *cycle(c: CycleStatement): Generator<string> {
    const at = this.instants;
    const end = at.of(c.end);
    const lines = c.lines.length === 0;
    let text = `{
          "start": ${at.of(c.start)},
          "end": ${end},
          "resets": ${end},
          "renews": ${at.of(c.renews)},
          "allowance": ${exactText(c.allowance)},
          "allowance_used": ${exactText(c.allowanceUsed)},
          "total": ${exactText(c.total)},
          "uncovered": ${exactText(c.uncovered)},
          "overage": {
            "currency": ${this.currency},
            "amount": ${exactText(c.overage.amount)},
            "requests": ${exactText(c.overage.requests)}
          },
          "quota": ${c.quota ? `{${KEY}  "limit": ${exactText(c.quota.limit)},${KEY}  "used": ${exactText(c.quota.used)}${KEY}}` : "null"},
          "exhausted_at": ${at.orNull(c.exhaustedAt)},
          "by_category": ${lines ? "{}" : mapText(splitBy(c.lines, (l) => l.category), KEY)},
          "by_pool": ${lines ? "{}" : mapText(splitBy(c.lines, (l) => l.pool), KEY)},
          "by_project": ${lines ? "{}" : mapText(byProject(c.lines), KEY)},
          "lines": `;
    if (c.lines.length === 0) text += "[]";
    else {
      let next = `[${KEY}  `;
      for (const l of c.lines) {
        text += next + lineText(l, `${KEY}  `);
        next = `,${KEY}  `;
        if (text.length >= BATCH) {
          yield text;
          text = "";
        }
      }
      text += `${KEY}]`;
    }
    text += `,
          "grants": ${arrayText(c.grants, KEY, (g, i) => `{${i}  "kind": ${jsonString(g.kind)},${i}  "opening": ${exactText(g.opening)},${i}  "granted": ${exactText(g.granted)},${i}  "consumed": ${exactText(g.consumed)},${i}  "expired": ${exactText(g.expired)},${i}  "closing": ${exactText(g.closing)}${i}}`)},
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
          }`;
    if (c.timeline.length > 0) {
      text += `,\n          "timeline": ${arrayText(c.timeline, KEY, (t, i) => `{${i}  "at": ${at.of(t.at)},${i}  "change": ${jsonString(t.change)},${i}  "from": ${jsonString(t.from)},${i}  "to": ${jsonString(t.to)},${i}  "granted": ${exactText(t.granted)},${i}  "removed": ${exactText(t.removed)},${i}  "applies_at": ${at.orNull(t.appliesAt)}${t.capped === undefined ? "" : `,${i}  "capped": ${exactText(t.capped)}`}${i}}`)}`;
    }
    if (c.plans.length > 0) {
      text += `,\n          "plans": ${arrayText(c.plans, KEY, (p, i) => `{${i}  "plan": ${jsonString(p.plan)},${i}  "from": ${at.of(p.from)},${i}  "to": ${at.of(p.to)}${i}}`)}`;
    }
    if (this.card) text += `,\n          "money": ${this.money(c, this.card)}`;
    yield `${text}\n        }`;
  }

  private money(c: CycleStatement, card: RateCard): string {
    const m = cycleMoney(card, c.plan, c);
    if (!m) return "null";
    return `{
            "currency": ${jsonString(m.currency)},
            "plan": ${exactText(m.plan)},
            "credits_bought": ${exactText(m.creditsBought)},
            "bought": ${m.bought === undefined ? "null" : exactText(m.bought)},
            "overage": ${exactText(m.overage)},
            "total": ${exactText(m.total)}
          }`;
  }
}

/** A statement line, its opening brace after `i` (the line break and indent of the array's elements). */
function lineText(l: StatementLine, i: string): string {
  return `{${i}  "meter": ${jsonString(l.meter)},${l.component !== undefined ? `${i}  "component": ${jsonString(l.component)},` : ""}${i}  "kind": ${jsonString(l.kind)},${i}  "category": ${jsonString(l.category)},${i}  "pool": ${jsonString(l.pool)},${i}  "dimensions": ${objectText(l.dimensions, `${i}  `)},${i}  "quantity": ${exactText(l.quantity)},${i}  "unit_price": ${exactText(l.unitPrice)},${i}  "amount": ${exactText(l.amount)},${i}  "events": ${numberText(l.events)}${l.version !== undefined ? `,${i}  "version": ${jsonString(l.version)}` : ""}${i}}`;
}
