import { UserError, UserErrors, shown, type Location } from "../errors.js";
import { Decimal, type RoundingMode } from "../money.js";
import { decodeYaml } from "../yaml/codec.js";
import { nearest } from "../nearest.js";
import { cardDimensions, keyBefore, undeclaredReads, type KeyReport } from "./condition-dimensions.js";
import { cardCodec, type MeterDocument } from "./schema.js";
import { GIVEN_KINDS } from "./purchases.js";
import {
  INCLUDED,
  ONETIME,
  type Component, type Expiry, type GrantKind, type Lookup, type Meter, type Surcharge, type MeterEvent, type Plan, type Pool, type Price, type PriceTree, type RateCard,
} from "./types.js";

/** Parse and validate a rate card's YAML text. Every problem carries the file, line and column. */
export function parseRateCard(source: string, file: string): RateCard {
  const decoded = decodeYaml(source, file, cardCodec, "a rate card");
  const doc = decoded.value;
  const errors: UserError[] = [];
  const problem = (path: (string | number)[], message: string, expected?: string, found?: string) => {
    errors.push(new UserError(message, decoded.at(path), expected, found));
  };
  const problemAtKey: KeyReport = (path, key, message, expected, found) => {
    const value = decoded.at(path);
    errors.push(new UserError(message, key === undefined ? value : keyBefore(source, value, key), expected, found));
  };

  const categories = doc.categories;
  const pools = new Map<string, Pool>([...doc.pools].map(([key, p]) => [key, { key, label: p.label, whenExhausted: p.when_exhausted }]));
  // Usage past zero billed in money needs the money of a credit: without it, the overage would be billed nothing.
  for (const pool of pools.values()) {
    if (pool.whenExhausted === "overage" && doc.credit_price === undefined) problem(["pools", pool.key, "when_exhausted"], `pool ${shown(pool.key)} bills usage past zero in money, and the card gives no credit_price to bill it at`, "credit_price: the money of one credit at the top level of the card (0.01 for a credit of a cent), or when_exhausted: allow for usage past zero billed no money", "overage");
  }
  const grantKinds = new Map<string, GrantKind>([...doc.grant_kinds].map(([key, g]) => [key, {
    key,
    priority: g.priority,
    expires: toExpiry(g.expires),
    countsTowardAllowance: g.counts_toward_allowance ?? key === INCLUDED,
    paid: g.paid,
  }]));
  // The plan gives these with its fee: neither sold at credit_price nor a gift of their own, so `paid:` would say nothing true.
  for (const [key, g] of doc.grant_kinds) {
    if (g.paid !== undefined && GIVEN_KINDS.has(key)) problemAtKey(["grant_kinds", key, "paid"], "paid", `grant kind ${shown(key)} is given by the plan, with its fee: paid: does not apply to it`, `no paid: on a kind the plan gives (${[...GIVEN_KINDS].join(", ")}); paid: false is for a kind the account file grants free, as a promotion`, `paid: ${g.paid}`);
  }
  if (!grantKinds.has(INCLUDED)) problem(["grant_kinds"], `no ${shown(INCLUDED)} grant kind`, "a grant kind for the plans' allowance", [...grantKinds.keys()].join(", "));

  const plans = new Map<string, Plan>();
  for (const [key, p] of doc.plans) {
    for (const pool of p.grace?.keys() ?? []) {
      const near = pools.has(pool) ? undefined : nearest(pool, [...pools.keys()]);
      if (!pools.has(pool)) problem(["plans", key, "grace", pool], `unknown pool ${shown(pool)}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`, `one of ${[...pools.keys()].join(", ")}`, shown(pool));
    }
    const quota = p.quota && { meters: new Set(p.quota.meters), requests: p.quota.requests, overagePrice: p.quota.overage_price ?? new Decimal(0) };
    const onetime = p.onetime ?? new Decimal(0);
    if (onetime.gt(0) && !grantKinds.has(ONETIME)) problem(["plans", key, "onetime"], `one-time credits need a ${shown(ONETIME)} grant kind`, `grant_kinds.${ONETIME}`, "none");
    const only = new Map([...(p.only ?? [])].map(([dim, values]) => [dim, new Set(values)] as const));
    plans.set(key, { key, label: p.label, included: p.included, price: p.price, grace: p.grace ?? new Map(), onetime, only, quota, topups: p.topups ?? true });
  }

  const meters = new Map<string, Meter>();
  const events = new Map<string, MeterEvent>();
  const claimEvent = (name: string, event: MeterEvent, path: (string | number)[]) => {
    const owner = events.get(name);
    if (!owner) events.set(name, event);
    // Two meters' charges, or two items' ends (a meter's ended_by taking another's end event), are one name used twice.
    else if ((owner.role === "charge") === (event.role === "charge")) problem(path, `duplicate meter ${shown(name)}`, "a meter name used once", `also used by meter ${shown(owner.meter.key)}`);
    // An item's end (or a level's decrease) that is also a meter's own name, as a newcomer declares it from "ended_by
    // names the deactivating meter": "duplicate meter" said nothing of what to do (newcomer71 L1). Which of the two is
    // wrong the card cannot say (red71d: "remove this one" deleted a priced meter), so both ways are named.
    else {
      const [ending, meter] = owner.role === "charge" ? [event, owner.meter] : [owner, event.meter];
      const field = ending.role === "end" ? "ended_by" : "decreased_by";
      const does = ending.role === "end" ? "end its items" : "lower its levels";
      if (ending.meter === meter) problem(path, `meter ${shown(name)}'s ${field}: names the meter itself`, `another name: the event whose rows ${does}`, shown(name));
      else problem(path, `meter ${shown(name)} is also the ${ending.role === "end" ? "end" : "decrease"} event of meter ${shown(ending.meter.key)} (its ${field}:): a name is one or the other`, `either no meters entry for ${shown(name)}, where its rows ${does.replace("its", `${shown(ending.meter.key)}'s`)}, or another event in meters.${ending.meter.key}.${field}, where ${shown(name)} is priced of its own`, "both");
    }
  };
  for (const [key, m] of doc.meters) {
    const meter = toMeter(key, m, decoded.at(["meters", key]), (rel, message, expected, found) => problem(["meters", key, ...rel], message, expected, found), (rel) => decoded.at(["meters", key, ...rel]));
    if (!meter) continue;
    const ref = (lookup: Lookup<string>, known: ReadonlyMap<string, unknown>, what: string, field: string) => {
      const values = lookup.kind === "fixed" ? [lookup.value] : [...lookup.table.values()];
      for (const v of values) {
        if (known.has(v)) continue;
        const near = nearest(v, [...known.keys()]);
        problem(["meters", key, field], `unknown ${what} ${shown(v)}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`, `one of ${[...known.keys()].join(", ")}`, shown(v));
      }
    };
    ref(meter.category, categories, "category", "category");
    ref(meter.pool, pools, "pool", "pool");
    meters.set(key, meter);
    claimEvent(key, { role: "charge", meter }, ["meters", key]);
    if (meter.aggregation === "recurring") claimEvent(meter.endedBy, { role: "end", meter }, ["meters", key, "ended_by"]);
    if (meter.aggregation === "gauge") claimEvent(meter.decreasedBy, { role: "decrease", meter }, ["meters", key, "decreased_by"]);
  }

  for (const key of plans.keys()) {
    // The list as written, for each item's place: the plan's quota holds them as a set.
    (doc.plans.get(key)?.quota?.meters ?? []).forEach((m, i) => {
      // With the meter a typo away (newcomer70 L2: `requests` for `request`), as usage's errors name one, at the item
      // itself (red70d L3: said at the list's first).
      const near = meters.has(m) ? undefined : nearest(m, [...meters.keys()]);
      if (!meters.has(m)) problem(["plans", key, "quota", "meters", i], `unknown meter ${shown(m)}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`, `a meter of this card: ${[...meters.keys()].join(", ")}`, shown(m));
    });
  }
  cardDimensions(doc, [...meters.values()], problemAtKey);
  for (const p of doc.budgets?.plans ?? []) {
    if (!plans.has(p)) problem(["budgets", "plans"], `unknown plan ${shown(p)}`, `one of ${[...plans.keys()].join(", ")}`, shown(p));
  }

  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new UserErrors(errors);
  const precision = doc.precision ?? {};
  return {
    file,
    provider: doc.provider,
    version: doc.version,
    effective: doc.effective ?? "",
    effectiveAt: decoded.at(doc.effective === undefined ? [] : ["effective"]),
    providerAt: decoded.at(["provider"]),
    applies: doc.applies ?? "at_once",
    planChanges: {
      // The app builder (001): AI features stay unavailable "until your AI credits reset, you upgrade your
      // plan, or you purchase a credit pack", and "AI credits reset monthly based on your subscription plan":
      // an upgrade serves at once and the reset date stays, so the new allowance's difference is granted now.
      // new_cycle (the reset date moves to the upgrade) is a card's choice: Flikly (003) says "Paid plan credits
      // refresh at the start of each billing period", but no seed says an upgrade starts a billing period.
      upgrade: doc.plan_changes?.upgrade ?? "difference",
      // Flikly (003): "Paid included credits refresh each billing period and do not roll over": the credits of
      // the period already paid for stay until it ends, so a downgrade applies at the next cycle start.
      downgrade: doc.plan_changes?.downgrade ?? "next_cycle",
    },
    unit: doc.unit,
    currency: doc.currency ?? "USD",
    creditPrice: doc.credit_price,
    precision: {
      display: precision.display ?? 2,
      rounding: (precision.rounding ?? "half-even") as RoundingMode,
      roundAt: precision.round_at ?? "none",
      step: precision.step ?? new Decimal("0.01"),
    },
    cycle: { period: doc.cycle?.period ?? "monthly" },
    categories,
    pools,
    grantKinds,
    plans,
    thresholds: [...new Set(doc.thresholds?.percent_of_allowance ?? [])].sort((a, b) => a - b),
    crossing: doc.crossing ?? "reject",
    lowBalance: doc.low_balance,
    rewards: doc.rewards,
    budgets: doc.budgets && { dimension: doc.budgets.dimension, plans: doc.budgets.plans && new Set(doc.budgets.plans), alerts: [...new Set(doc.budgets.alerts ?? [])].sort((a, b) => a - b) },
    dailyLimits: doc.daily_limits,
    meters,
    events,
    undeclared: undeclaredReads(doc, [...meters.values()], source, decoded.at),
  };
}

function toExpiry(e: "never" | "cycle_end" | { after_months: number; at_latest?: "subscription_end" }): Expiry {
  if (e === "never" || e === "cycle_end") return { kind: e };
  return { kind: "after_months", months: e.after_months, capAtSubscriptionEnd: e.at_latest === "subscription_end" };
}

type Report = (path: (string | number)[], message: string, expected?: string, found?: string) => void;

function toMeter(key: string, m: MeterDocument, location: Location, report: Report, at: (rel: (string | number)[]) => Location): Meter | undefined {
  const dimensions = m.dimensions ?? [];
  const keyBy = m.key;
  const known = new Set([...dimensions, ...(keyBy ?? [])]);
  let ok = true;
  const bad: Report = (...args) => {
    ok = false;
    report(...args);
  };
  const needDimension = (dim: string, path: (string | number)[]) => {
    const near = known.has(dim) ? undefined : nearest(dim, [...known]);
    if (!known.has(dim)) bad(path, `dimension ${shown(dim)} is not declared${near ? `; did you mean ${shown(near)}?` : ""}`, `one of the meter's dimensions or key (${[...known].join(", ") || "none"})`, shown(dim));
  };

  const price: Price = m.price instanceof Decimal ? { kind: "flat", value: m.price } : { kind: "table", by: m.price.by, tree: m.price.table };
  if (price.kind === "table") {
    price.by.forEach((d, i) => needDimension(d, ["price", "by", i]));
    checkDepth(price.tree, price.by.length, ["price", "table"], bad);
  }
  const category = toLookup(m.category);
  const pool = toLookup(m.pool);
  if (category.kind === "by") needDimension(category.dimension, ["category", "by"]);
  if (pool.kind === "by") needDimension(pool.dimension, ["pool", "by"]);
  const surcharges = (m.surcharges ?? []).flatMap((s, i): Surcharge[] => {
    if ((s.add === undefined) === (s.per_event === undefined)) {
      bad(["surcharges", i], "a surcharge needs exactly one of add and per_event", "add: CREDITS or per_event: CREDITS", s.add === undefined ? "neither" : "both");
      return [];
    }
    const name = s.name ?? "surcharge";
    return [s.add !== undefined ? { name, when: s.when, kind: "per_unit", amount: s.add } : { name, when: s.when, kind: "per_event", amount: s.per_event! }];
  });
  const components = [...(m.components ?? [])].map(([name, p]): Component => {
    const priced: Price = p instanceof Decimal ? { kind: "flat", value: p } : { kind: "table", by: p.by, tree: p.table };
    if (priced.kind === "table") {
      priced.by.forEach((d, i) => needDimension(d, ["components", name, "by", i]));
      checkDepth(priced.tree, priced.by.length, ["components", name, "table"], bad);
    }
    if (known.has(name)) bad(["components", name], `component ${shown(name)} is also a dimension`, "a quantity column that is not a dimension", shown(name));
    return { name, price: priced };
  });
  if (components.length > 0 && m.aggregation !== "flow") bad(["components"], `components apply to flow meters only`, "no components", `a ${m.aggregation} meter`);


  const needs = (field: string, present: unknown, wanted: boolean) => {
    if (wanted && present === undefined) bad([], `a ${m.aggregation} meter needs ${shown(field)}`, `key ${field}`, "none");
    if (!wanted && present !== undefined) bad([field], `${shown(field)} does not apply to a ${m.aggregation} meter`, "no such key", field);
  };
  needs("key", keyBy, m.aggregation !== "flow");
  needs("ended_by", m.ended_by, m.aggregation === "recurring");
  needs("decreased_by", m.decreased_by, m.aggregation === "gauge");
  if (!ok) return undefined;

  const common = {
    key,
    description: m.description,
    category,
    pool,
    dimensions,
    price,
    surcharges,
    components,
    exemptWhen: m.exempt_when,
    labels: m.labels ?? [],
    location,
    conditionsAt: {
      surcharges: surcharges.map((s, i) => new Map([...s.when.keys()].map((dim) => [dim, at(["surcharges", i, "when", dim])]))),
      exemptWhen: new Map([...(m.exempt_when?.keys() ?? [])].map((dim) => [dim, at(["exempt_when", dim])])),
    },
  };
  switch (m.aggregation) {
    case "flow":
      return { ...common, aggregation: "flow" };
    case "unique":
      return { ...common, aggregation: "unique", keyBy: keyBy! };
    case "recurring":
      return { ...common, aggregation: "recurring", keyBy: keyBy!, endedBy: m.ended_by! };
    case "gauge":
      return { ...common, aggregation: "gauge", keyBy: keyBy!, decreasedBy: m.decreased_by! };
  }
}

function toLookup(value: string | { by: string; table: Map<string, string> }): Lookup<string> {
  return typeof value === "string" ? { kind: "fixed", value } : { kind: "by", dimension: value.by, table: value.table };
}

function checkDepth(tree: ReadonlyMap<string, PriceTree>, depth: number, path: (string | number)[], bad: Report): void {
  for (const [k, child] of tree) {
    const leaf = child instanceof Decimal;
    if (depth === 1 && !leaf) bad([...path, k], "price table is deeper than `by`", "a price", "a mapping");
    else if (depth > 1 && leaf) bad([...path, k], "price table is shallower than `by`", `a mapping by ${depth - 1} more dimension(s)`, "a price");
    else if (!leaf) checkDepth(child as ReadonlyMap<string, PriceTree>, depth - 1, [...path, k], bad);
  }
}

