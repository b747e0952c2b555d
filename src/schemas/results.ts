import type { JsonSchema } from "../yaml/codec.js";
import { cycleMoneySchema } from "./statement.js";
import { array, contract, count, decimalString, instant, nullable, object, str, stringMap, withOptional } from "./json-schema.js";

const position = { file: str(), line: count(), column: count() };
const percent = (description: string): JsonSchema => nullable({ type: "string", pattern: "^-?\\d+(?:\\.\\d{1,2})?$", description });
const card = object({ file: str(), provider: str(), version: str() });
const amounts = {
  old: decimalString("under the base card"),
  new: decimalString("under the new card"),
  delta: decimalString("new - old"),
  delta_percent: percent("100 x delta / old, to 2 places; null when old is 0 and new is not"),
};

export const checkSchema: JsonSchema = contract("check", "burnrate check --format json", {
  errors: count(),
  warnings: count(),
  files: array(object({
    file: str(),
    kind: { enum: ["card", "tests"] },
    subject: nullable(str("what the file is: \"fliplet 2026-11\", or the card a tests file belongs to")),
    card: nullable(object({
      provider: str(),
      version: str(),
      effective: nullable(str("as the card writes it: a date or an instant")),
    }, "a card file that could be read: which provider's card, which version, from when (a CI step finds the earlier versions of a new version file by its provider)")),
    findings: array(object({
      severity: { enum: ["error", "warning"] },
      rule: str("a stable rule name: schema, syntax, missing-price, duplicate-label, ..."),
      ...position,
      message: str(),
      fix: str("what to change to clear the finding"),
    })),
  })),
});

export const cardtestSchema: JsonSchema = contract("cardtest", "burnrate test --format json", {
  passed: count(),
  failed: count(),
  untested: array(object({ card: str(), tests_file: str() }), "cards named without a tests file beside them"),
  suites: array(object({
    file: str(),
    card: object({ file: str(), provider: str(), version: str() }),
    cases: array(object({
      name: str(),
      ...position,
      outcome: { enum: ["passed", "failed", "error"] },
      mismatches: array(withOptional(object({ ...position, what: str(), expected: str(), actual: str() }), {
        refused: str("where the figure came out short and the statement refused events it counts: how many, of which meter, why"),
      })),
      errors: array(str(), "why the case could not run"),
    })),
  })),
});

const change = object({
  cycle: instant("the cycle's start"), cycle_end: instant(), account: str(), meter: str(), ...amounts,
  old_refused: count("events of this meter refused under the base card because the credits ran out"),
  new_refused: count("events of this meter refused under the new card because the credits ran out"),
  cause: nullable({ enum: ["credits_ran_out_earlier", "credits_ran_out_later"], description: "refusals moved behind this change" }),
});

const cardChange = withOptional(object({
  change: { enum: ["added", "removed", "changed"] },
  what: { enum: ["meter", "plan", "pool", "category", "grant kind", "setting"] },
  path: str("the setting's path in the card, such as meters.sms.price"),
  old: nullable(str()),
  new: nullable(str()),
  ...position,
}), {
  from: str("with a set of versions on either side: the effective date or instant from which this pair of versions is in force"),
  base_version: str("with a set of versions: the base version this change is from"),
  card_version: str("with a set of versions: the new version this change is to"),
  renamed_from: str("on a meter added: the base card's meter it is, renamed and written alike (the base card priced its rows as that meter's)"),
  renamed_to: str("on a meter removed: the new card's meter it is now, renamed and written alike"),
});

const pricedLine = object({
  line: str("the meter, component and dimension values, as the reports name the line: request · output_tokens · gpt-4o · openai"),
  meter: str(),
  component: nullable(str("the priced component (tokens beside a request); null for the meter's own quantity")),
  kind: { enum: ["usage", "recurring", "gauge", "refund"] },
  dimensions: stringMap(str()),
  ...amounts,
});

const moneyChange = withOptional(object({
  cycle: instant(), cycle_end: instant(), account: str(),
  item: { enum: ["plan", "bought", "overage", "total", "paid_credits_drawn", "expired_credits"], description: "paid_credits_drawn and expired_credits (the credits lost to a changed expiry, expired[] summed over the cycle's kinds) are in credits, the others in money.currency" },
  old: nullable(decimalString("under the base card; null for bought or total where the base card bought credits at no credit_price in the cycle (unknown, as the statement's total)")),
  new: nullable(decimalString("under the new card; null as old, under the new card")),
  delta: nullable(decimalString("new - old; null where either is")),
  delta_percent: percent("100 x delta / old, to 2 places; null when old is 0 and new is not, or either is null"),
  percent_of_base_credits: percent("paid_credits_drawn, expired_credits: delta as a percentage of the credits the base card charged in the cycle, which the percentage gates judge; null for a money item, or when the base card charged nothing"),
}), {
  unpriced_credits: object({ old: decimalString(), new: decimalString() }, "bought and total, where either card bought credits at no credit_price in the cycle: how many, under each; no gate judges the item"),
  priced: object({ old: decimalString(), new: decimalString() }, "with unpriced_credits: the priced parts under each card, which leave those credits out"),
});

/** One account's cycle and meter whose refused usage differs between the cards. */
const refused = object({
  cycle: instant(), cycle_end: instant(), account: str(), meter: str(),
  old_quantity: decimalString("the meter's quantity refused under the base card, for any reason"),
  new_quantity: decimalString("the meter's quantity refused under the new card"),
  old_events: count(), new_events: count(),
  worth: nullable(object({ ...amounts, percent_of_base_credits: percent("delta as a percentage of base_credits; null when that is 0 and delta is not"), priced_by: { enum: ["base", "new"], description: "whose prices the worth is at: the base card's, else the new card's where the base card served none of the meter or charged nothing for it" } }, "what one card refuses and the other serves at the base card's price on its own statement line (every dimension value, unit price and card version; a token-priced meter's rows at each component's price), else the new card's where the base card charged nothing there; where rows both cards refuse share a line, what both refuse at the base card's average price of the meter in the cycle (its credits over its quantity served), else over the whole usage, else (the base card served none of it, or served it free) the new card's so; null where neither card charged anything for the meter")),
  base_credits: decimalString("the credits the base card charged the meter in the cycle"),
});

/** One account's cycle and grant kind of changed expiry whose credits lost differ between the cards. */
const expired = object({
  cycle: instant(), cycle_end: instant(), account: str(), kind: str(),
  paid: { type: "boolean", description: "a kind bought (a pack, a top-up), not given by the plan" },
  old_expiry: nullable(str("the kind's expiry under the base card's version the cycle ended on, as the card writes it: never, cycle_end, after_months: 2; null where it has no such kind")),
  new_expiry: nullable(str("the same under the new card")),
  ...amounts,
  worth: nullable(object(amounts, "paid credits at the credit_price of the version they were bought under; null for a given kind, or where either card prices no credits")),
});

export const diffSchema: JsonSchema = contract("diff", "burnrate diff --format json", {
  base: card,
  card,
  usage: array(str()),
  unit: str(),
  base_total: decimalString(),
  card_total: decimalString(),
  total_delta: decimalString(),
  total_delta_percent: percent("100 x total_delta / base_total, to 2 places; null when base_total is 0 and card_total is not"),
  fail_over: nullable(object({
    percent: decimalString(),
    exceeded: { type: "boolean", description: "any of credits_exceeded, money_exceeded, paid_credits_exceeded, prices_exceeded, refused_exceeded, expired_exceeded" },
    credits_exceeded: { type: "boolean", description: "the credits charged over the usage rose by more than percent" },
    money_exceeded: { type: "boolean", description: "the money (money.base_total to money.card_total) rose by more than percent" },
    paid_credits_exceeded: { type: "boolean", description: "the credits drawn from paid grants rose by more than percent" },
    prices_exceeded: { type: "boolean", description: "served rose by more than percent, where the credits charged did not: a price rise on what both cards serve, hidden by the events the new card refuses" },
    refused_exceeded: { type: "boolean", description: "refused_more.worth rose by more than percent of base_total (the credits the base card charged), or some of refused_more has no worth to judge (fail closed)" },
    expired_exceeded: { type: "boolean", description: "credits_lost rose by more than percent of base_total (its percent_of_base_credits)" },
  })),
  served: object({
    ...amounts,
    old_rejected: count("events refused under the base card, over every account's cycle"),
    new_rejected: count("events refused under the new card, over every account's cycle"),
  }, "the usage both cards serve, priced by each: where they serve the same events, the totals; where one refuses events the other serves, each grain's (account, cycle, meter, component, dimension values) quantity both serve at each card's average price on it, so delta is the change the prices make and total_delta minus delta is what the events served by one card only cost"),
  accounts: array(object({ account: str(), ...amounts })),
  meters: array(object({ meter: str(), ...amounts })),
  cycles: array(object({ account: str(), start: instant(), end: instant(), ...amounts, old_rejected: count(), new_rejected: count() })),
  gates: array(object({
    flag: { enum: ["--fail-over-meter", "--fail-over-amount", "--fail-under-meter", "--fail-under-amount"] },
    limit: decimalString("a percentage for the -meter gates, credits for the -amount ones"),
    exceeded: { type: "boolean" },
    changes: array(change, "the cycle, account and meter changes past the limit, largest first"),
    money_changes: array(moneyChange, "the cycle and account money items (and credits drawn from paid grants) past the limit: a money item's -amount limit is the limit's credits at the credit_price"),
  }), "the per-meter gates asked for on the command line, which also judge each cycle's money"),
  fail_over_line: nullable(object({
    percent: decimalString(),
    exceeded: { type: "boolean" },
    lines: array(pricedLine, "the priced lines whose cost over the whole usage rose by more than percent, largest rise first"),
    rates: array(cardChange, "the card_changes that raise a price on a line the usage priced by more than percent: a price that gets its rows refused can lower what the line is charged"),
  })),
  fail_on_unmeasured: nullable(object({ exceeded: { type: "boolean", description: "unmeasured_rises is not empty, or refused_more is not null" } }, "--fail-on-unmeasured; null without the flag")),
  refused_more: nullable(object({
    old: count("events refused under the base card, summed over the rows of refused whose new_quantity is the larger"),
    new: count("events refused under the new card, summed over the same rows"),
  }, "the usage refused for any reason where the new card refuses more of it, compared by quantity per account, cycle and meter (not by events, which may be rows of any size): charged nothing, so the cost gates read less; --fail-on-unmeasured fails on it; null where no meter of a cycle is refused more")),
  refused_more_worth: nullable(object({ ...amounts, percent_of_base_credits: percent("delta as a percentage of base_total, the share --fail-over judges; null when base_total is 0 and delta is not") }, "what the usage of refused_more is worth at the base card's prices (those rows with a worth): --fail-over judges delta as a share of base_total; null with refused_more")),
  refused: array(refused, "every account's cycle and meter whose refused quantity, or its worth, differs between the cards (as much refused of other rows)"),
  credits_lost: nullable(object({
    ...amounts,
    percent_of_base_credits: percent("delta as a percentage of base_total (the credits the base card charged), which --fail-over judges; null when that is 0 and delta is not"),
    paid: object(amounts, "those of paid grant kinds (packs, top-ups)"),
    paid_worth: nullable(object(amounts, "the paid credits at the credit_price of the version they were bought under; null where either card prices no credits")),
  }, "the credits customers lose that the base card did not let expire: expired[] summed over the accounts' cycles whose kinds lose more under the new card; null where none does")),
  expired: array(expired, "every account's cycle and grant kind whose expiry differs between the cards (old_expiry, new_expiry) and whose credits lost differ: those the statement reports expired, and the plan's allowance that ends with its cycle (shown there as closing); a kind of the same expiry under both is left out, as more of it lapses only where less is charged"),
  changes: array(change, "every cycle, account and meter either card charged"),
  money: object({
    currency: str(),
    base_total: nullable(decimalString("null when neither card gives money, the cards' currencies differ, or some cycle bought credits at no credit_price under either card (its total unknown)")),
    card_total: nullable(decimalString("null as base_total")),
    total_delta: nullable(decimalString()),
    total_delta_percent: percent("100 x total_delta / base_total, to 2 places; null where base_total is, or base_total is 0 and card_total is not"),
    paid_credits_drawn: object({ ...amounts, percent_of_base_credits: percent("delta as a percentage of the credits the base card charged over the usage (base_total), which --fail-over judges; null when that is 0 and delta is not") }),
    paid_credits_worth: nullable(object(amounts)),
    cycles: array(object({
      account: str(), start: instant(), end: instant(),
      old: nullable(cycleMoneySchema), new: nullable(cycleMoneySchema),
      paid_credits_drawn: object(amounts),
      paid_credits_worth: nullable(object(amounts)),
    }), "each account's cycle: its money under each card (the statement's money), and the credits drawn from paid grants"),
    changes: array(moneyChange, "every money item of every cycle and account, and its credits drawn from paid grants"),
  }),
  lines: array(pricedLine, "every priced line either card charged, summed over all accounts and cycles"),
  card_changes: array(cardChange, "how the cards differ as written; with sets of versions, version by version at each effective instant"),
  unmeasured_rises: array(cardChange, "the card_changes that raise a price the usage never exercises (a line it never priced; a plan price, overage price or credit price it never pays): no gate can measure them"),
  effective_not_applied: { ...nullable(object({
    effective: str("the new card's effective: as written"),
    at: instant(),
    ...position,
  })), description: "the new card, a later version than the base given alone, whose effective: falls inside the usage's cycles: a single card prices the whole usage, before that instant too; give both versions (--card BASE --card NEW) to price the usage before it at the base card's prices" },
});
