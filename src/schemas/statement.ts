import { LISTED_DUPLICATES } from "../engine/event-ids.js";
import type { JsonSchema } from "../yaml/codec.js";
import { array, cardIdentity, contract, count, decimalString, instant, nullable, object, str, stringMap, withOptional } from "./json-schema.js";

const requiredLine = object({
  meter: str("the meter key that activated the charge; a refund is under the meter that caused it"),
  kind: { enum: ["usage", "recurring", "gauge", "refund"] },
  category: str(),
  pool: str(),
  dimensions: stringMap(str()),
  quantity: decimalString(),
  unit_price: decimalString(),
  amount: decimalString("credits; negative for a refund"),
  events: count("events (or cycle-start charges) behind the line"),
});

/** `component` appears only on the lines of a meter's components and per-event surcharges. */
const line: JsonSchema = {
  ...requiredLine,
  properties: {
    ...(requiredLine.properties as Record<string, JsonSchema>),
    component: str("a component (input_tokens beside a request) or a per-event surcharge (web_search)"),
    version: str("the card version that priced the line, when several versions are given (--card repeated)"),
  },
};

/** A change waiting for the cycle's end: a downgrade under plan_changes.downgrade: next_cycle, or an allowance cut. */
const waitingChange = (description: string): JsonSchema => ({
  ...object({
    change: { enum: ["plan", "allowance"] },
    to: str("the plan key, or the allowance, it leads to"),
    applies_at: instant("the instant it applies from (for took_back, would have applied from)"),
  }),
  description,
});

const timelineEntry = withOptional(object({
  at: instant("when the change was made; for the lapse of a subscription end's capped credits, the end"),
  change: { enum: ["plan", "overage", "allowance", "subscription_end", "cancel_scheduled"] },
  from: str("the plan key, on/off, allowance or subscription end before; for cancel_scheduled, the plan or allowance that waited"),
  to: str("and after"),
  granted: decimalString("included credits granted at once (an upgrade)"),
  removed: decimalString("included credits removed at once (a downgrade that applies at once); at a subscription's end, the capped credits that lapse there"),
  applies_at: nullable(instant("when it takes effect, if later than at: a downgrade at the next cycle start")),
}), {
  capped: decimalString("a subscription end's change: the credits whose expiry it brought forward to the end, as they stood at the change"),
  took_back: waitingChange("a cancel_scheduled change: the change waiting for the cycle's end that it took back"),
  still_waits: waitingChange("a plan (or allowance) named again while a change waits for the cycle's end: the change that still applies"),
});

const grant = object({
  kind: str("a grant kind of the card: included, topup, ..."),
  opening: decimalString(),
  granted: decimalString(),
  consumed: decimalString(),
  expired: decimalString(),
  closing: decimalString(),
}, "opening + granted = consumed + expired + closing");

/**
 * What a cycle costs in money (src/ratecard/cycle-money.ts); diff shows it under each card. A cycle with credits bought
 * at no price has no total (null): the priced parts' is `priced_total`, the credits left out `unpriced_credits`.
 */
export const cycleMoneySchema = withOptional(object({
  currency: str("ISO 4217 code of the card"),
  plan: decimalString("the plan's price for the cycle"),
  credits_bought: decimalString("credits granted this cycle by purchases (top-ups, packs, subscriptions), not by the plan"),
  bought: nullable(decimalString("the credits bought that have a credit_price (the card's, or that of the version in force when bought), at it; null when none has one")),
  overage: decimalString("requests past the quota, and credits past zero in pools whose when_exhausted is overage, billed in money at the period's end"),
  total: nullable(decimalString("plan + bought + overage, rounded once to the currency's minor unit with the card's rounding; null when credits were bought at no price (unpriced_credits): the cycle's money is then not known")),
}, "what the cycle costs in money; null when the card gives no plan price, credit_price or overage price"), {
  unpriced_credits: decimalString("only where total is null: the credits bought at no credit_price, whose money the card does not give"),
  priced_total: decimalString("only where total is null: plan + bought + overage, rounded once, which leaves those credits out (not what the cycle is billed)"),
});

const requiredCycle = object({
  start: instant("the cycle is [start, end)"),
  end: instant(),
  resets: instant("when the monthly credits refill"),
  renews: instant("when the subscription renews: resets for a monthly plan, the next anniversary of the anchor for an annual one"),
  allowance: decimalString(),
  allowance_used: decimalString("credits consumed from grants that count toward the allowance: what the warning levels measure"),
  total: decimalString("sum of the lines"),
  uncovered: decimalString("charged beyond all grants: a grace pool's buffer, an allow pool's usage past zero (pay as you go, not in money), or a crossing charge the card lets through"),
  overage: withOptional(object({ currency: str(), amount: decimalString("money billed at the period's end: requests past the quota at the overage price, and credits charged past zero in pools whose when_exhausted is overage at the card's credit_price"), requests: decimalString("requests past the plan's quota") }), { credits: decimalString("credits charged past zero in pools that bill them (when_exhausted: overage); only where the cycle has any") }),
  quota: nullable(object({ limit: decimalString(), used: decimalString() }, "the plan's monthly request quota")),
  exhausted_at: nullable(instant("the first instant a charge left the account no credits (paid to the last credit, or past zero into a grace buffer or an allow pool) or an event was refused for want of them (some may remain, too few for it); the table's Credits ran out")),
  by_category: stringMap(decimalString()),
  by_pool: stringMap(decimalString()),
  by_project: stringMap(decimalString()),
  lines: array(line),
  grants: array(grant),
  rejected: array(object({ meter: str(), reason: str(), events: count(), quantity: decimalString(), first_at: instant(), first_line: nullable(str("FILE:LINE of the group's first rejected usage row; null for a charge no row made")) })),
  thresholds: array(object({ percent: { type: "integer", minimum: 1, maximum: 100 }, at: instant() })),
  duplicates: array(object({ meter: str(), events: count(), quantity: decimalString() }), "events whose event_id was seen before, counted once"),
  budgets: array(object({ key: str(), budget: decimalString(), spent: decimalString() }), "spending per value of the card's budget dimension"),
  alerts: array({
    oneOf: [
      object({ kind: { const: "low_balance" }, level: decimalString(), at: instant() }),
      object({ kind: { const: "budget" }, key: str(), percent: { type: "integer", minimum: 1, maximum: 100 }, at: instant() }),
    ],
  }),
  rewards: object({ earned: decimalString("credits earned as the creator of apps others used"), from: array(object({ account: str(), amount: decimalString() })) }),
  money: nullable(cycleMoneySchema),
});

const cycleSchema: JsonSchema = withOptional(requiredCycle, {
  timeline: array(timelineEntry, "changes of the account's terms during the cycle (account changes:); present only when there are some"),
  plans: array(object({ plan: str(), from: instant(), to: instant() }), "the plan in force over each part of the cycle; present only when the plan changed during it"),
  subscription_end: instant("the subscription's end, present only when it falls before the cycle's end: after start, the plan served until it (its fee billed, its included credits lapsed then); at or before start, the subscription had ended and the cycle owes no plan fee and has no included credits"),
});

const versionsUsed = array(object({
  version: str(),
  effective: str("the card's effective: as written"),
  applies: { enum: ["at_once", "next_cycle"] },
  from: instant("when it began to price events"),
}), "the card versions that priced lines, when --card is repeated");

/** The usage rows a replay read, priced, counted once and refused: a statement's, and the usage a reconciliation replayed. */
export const usageEvents: JsonSchema = object({
  read: count("usage rows read, after rows skip_rows: leaves out and rows before the anchor left out by --skip-before-anchor"),
  priced: count("rows priced against the card: read less duplicates; a row priced and then refused (credits, a quota, a gate) counts here and in rejected"),
  duplicates: count("rows whose event_id was seen before, counted once, never priced"),
  rejected: count("rows refused: priced and not charged"),
}, "usage rows: read = priced + duplicates; charged = priced - rejected");

/** Every repeat by event_id with both of its rows. */
export const duplicateEvents: JsonSchema = object({
  listed: array(object({
    event_id: str(),
    meter: str(),
    first: str("FILE:LINE of the row the event_id was first seen on (priced)"),
    repeat: str("FILE:LINE of the repeat (counted, not priced)"),
  }), `every repeat by event_id in replay order, up to ${LISTED_DUPLICATES}`),
  omitted: count(`repeats past the ${LISTED_DUPLICATES} listed: counted in events.duplicates, not listed`),
}, "events whose event_id was seen before, each with both of its rows");

export const statementSchema: JsonSchema = withOptional(contract("statement", "burnrate statement --format json", {
  card: cardIdentity,
  unit: str(),
  currency: str(),
  timezone: str(),
  events: usageEvents,
  duplicate_events: duplicateEvents,
  accounts: array(withOptional(object({ account: str(), plan: str(), cycles: array(cycleSchema) }), {
    rewards_only: { const: true, description: "a creator the account file does not name, with no usage of its own: shown its rewards, on no plan (each cycle's subscription_end at its start: no fee, no included credits)" },
    cycles_left_out: object({
      before: count("the account's cycles before the period, replayed but not shown"),
      after: count("the account's cycles after the period, replayed but not shown"),
    }, "only with --cycle: how many of the account's cycles the period left out"),
  })),
}), {
  versions: versionsUsed,
  period: askedPeriod("each account shows its own cycles holding an instant from `from` to `through`"),
  usage_gaps: array(str(), "the days the usage's daily files skip, each series said once: a day's usage missing from the log is missing from the statement; present only where they skip some"),
  warnings: array(str("a warning as said on standard error, without its `burnrate: warning: `"), "only where the run gave warnings (a usage account a typo from one the account file names, a price the card's \"*\" gave, ...): the statement is still as the inputs price it; with --strict the run exits 1"),
});

/** What --cycle asked for; the replay still ran from the anchor. Each account's cycles may differ (a new_cycle upgrade). */
function askedPeriod(what: string): JsonSchema {
  return object({
    from: instant("--cycle's (first) date: a date is its first instant in the account's zone"),
    through: instant("the last instant of --cycle's period: a range's last date to the end of its day (one date: the same as from)"),
  }, `only with --cycle: ${what}`);
}

export const ledgerSchema: JsonSchema = withOptional(contract("ledger", "burnrate statement --ledger --format json", {
  card: cardIdentity,
  entries: array(object({
    at: instant(),
    account: str(),
    type: { enum: ["payment", "allowance", "charge", "refund", "expiry"] },
    meter: nullable(str()),
    grant: nullable(str()),
    dimensions: stringMap(str()),
    quantity: nullable(decimalString()),
    amount: decimalString("credits in (+) or out (-) of the balance"),
    uncovered: decimalString(),
    balance: decimalString(),
  })),
}), { period: askedPeriod("each account's transactions kept are those of its cycles holding an instant from `from` to `through` (their balances are the whole replay's)") });
