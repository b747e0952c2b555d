import { shown } from "../errors.js";
import { isMap, isScalar, type Node } from "yaml";
import { Decimal } from "../money.js";
import { KEY, VALUE } from "../ratecard/schema.js";
import { boolean, decimal, dictionary, fail, integer, list, oneOf, record, refine, scalarOrMapping, text, type Codec } from "../yaml/codec.js";
import { parseSchedule, SCHEDULE_GRAMMAR, SCHEDULE_PATTERN, type Schedule } from "./schedule.js";

/**
 * The scenario file: a customer described before there is usage to replay.
 * Decoded with the same codec library as cards, so every error carries its
 * line and column and `burnrate schema scenario` prints the same shape.
 */

const INSTANT = text({ expected: "a date or an ISO-8601 instant", description: "a date (local midnight in the scenario's time zone) or an ISO-8601 instant" });
const METER = text({ pattern: KEY, expected: "a meter key of the card (lower case, digits, _)", description: "a meter key of the rate card, or the event that ends or lowers one" });
const DISTRIBUTION = ["poisson", "geometric", "fixed"] as const;
export type Distribution = (typeof DISTRIBUTION)[number];

/**
 * A component per event: a number, or a mean with the distribution --samples
 * draws it from (the names a population's `distribution:` takes).
 */
const COMPONENT = scalarOrMapping(
  decimal({ min: "0", description: "the quantity per event, the same in every sample" }),
  record(
    { mean: decimal({ min: "0", description: "the quantity per event on average; without --samples, the quantity used" }) },
    { distribution: oneOf(DISTRIBUTION, "how --samples draws each row's total around mean times its events: poisson (default), geometric (one exponential level a row), fixed (no variation)") },
    "a component drawn under --samples",
  ),
);

/** Quantities of the meter's priced components per event (tokens per request, seconds per clip). */
const COMPONENTS = dictionary(COMPONENT, {
  keyPattern: KEY,
  minEntries: 1,
  description: "per event: the quantity of each priced component of the meter (input_tokens, output_tokens, ...), or { mean, distribution } to draw it under --samples",
});
const DIMENSION_VALUES = dictionary(text({ pattern: VALUE, expected: "a dimension value" }), {
  keyPattern: KEY,
  description: "dimension values every row of this item carries (project, channel, source, model, ...)",
});

/** Keys of a population, a schedule or an item, which no card names a dimension: under `dimensions:`, one level too deep. */
const ITEM_KEYS = new Set(["growth", "users", "per_user", "components", "quantity", "meter", "every", "user_dimension"]);

/**
 * An item's dimensions. A key of the item indented under them (`growth: 20%`, `components: { ... }`) is told as
 * such, at its key: it read as a bad dimension value, or a mapping where a value goes (newcomer65b M4).
 */
const DIMENSIONS: Codec<Map<string, string>> = {
  decode(node, ctx) {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined && ITEM_KEYS.has(key)) fail(ctx, pair.key as Node, `${key}: under dimensions:, indented one level too deep`, `${key}: in line with dimensions:, a key of the item, not a dimension`, shown(key));
      }
    }
    return DIMENSION_VALUES.decode(node, ctx);
  },
  schema: DIMENSION_VALUES.schema,
};

/** A head count written by a person: a negative one gets its own message rather than a pattern mismatch. */
const HEADCOUNT: Codec<number> = {
  decode: refine(text(), (value, node, ctx) => {
    if (/^-\s*\d+(\.\d*)?$/.test(value)) fail(ctx, node, "negative population", "a number of users of 0 or more", value);
    // A whole number past the cap is told as too many, not as no number (newcomer58a L2).
    if (/^\d{10,}$/.test(value)) fail(ctx, node, "too many users", "at most 999,999,999 users", shown(value));
    if (!/^\d{1,9}$/.test(value)) fail(ctx, node, "not a whole number of users", "a whole number such as 1000", shown(value));
    return Number(value);
  }).decode,
  schema: () => ({ type: "integer", minimum: 0, maximum: 999_999_999, description: "end-users in the first cycle" }),
};

export type Growth = { kind: "percent"; rate: Decimal } | { kind: "absolute"; step: number };

/** Users added each cycle carry their sign: a bare `20` could mean 20% as well as 20 users, and a quote built on the wrong one is off by a multiple. */
const GROWTH_PATTERN = /^(?:[+-]?\d+(?:\.\d+)?%|[+-]\d{1,9}|0+(?:\.0+)?)$/;
/**
 * A bare decimal read as a share (0.2, 20%) or a factor (1.2, 20% more) a cycle, offered first: the rate as written
 * (0.2%) alone was the fix, and a sales engineer who meant 20% a month quoted 0.2% (newcomer65b M1).
 */
function asShare(value: string): string {
  if (!value.includes(".")) return "";
  const n = new Decimal(value);
  if (n.gt(0) && n.lt(1)) return `${n.mul(100).toString()}% for a share of ${value} a cycle, or `;
  if (n.gt(1) && n.lt(2)) return `${n.minus(1).mul(100).toString()}% for a factor of ${value} a cycle, or `;
  return "";
}

const GROWTH: Codec<Growth> = {
  decode: refine(text(), (value, node, ctx): Growth => {
    // No growth reads the same either way.
    if (/^0+(\.0+)?$/.test(value)) return { kind: "absolute", step: 0 };
    if (/^\d+(\.\d+)?$/.test(value)) {
      const users = /^\d{1,9}$/.test(value) ? `, or +${value} for users added each cycle` : "";
      fail(ctx, node, "growth without % or a sign", `${asShare(value)}${value}% for a rate per cycle, compounded${users}`, shown(value));
    }
    if (!GROWTH_PATTERN.test(value)) fail(ctx, node, "unreadable growth", "a percentage per cycle such as 5% or -2.5%, or users per cycle such as +200 or -50", shown(value));
    if (value.endsWith("%")) {
      const rate = new Decimal(value.slice(0, -1).replace(/^\+/, ""));
      if (rate.lte(-100)) fail(ctx, node, "growth of -100% or below", "a percentage above -100%", value);
      return { kind: "percent", rate };
    }
    return { kind: "absolute", step: Number(value) };
  }).decode,
  schema: () => ({ type: ["string", "integer"], pattern: GROWTH_PATTERN.source, description: "change per cycle: a percentage, compounded (5%, -2%), or users added each cycle (+200, -50)" }),
};

const SCHEDULE: Codec<Schedule> = {
  decode: refine(text(), (value, node, ctx) => {
    const schedule = parseSchedule(value);
    if (!schedule) fail(ctx, node, "unparseable schedule", SCHEDULE_GRAMMAR, shown(value));
    return schedule;
  }).decode,
  schema: () => ({ type: "string", pattern: SCHEDULE_PATTERN.source, description: `when it happens: ${SCHEDULE_GRAMMAR}` }),
};

const perUser = record(
  {
    meter: METER,
    quantity: decimal({ min: "0", description: "per user per cycle: the mean when sampling" }),
  },
  {
    dimensions: DIMENSIONS,
    components: COMPONENTS,
    distribution: oneOf(DISTRIBUTION, "how --samples draws each user's quantity of this item: poisson, geometric, fixed (every user exactly the quantity, as for a seat); default the population's distribution"),
  },
  "one activity of every user of the population",
);

const population = record(
  {
    name: text({ pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, expected: "a name of letters, digits, _, . or -", description: "names the population's users: NAME-1, NAME-2, ..." }),
    users: HEADCOUNT,
    per_user: list(perUser, { minItems: 1, description: "what each user does per cycle" }),
  },
  {
    growth: GROWTH,
    dimensions: DIMENSIONS,
    distribution: oneOf(DISTRIBUTION, "how --samples draws each user's counts around the mean: poisson (default), geometric (many light users, a few heavy ones), fixed (no variation)"),
    user_dimension: text({ pattern: KEY, expected: "a dimension name (lower case, digits, _)", description: "the dimension that tells users apart on unique meters (default user)" }),
    billing: oneOf(["account", "per_user"] as const, "who pays: account (default), the scenario's account; per_user, every user is an account of their own on the plan (the app builder: users consume their own credits, the creator earns the reward)"),
  },
  "a population of end-users with the same behaviour",
);

const schedule = record(
  { meter: METER, every: SCHEDULE },
  {
    name: text(),
    quantity: decimal({ positive: true, description: "per occurrence (default 1)" }),
    dimensions: DIMENSIONS,
    components: COMPONENTS,
  },
  "an activity on a clock, such as an automation",
);

const send = refine(
  record(
    { meter: METER, quantity: decimal({ positive: true, description: "recipients or messages per send" }) },
    {
      name: text(),
      dimensions: DIMENSIONS,
      components: COMPONENTS,
      at: INSTANT,
      every: SCHEDULE,
    },
    "a send to many recipients: once (at) or repeated (every)",
  ),
  (value, node, ctx) => {
    if ((value.at === undefined) === (value.every === undefined)) fail(ctx, node, "a send needs exactly one of at or every", "at: INSTANT for a one-off send, or every: SCHEDULE", value.at === undefined ? "neither" : "both");
    return value;
  },
);

const inventoryItem = record(
  { meter: METER },
  {
    name: text(),
    quantity: decimal({ positive: true, description: "gauges: the level (GB, records); recurring items: leave out" }),
    dimensions: DIMENSIONS,
    at: INSTANT,
  },
  "something the account keeps: a project, a published channel, stored GB, records",
);

/**
 * A plan key: the schema's pattern for editors, but any text decoded, so that the card's plans judge it with their
 * did-you-mean (`plan: Pro` for `pro`), as `--plan Pro` is judged (newcomer58a L4).
 */
function planKey(description: string): Codec<string> {
  return { decode: text({ expected: "a plan key of the card" }).decode, schema: text({ pattern: KEY, description }).schema };
}

const change = refine(
  record({}, {
    at: INSTANT,
    cycle: integer({ min: 1, max: 120, description: "instead of at: the start of this cycle, counted from 1 (an upgrade in month 3: cycle: 3)" }),
    plan: planKey("upgrade or downgrade to this plan key of the card"),
    overage: boolean("switch overage billing on or off"),
    allowance: decimal({ min: "0", description: "a renegotiated allowance from then on" }),
    subscription_end: INSTANT,
  }, "a dated change of the simulated account's terms: at or cycle, and one of plan, overage, allowance, subscription_end"),
  (value, node, ctx) => {
    if ((value.at === undefined) === (value.cycle === undefined)) fail(ctx, node, "a change needs exactly one of at or cycle", "at: INSTANT, or cycle: N (its start)", value.at === undefined ? "neither" : "both");
    const given = (["plan", "overage", "allowance", "subscription_end"] as const).filter((k) => value[k] !== undefined);
    if (given.length !== 1) fail(ctx, node, "a change needs exactly one of plan, overage, allowance, subscription_end", "one entry per change", given.length === 0 ? "none" : given.join(", "));
    return value;
  },
);

export const scenarioCodec = record(
  {
    plan: planKey("a plan key of the card: the plan the customer is on"),
    start: INSTANT,
    cycles: integer({ min: 1, max: 120, description: "how many billing cycles to simulate" }),
  },
  {
    name: text({ description: "shown in reports" }),
    description: text(),
    card: text({ description: "the rate card, relative to this file (--card overrides it)" }),
    timezone: text({ description: "IANA time zone name; default UTC" }),
    allowance: decimal({ min: "0", description: "overrides the plan's included credits per cycle (negotiated plans)" }),
    overage: boolean("overage billing on every plan compared: requests past a plan's quota go through and are billed in money"),
    buys: text({ description: "the grant kind the customer buys where a plan runs short: one of the card's kinds to buy (default the first of topup, purchase, pack, addon, bonus it declares)" }),
    daily_limits: dictionary(decimal({ min: "0" }), { keyPattern: /^.+$/, description: "credits per local day per value of the card's daily-limit dimension (a server); * for any other" }),
    populations: list(population),
    schedules: list(schedule),
    sends: list(send),
    inventory: list(inventoryItem, { description: "created at the start unless `at` says otherwise; gauge levels are charged from the next cycle start" }),
    changes: list(change, { description: "dated changes of the account's terms, in time order (account changes:, SPEC 7): an upgrade in month 3" }),
  },
  "a burnrate scenario: a customer to simulate",
);

export type ScenarioDocument = ReturnType<typeof scenarioCodec.decode>;
