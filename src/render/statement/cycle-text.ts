import type { CycleStatement } from "../../engine/types.js";
import { formatExact, type Decimal } from "../../money.js";
import type { RateCard } from "../../ratecard/types.js";
import { formatInstant, type Instant } from "../../time.js";
import { jsonString } from "../shared/escape.js";
import { fileLine } from "../shared/file-line.js";
import { bytes, type JsonBytes } from "../shared/json-bytes.js";
import { cycleSummaries, type Split } from "./cycle-summaries.js";
import { AmountBytes, Indent, InstantBytes, LineBytes, NULL, numberText, objectBytes } from "./line-bytes.js";
import { cycleMoney, type CycleMoney } from "./money.js";

/**
 * A cycle's JSON at the depth of an element of an account's `cycles`, written
 * into the statement's bytes in three parts: its keys up to `"lines": `, each
 * line (line-bytes.ts), and its keys after the lines. The caller (json-text.ts)
 * writes the lines one by one, so that a cycle of tens of thousands of lines is
 * never held at once. Every key with its indent is bytes made once; the parts
 * most cycles leave empty or at zero are one constant each (`quiet`,
 * UNEVENTFUL), and the rest of those, when a cycle has them, is made as text.
 */
export class CycleText {
  private readonly instants: InstantBytes;
  private readonly amounts: AmountBytes;

  /** From `uncovered` to `exhausted_at` for a cycle that ran short of nothing (isQuiet): most cycles, one piece. */
  private readonly quiet: Buffer;
  private readonly overageAmount: Buffer;

  constructor(
    private readonly out: JsonBytes,
    private readonly card: RateCard | undefined,
    currency: string,
  ) {
    this.instants = new InstantBytes(out);
    this.amounts = new AmountBytes(out);
    const quoted = jsonString(currency);
    this.quiet = bytes(`"0",
          "overage": {
            "currency": ${quoted},
            "amount": "0",
            "requests": "0"
          },
          "quota": null,
          "exhausted_at": null`);
    this.overageAmount = bytes(`,
          "overage": {
            "currency": ${quoted},
            "amount": `);
  }

  /** What the cycle's lines are written with: the same amounts kept. */
  lines(): LineBytes {
    return new LineBytes(this.out, this.amounts);
  }

  /** From the opening brace (unindented) to `"lines": `. */
  head(c: CycleStatement): void {
    const { out, instants: at, amounts: amount } = this;
    out.raw(START);
    at.write(c.start);
    out.raw(END);
    at.write(c.end);
    out.raw(RESETS);
    at.write(c.end);
    out.raw(RENEWS);
    at.write(c.renews);
    out.raw(ALLOWANCE);
    amount.write(c.allowance);
    out.raw(ALLOWANCE_USED);
    amount.write(c.allowanceUsed);
    out.raw(TOTAL);
    amount.write(c.total);
    out.raw(UNCOVERED);
    if (isQuiet(c)) out.raw(this.quiet);
    else {
      amount.write(c.uncovered);
      out.raw(this.overageAmount);
      amount.write(c.overage.amount);
      out.raw(REQUESTS);
      amount.write(c.overage.requests);
      out.raw(QUOTA);
      if (!c.quota) out.raw(NULL);
      else {
        out.raw(LIMIT);
        amount.write(c.quota.limit);
        out.raw(USED);
        amount.write(c.quota.used);
        out.raw(CLOSE_QUOTA);
      }
      out.raw(EXHAUSTED_AT);
      at.orNull(c.exhaustedAt);
    }
    if (c.lines.length === 0) out.raw(NO_SUMS);
    else {
      const sums = cycleSummaries(c.lines);
      out.raw(BY_CATEGORY);
      this.split(sums.byCategory);
      out.raw(BY_POOL);
      this.split(sums.byPool);
      out.raw(BY_PROJECT);
      this.split(sums.byProject);
    }
    out.raw(LINES);
  }

  /** After the lines' closing bracket, to the cycle's closing brace. */
  tail(c: CycleStatement): void {
    const out = this.out;
    out.raw(GRANTS);
    if (c.grants.length === 0) out.raw(EMPTY_ARRAY);
    else {
      let next = OPEN_GRANT;
      for (const g of c.grants) {
        out.raw(next);
        next = NEXT_GRANT;
        out.string(g.kind);
        out.raw(OPENING);
        this.amounts.write(g.opening);
        out.raw(GRANTED);
        this.amounts.write(g.granted);
        out.raw(CONSUMED);
        this.amounts.write(g.consumed);
        out.raw(EXPIRED);
        this.amounts.write(g.expired);
        out.raw(CLOSING);
        this.amounts.write(g.closing);
      }
      out.raw(CLOSE_GRANTS);
    }
    if (isUneventful(c)) out.raw(UNEVENTFUL);
    else {
      // Rejections and thresholds are a tenth of a log of many accounts' cycles (a free allowance runs out); the rest seldom.
      out.raw(REJECTED);
      this.rejected(c.rejected);
      out.raw(THRESHOLDS);
      this.thresholds(c.thresholds);
      out.text(eventsText(c));
    }
    if (c.timeline.length > 0) {
      out.text(`,\n          "timeline": ${arrayText(c.timeline, KEY, (t, i) => `{${i}  "at": ${instantText(t.at)},${i}  "change": ${jsonString(t.change)},${i}  "from": ${jsonString(t.from)},${i}  "to": ${jsonString(t.to)},${i}  "granted": ${exactText(t.granted)},${i}  "removed": ${exactText(t.removed)},${i}  "applies_at": ${t.appliesAt === undefined ? "null" : instantText(t.appliesAt)}${t.capped === undefined ? "" : `,${i}  "capped": ${exactText(t.capped)}`}${i}}`)}`);
    }
    if (c.plans.length > 0) {
      out.text(`,\n          "plans": ${arrayText(c.plans, KEY, (p, i) => `{${i}  "plan": ${jsonString(p.plan)},${i}  "from": ${instantText(p.from)},${i}  "to": ${instantText(p.to)}${i}}`)}`);
    }
    if (this.card) {
      out.raw(MONEY);
      this.money(c, this.card);
    }
    out.raw(CLOSE_CYCLE);
  }

  private rejected(rejected: CycleStatement["rejected"]): void {
    const out = this.out;
    if (rejected.length === 0) return out.raw(EMPTY_ARRAY);
    for (let k = 0; k < rejected.length; k++) {
      const r = rejected[k]!;
      out.raw(k === 0 ? OPEN_REJECTED : NEXT_REJECTED);
      out.string(r.meter);
      out.raw(REASON);
      out.string(r.reason);
      out.raw(ITEM_EVENTS);
      out.text(numberText(r.events));
      out.raw(ITEM_QUANTITY);
      this.amounts.write(r.quantity);
      out.raw(FIRST_AT);
      this.instants.write(r.firstAt);
      out.raw(FIRST_LINE);
      if (r.firstOrigin) out.string(fileLine(r.firstOrigin));
      else out.raw(NULL);
    }
    out.raw(CLOSE_ITEMS);
  }

  private thresholds(thresholds: CycleStatement["thresholds"]): void {
    const out = this.out;
    if (thresholds.length === 0) return out.raw(EMPTY_ARRAY);
    for (let k = 0; k < thresholds.length; k++) {
      const t = thresholds[k]!;
      out.raw(k === 0 ? OPEN_THRESHOLD : NEXT_THRESHOLD);
      out.text(numberText(t.percent));
      out.raw(ITEM_AT);
      this.instants.write(t.at);
    }
    out.raw(CLOSE_ITEMS);
  }

  /** A split's entries at one indent deeper than a cycle's keys. */
  private split(split: Split): void {
    const { keys, texts } = split;
    const out = this.out;
    if (keys.length === 0) return out.raw(EMPTY_OBJECT);
    // An object puts keys that are array indexes ("7") first, in numeric order: statementJson's objects did.
    for (const key of keys) {
      if (key.charCodeAt(0) < 58 && key.charCodeAt(0) > 47) return objectBytes(out, Object.fromEntries(keys.map((k, i) => [k, texts[i]])), KEY_INDENT);
    }
    for (let i = 0; i < keys.length; i++) {
      out.raw(i === 0 ? KEY_INDENT.open : KEY_INDENT.next);
      out.string(keys[i]!);
      out.raw(COLON_QUOTE);
      out.text(texts[i]!);
      out.raw(QUOTE);
    }
    out.raw(KEY_INDENT.close);
  }

  /** The last money written, and its bytes: cycle after cycle of a plan costs the same, its amounts the same objects (money.ts keeps them). */
  private lastMoney: CycleMoney | undefined;
  private lastMoneyBytes = NULL;

  private money(c: CycleStatement, card: RateCard): void {
    const m = cycleMoney(card, c.plan, c);
    if (!m) return this.out.raw(NULL);
    const last = this.lastMoney;
    if (last === undefined || m.plan !== last.plan || m.creditsBought !== last.creditsBought || m.bought !== last.bought || m.overage !== last.overage || m.total !== last.total || m.currency !== last.currency) {
      this.lastMoney = m;
      this.lastMoneyBytes = bytes(`{
            "currency": ${jsonString(m.currency)},
            "plan": ${exactText(m.plan)},
            "credits_bought": ${exactText(m.creditsBought)},
            "bought": ${m.bought === undefined ? "null" : exactText(m.bought)},
            "overage": ${exactText(m.overage)},
            "total": ${exactText(m.total)}
          }`);
    }
    this.out.raw(this.lastMoneyBytes);
  }
}

const START = bytes(`{
          "start": `);
/** A cycle's key at its indent, after the value before it. */
const key = (name: string) => bytes(`,\n          "${name}": `);
const END = key("end");
const RESETS = key("resets");
const RENEWS = key("renews");
const ALLOWANCE = key("allowance");
const ALLOWANCE_USED = key("allowance_used");
const TOTAL = key("total");
const UNCOVERED = key("uncovered");
const REQUESTS = bytes(`,
            "requests": `);
const QUOTA = bytes(`
          },
          "quota": `);
const LIMIT = bytes(`{
            "limit": `);
const USED = bytes(`,
            "used": `);
const CLOSE_QUOTA = bytes(`
          }`);
const EXHAUSTED_AT = key("exhausted_at");
const BY_CATEGORY = key("by_category");
const BY_POOL = key("by_pool");
const BY_PROJECT = key("by_project");
const NO_SUMS = bytes(`,
          "by_category": {},
          "by_pool": {},
          "by_project": {}`);
const LINES = key("lines");
const GRANTS = key("grants");
const OPEN_GRANT = bytes(`[
            {
              "kind": `);
const NEXT_GRANT = bytes(`
            },
            {
              "kind": `);
const grantKey = (name: string) => bytes(`,\n              "${name}": `);
const OPENING = grantKey("opening");
const GRANTED = grantKey("granted");
const CONSUMED = grantKey("consumed");
const EXPIRED = grantKey("expired");
const CLOSING = grantKey("closing");
const CLOSE_GRANTS = bytes(`
            }
          ]`);
const MONEY = key("money");
const REJECTED = key("rejected");
const THRESHOLDS = key("thresholds");
/** An item's key at its indent, in an array of a cycle's key. */
const itemKey = (name: string) => bytes(`,\n              "${name}": `);
/** An array's first item or the next, opened to its first key. */
const openItem = (name: string) => [bytes(`[\n            {\n              "${name}": `), bytes(`\n            },\n            {\n              "${name}": `)] as const;
const [OPEN_REJECTED, NEXT_REJECTED] = openItem("meter");
const REASON = itemKey("reason");
const ITEM_EVENTS = itemKey("events");
const ITEM_QUANTITY = itemKey("quantity");
const FIRST_AT = itemKey("first_at");
const FIRST_LINE = itemKey("first_line");
const [OPEN_THRESHOLD, NEXT_THRESHOLD] = openItem("percent");
const ITEM_AT = itemKey("at");
const CLOSE_ITEMS = CLOSE_GRANTS;
const CLOSE_CYCLE = bytes(`
        }`);
const EMPTY_ARRAY = bytes("[]");
const EMPTY_OBJECT = bytes("{}");
const COLON_QUOTE = bytes(': "');
const QUOTE = bytes('"');

/** From `duplicates` to the end of `rewards`, for a cycle with any event: made as text, as they are seldom more than empty. */
function eventsText(c: CycleStatement): string {
  const at = instantText;
  return `,
          "duplicates": ${arrayText(c.duplicates, KEY, (d, i) => `{${i}  "meter": ${jsonString(d.meter)},${i}  "events": ${numberText(d.events)},${i}  "quantity": ${exactText(d.quantity)}${i}}`)},
          "budgets": ${arrayText(c.budgets, KEY, (b, i) => `{${i}  "key": ${jsonString(b.key)},${i}  "budget": ${exactText(b.budget)},${i}  "spent": ${exactText(b.spent)}${i}}`)},
          "alerts": ${arrayText(c.alerts, KEY, (a, i) => (a.kind === "low_balance"
            ? `{${i}  "kind": ${jsonString(a.kind)},${i}  "level": ${exactText(a.level)},${i}  "at": ${at(a.at)}${i}}`
            : `{${i}  "kind": ${jsonString(a.kind)},${i}  "key": ${jsonString(a.key)},${i}  "percent": ${numberText(a.percent)},${i}  "at": ${at(a.at)}${i}}`))},
          "rewards": {
            "earned": ${exactText(c.rewards.earned)},
            "from": ${arrayText(c.rewards.from, `${KEY}  `, (r, i) => `{${i}  "account": ${jsonString(r.account)},${i}  "amount": ${exactText(r.amount)}${i}}`)}
          }`;
}

function instantText(at: Instant): string {
  return `"${formatInstant(at)}"`;
}

/** Nothing uncovered, no overage, no quota, never short: what `quiet` writes. */
function isQuiet(c: CycleStatement): boolean {
  return c.quota === undefined && c.exhaustedAt === undefined && c.uncovered.isZero() && c.overage.amount.isZero() && c.overage.requests.isZero();
}

/** No rejections, thresholds, duplicates, budgets, alerts nor rewards: what UNEVENTFUL writes. */
function isUneventful(c: CycleStatement): boolean {
  return c.rejected.length === 0 && c.thresholds.length === 0 && c.duplicates.length === 0 && c.budgets.length === 0 && c.alerts.length === 0 && c.rewards.from.length === 0 && c.rewards.earned.isZero();
}

/** From `rejected` to the end of `rewards` for an uneventful cycle (isUneventful): most cycles, one piece. */
const UNEVENTFUL = bytes(`,
          "rejected": [],
          "thresholds": [],
          "duplicates": [],
          "budgets": [],
          "alerts": [],
          "rewards": {
            "earned": "0",
            "from": []
          }`);

/** A line break and the indent of a cycle's keys: what its values' nested lines are indented from. */
const KEY = "\n          ";
const KEY_INDENT = new Indent(KEY);

/** An amount as formatExact writes it, quoted, for the parts made as text. */
function exactText(value: Decimal): string {
  return `"${formatExact(value)}"`;
}

/** Items made by `item` at one indent deeper than `newline`, as an array. */
function arrayText<T>(items: readonly T[], newline: string, item: (value: T, newline: string) => string): string {
  if (items.length === 0) return "[]";
  const inner = `${newline}  `;
  let text = `[${inner}${item(items[0]!, inner)}`;
  for (let i = 1; i < items.length; i++) text += `,${inner}${item(items[i]!, inner)}`;
  return `${text}${newline}]`;
}
