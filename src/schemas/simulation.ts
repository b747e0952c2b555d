import { array, cardIdentity, contract, count, decimalString, fixedDecimalString, instant, nullable, object, str, stringMap } from "./json-schema.js";
import type { JsonSchema } from "../yaml/codec.js";

const percentiles = (of: JsonSchema, description?: string) => object({ p50: of, p90: of, p99: of }, description);

const rejection = object({ meter: str(), reason: str(), events: count("usage rows refused"), quantity: decimalString("the meter's quantity those rows held"), first_at: instant() });

const cycle = object({
  start: instant("the cycle is [start, end)"),
  end: instant(),
  plan: str("the plan key in force at the cycle's end: the compared plan, or the one the scenario's changes set"),
  allowance: decimalString(),
  total: decimalString("credits the scenario uses, with the top-ups it needs bought where the plan may buy them"),
  percent_of_allowance: nullable(fixedDecimalString(2, "total as a percentage of the allowance, two decimals (\"50.00\")")),
  by_category: stringMap(decimalString()),
  by_pool: stringMap(decimalString()),
  runs_out_at: nullable(instant("when the credits run out if no top-up is bought")),
  grace_used: decimalString("without top-ups: charged beyond the credits and not billed: on a grace buffer, or past zero in an allow pool or by a crossing charge"),
  past_zero_billed: decimalString("without top-ups: credits past zero that pools of when_exhausted: overage bill in money (in overage and money): served, not a shortfall"),
  rejected: array(rejection, "without top-ups: what would be refused"),
  rejected_with_topups: array(rejection, "with the top-ups it needs bought where the plan in force sells them: what is refused still (a quota, a gate, a daily limit, a plan that sells none)"),
  topup_needed: decimalString("top-up credits the cycle needs beyond its allowance"),
  overage: decimalString("money for requests past the plan's quota (overage billing)"),
  money: decimalString("the plan's price, the top-ups at the card's credit price, and the overage"),
  asked: nullable(decimalString("credits the cycle's usage costs with the allowance and the request quota unlimited (gates and the scenario's own limits as they are), where the plan's credits run out and no priced purchase covers it; else null")),
});

const spread = (description: string) => object({ sum: decimalString(), p50: decimalString(), p90: decimalString(), p99: decimalString(), max: decimalString() }, description);

const accounts = object({
  accounts: count("accounts simulated: the users of every billing: per_user population"),
  credits: spread("credits each account is served over the cycles: its plan's, and what it buys where the card prices it (a refused request counts none)"),
  money: spread("money each account pays: the plan's price each cycle, and what it buys at the card's price"),
  ran_out: count("accounts whose credits run out in some cycle if they buy nothing"),
  first_run_out: nullable(instant("the first instant an account's credits run out")),
  ran_out_by_cycle: array(count(), "accounts that run out, per cycle"),
  refused: count("accounts some of whose usage the plan refuses (not a daily limit or budget the scenario sets) or lets past zero, once they buy what it sells at a price"),
  creator_rewards: decimalString("the creator reward earned on these accounts' usage served, in credits"),
}, "billing: per_user populations, each user an account on this plan");

const plan = object({
  plan: str("a plan key of the card; for the scenario's own row, the plan it starts on"),
  label: str("the plan's label, or for a scenario that changes plan its timeline: \"Free → Pro → Free\""),
  scenario: { type: "boolean", description: "the scenario's own account, with its changes and negotiated allowance (plans[0]); false: a plan as the card gives it, also the scenario's first plan without its changes" },
  rank: nullable(count("1 for the cheapest, with --compare-plans")),
  price: decimalString("money per cycle"),
  allowance: decimalString(),
  topups: { type: "boolean", description: "whether the plan may buy top-ups at a price the card gives" },
  purchase: nullable(object({ kind: str("the grant kind bought: topup, purchase, pack, addon"), price: nullable(decimalString("money per credit; null: the card gives none, and money leaves them out")) }, "what the plan can buy beyond its allowance")),
  covers: { type: "boolean", description: "nothing refused and no usage past zero unbilled (grace, an allow pool, a crossing) once its top-ups are bought; an overage pool's usage past zero is served, billed as overage" },
  money: decimalString("total over the simulated cycles, in the card's currency"),
  topup_needed: decimalString(),
  without_topups: object({ covers: { type: "boolean", description: "nothing refused and no usage past zero unbilled (grace, an allow pool, a crossing), buying nothing; an overage pool's usage past zero is served, billed as overage" }, money: decimalString("the plan's price and overage, buying nothing") }),
  cycles: array(cycle),
  accounts: nullable(accounts),
});

const sampledPlan = object({
  plan: str(),
  label: str("as in plans[]"),
  money: percentiles(decimalString()),
  cycles: array(object({
    start: instant(),
    total: percentiles(decimalString()),
    topup_needed: percentiles(decimalString()),
    money: percentiles(decimalString()),
    runs_out_at: percentiles(nullable(instant()), "p50: the median run-out instant; p90 (p99): the instant the credits last until in 90% (99%) of samples; null: they last the cycle"),
    ran_out: count("samples in which the credits ran out in the cycle"),
  })),
});

/** `burnrate simulate --format json` (SPEC 4: plans[], the scenario's own plan first). */
export const simulationSchema: JsonSchema = contract("simulation", "burnrate simulate --format json", {
  card: cardIdentity,
  unit: str(),
  currency: str(),
  credit_price: nullable(decimalString("money per top-up credit")),
  scenario: object({ name: str(), file: str(), plan: str(), start: instant(), cycles: count(), timezone: str() }),
  compared: { type: "boolean", description: "whether --compare-plans priced every plan" },
  cheapest: nullable(str("the cheapest plan that covers the scenario's own account, with --compare-plans (where own_usage is false, the one of least price)")),
  cheapest_with_topups: nullable({ type: "boolean", description: "whether the cheapest plan covers it with the top-ups it buys (true) or as is (false)" }),
  own_usage: { type: "boolean", description: "whether the scenario's own account has usage: false where every population is billing: per_user and there is no schedule, send or inventory" },
  users_cheapest: nullable(str("with --compare-plans and billing: per_user populations: the plan whose users' own accounts pay least in all (plans[].accounts.money.sum) among those that serve every user (plans[].accounts.refused 0); null where none does, or without them")),
  plans: array(plan, "the scenario's plan first, then the others cheapest first"),
  parts: array(object({
    kind: { type: "string", enum: ["population", "schedule", "send", "inventory"], description: "a population paid by the scenario's account, a schedule, a send, or the inventory together" },
    name: str("the population's or item's name (an item without one: its meter); inventory for the inventory"),
    line: count("the scenario file's line that writes it (the inventory: its first item)"),
    credits: decimalString("its usage priced alone on the scenario's plan, credits and request quota unlimited, over the cycles: what it asks, served or not"),
    money: nullable(decimalString("those credits at the card's credit price, the version's in force at each cycle's start; null: the card gives none")),
    cycles: array(decimalString(), "its credits per cycle"),
    priced_with: nullable(str("the part some of its events are priced with: they raise, lower, publish again or end an item that part made first; null where none")),
  }), "what each part of the scenario comes to; empty where the scenario has one part (billing: per_user populations are in plans[].accounts)"),
  samples: nullable(object({ count: count(), seed: str(), plans: array(sampledPlan) }, "with --samples N --seed S")),
});
