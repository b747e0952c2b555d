import { isMap, type Node } from "yaml";
import {
  boolean, decimal, dictionary, integer, list, oneOf, record, scalarOrMapping, text,
  type Codec, type JsonSchema,
} from "../yaml/codec.js";
import type { PriceTree } from "./types.js";

export const KEY = /^[a-z][a-z0-9_]*$/;
/** Dimension values as they appear in logs: model names, channels, providers. `*` is the explicit fallback. */
export const VALUE = /^(?:\*|[A-Za-z0-9][A-Za-z0-9_.:/+@-]*)$/;

// A key says what it names: "expected a string" for "Gateway" would not say what is wrong with it.
const key = (what: string, description?: string) => text({ pattern: KEY, expected: `${what} (lower case, digits, _)`, ...(description ? { description } : {}) });
const dimensionList = list(key("a dimension name"), { minItems: 1 });

/** `web: "2"` or, for a deeper table, `gpt-4o: { openai: "0.0025" }`. */
const priceTree: Codec<PriceTree> = {
  decode(node: Node, ctx) {
    if (!isMap(node)) return price.decode(node, ctx);
    return dictionary(priceTree, { keyPattern: VALUE }).decode(node, ctx);
  },
  schema: () => ({ $ref: "#/$defs/priceTree" }),
};
const price = decimal({ min: "0", description: "credits per unit, an exact decimal" });

export const priceTreeSchema: JsonSchema = {
  oneOf: [price.schema(), { type: "object", propertyNames: { pattern: VALUE.source }, additionalProperties: { $ref: "#/$defs/priceTree" } }],
};

const priceTable = record({ by: dimensionList, table: dictionary(priceTree, { keyPattern: VALUE, minEntries: 1 }) }, {}, "unit prices looked up by dimension values, nested in the order of `by`");

function lookup(valueCodec: Codec<string>) {
  return scalarOrMapping(valueCodec, record({ by: key("a dimension name"), table: dictionary(valueCodec, { keyPattern: VALUE, minEntries: 1 }) }));
}

const surcharge = record({
  when: dictionary(text({ pattern: VALUE }), { minEntries: 1 }),
}, {
  name: key("a line name", "the line a per-event surcharge is shown as (default: surcharge)"),
  add: decimal({ description: "credits added to the unit price" }),
  per_event: decimal({ description: "credits added once per event (a row's quantity counts its events), shown as its own line" }),
});

const meterCodec = record(
  {
    aggregation: oneOf(["flow", "unique", "recurring", "gauge"] as const, "flow: priced when it happens; unique: first appearance of a key per cycle; recurring: an active item charged every cycle; gauge: a level charged at cycle start"),
    category: lookup(key("a category key of the card")),
    pool: lookup(key("a pool key of the card")),
    price: scalarOrMapping(price, priceTable),
  },
  {
    description: text(),
    dimensions: list(key("a dimension name")),
    key: dimensionList,
    ended_by: key("a meter key", "recurring: the meter that deactivates the item"),
    decreased_by: key("a meter key", "gauge: the meter that lowers the level"),
    surcharges: list(surcharge),
    components: dictionary(scalarOrMapping(price, priceTable), { keyPattern: KEY, description: "flow meters: other quantity columns of the row, each with its own price (tokens beside a request)" }),
    exempt_when: dictionary(text({ pattern: VALUE }), { minEntries: 1, description: "rows matching these dimension values cost nothing but are shown (bring-your-own-key)" }),
    labels: list(text(), { description: "how the provider's bill names this activity" }),
  },
);

const expiry = scalarOrMapping(
  oneOf(["never", "cycle_end"] as const),
  record({ after_months: integer({ min: 1, max: 120 }) }, { at_latest: oneOf(["subscription_end"] as const) }),
);

const share = decimal({ min: "0", description: "a share of the allowance: 0.10 is 10%" });

export const cardCodec = record(
  {
    provider: key("a provider name"),
    version: text(),
    unit: text(),
    categories: dictionary(record({ label: text() }), { keyPattern: KEY, minEntries: 1 }),
    pools: dictionary(record({ label: text(), when_exhausted: oneOf(["block", "grace", "allow", "overage"] as const) }), { keyPattern: KEY, minEntries: 1 }),
    grant_kinds: dictionary(record({ priority: integer({ min: 0, max: 1000 }), expires: expiry }, { counts_toward_allowance: boolean(), paid: boolean("whether the kind's credits are sold at credit_price (default true for every kind a plan does not give); false: given free, as a promotion, never counted as credits bought. Not on included or onetime, which the plan gives") }), { keyPattern: KEY, minEntries: 1 }),
    plans: dictionary(record({ label: text(), included: decimal({ min: "0" }), price: decimal({ min: "0", description: "money per cycle" }) }, {
      grace: dictionary(share, { keyPattern: KEY }),
      onetime: decimal({ min: "0", description: "credits granted once, at the first cycle, as the onetime grant" }),
      only: dictionary(list(text({ pattern: VALUE }), { minItems: 1 }), { keyPattern: KEY, description: "dimension values this plan may use; others are refused as plan-gated" }),
      quota: record({ meters: list(key("a meter key of the card"), { minItems: 1 }), requests: decimal({ min: "0" }) }, { overage_price: decimal({ min: "0", description: "money per request past the quota when overage billing is on" }) }),
      topups: boolean("whether the plan may buy top-up credits (default true)") }), { keyPattern: KEY, minEntries: 1 }),
    meters: dictionary(meterCodec, { keyPattern: KEY, minEntries: 1 }),
  },
  {
    effective: text({ pattern: /^\d{4}-\d{2}-\d{2}(?:T.+)?$/, expected: "a date YYYY-MM-DD (local midnight in the account's time zone) or an ISO-8601 instant", description: "when this version takes effect: with several --card versions, each event is priced by the version in force at its instant" }),
    applies: oneOf(["at_once", "next_cycle"] as const, "at_once (default): events from `effective` on are priced by this version; next_cycle: an account keeps its cycle's prices until its next cycle starts (grandfathering)"),
    plan_changes: record({}, {
      upgrade: oneOf(["difference", "prorated", "new_cycle"] as const, "what a change to more included credits does at once: difference (default) grants the new allowance minus the old now; prorated grants that difference times the share of the cycle left; new_cycle closes the cycle at the upgrade (its unused included credits lapse) and starts a new one there with the new allowance, later cycles following that new anchor"),
      downgrade: oneOf(["next_cycle", "at_once"] as const, "when a change to fewer included credits applies: next_cycle (default) at the next cycle start; at_once now, removing the included credits above the new allowance"),
    }, "what an account's plan or allowance change (account changes:) does"),
    currency: text({ pattern: /^[A-Z]{3}$/, expected: "an ISO 4217 code such as USD" }),
    credit_price: decimal({ min: "0", description: "money per credit when bought as a top-up" }),
    precision: record({}, {
      display: integer({ min: 0, max: 12, description: "decimals shown to people" }),
      rounding: oneOf(["half-even", "half-up", "down"] as const),
      round_at: oneOf(["none", "event"] as const, "where the provider rounds amounts"),
      step: decimal({ positive: true, description: "rounding step, e.g. 0.01" }),
    }),
    cycle: record({ period: oneOf(["monthly"] as const) }),
    low_balance: decimal({ min: "0", description: "default low-balance alert level in credits" }),
    rewards: record({ share: decimal({ min: "0" }), dimension: key("a dimension name", "the dimension naming the app's creator (an account)") }),
    budgets: record({ dimension: key("a dimension name") }, { plans: list(key("a plan key of the card")), alerts: list(integer({ min: 1, max: 100 })) }),
    daily_limits: record({ dimension: key("a dimension name") }),
    dimensions: list(key("a dimension name"), { minItems: 1, description: "usage columns the card reads besides its meters' dimensions, shown on no line: a condition's (web_search), a key's (user), a budget's (team); `check` refuses a name read that is declared nowhere" }),
    crossing: oneOf(["reject", "accept", "split"] as const, "the event that crosses the end of the credits: reject it (default), accept it whole, or split a pre-aggregated row"),
    thresholds: record({ percent_of_allowance: list(integer({ min: 1, max: 100 })) }),
  },
  "a burnrate rate card",
);

export type CardDocument = ReturnType<typeof cardCodec.decode>;
export type MeterDocument = ReturnType<typeof meterCodec.decode>;

