import { dirname, isAbsolute, resolve as resolvePath } from "node:path";
import { atFlag, formatLocation, UserError, UserErrors, shown, type Location, type Place } from "../errors.js";
import { itemKey, resolve, unitPrice, Unpriced } from "../engine/pricing.js";
import { eventFallbackMisses } from "../engine/fallback-prices.js";
import { loadCard, loadNamedCard, readText } from "../inputs.js";
import { ONE, type Decimal } from "../money.js";
import type { Meter, RateCard } from "../ratecard/types.js";
import { Calendar, DATE_OR_INSTANT, fixedZoneAdvice, formatInstant, parseInstant, Zone, type Instant } from "../time.js";
import type { AccountChange, ChangeKind } from "../engine/types.js";
import { ACCOUNT } from "./expand.js";
import { cardVersions, versionsOn } from "../ratecard/versions.js";
import { cardNamedValues, conditionNearMiss, conditionNearMissError, nearMiss } from "../ratecard/condition-values.js";
import { decodeYaml, type Decoded } from "../yaml/codec.js";
import { nearest } from "../nearest.js";
import { planGuess } from "../account/account.js";
import { scenarioCodec, type ScenarioDocument } from "./schema.js";
import { cardInForce, scenarioPlans, versionNames } from "./plans.js";
import { checkScenarioSize } from "./size.js";
import { planFlagNotes, zeroDrawNotes } from "./notes.js";
import type { Activity, Drawn, Population, Scenario, Timed, UserActivity } from "./types.js";
import { readColumnsFor } from "../usage/card-columns.js";
import { itemComponents } from "./item-components.js";
import { kindsNote, purchaseKind } from "./purchase-kind.js";

/** What the command line may say over the scenario file. */
export interface ScenarioFlags {
  /** One card, or versions of one provider's card (`--card` repeated). */
  card?: string | readonly string[];
  plan?: string;
  /** Where `plan` is written, for its errors: the --plan flag, or a test case's `plan:` (newcomer72b L1: a case's plan was told as --plan). */
  planAt?: Place;
  /** How the scenario will be replayed, so that one too large to fit is refused before it starts. */
  comparePlans?: boolean;
  samples?: number;
}

/** Read a scenario file and the card it names, and check every activity against that card. */
export function loadScenario(file: string, flags: ScenarioFlags = {}): Scenario {
  const decoded = decodeYaml(readText(file), file, scenarioCodec, "a scenario");
  const flagged = typeof flags.card === "string" ? [flags.card] : flags.card;
  const cardFile = flagged?.[0] ?? (decoded.value.card === undefined ? undefined : resolvePath(dirname(file), decoded.value.card));
  if (cardFile === undefined) throw new UserError("no rate card", decoded.at([]), "card: in the scenario, or --card FILE", "neither");
  const card = flagged !== undefined ? cardVersions(flagged.map(loadCard)) : loadNamedCard(cardFile, decoded.at(["card"]), "the scenario");
  const scenario = resolveScenario(decoded, file, card, { path: cardFile, absolute: isAbsolute(flagged?.[0] ?? decoded.value.card ?? "") }, flags);
  checkScenarioSize(scenario, { plans: flags.comparePlans ? scenario.plans.size : 1, samples: flags.samples ?? 0 }, decoded.at);
  return scenario;
}

/** Turn a decoded scenario into one the expander can trust: known meters, complete dimensions, resolvable prices. */
function resolveScenario(decoded: Decoded<ScenarioDocument>, file: string, given: RateCard, givenFile: { path: string; absolute: boolean }, flags: ScenarioFlags = {}): Scenario {
  const doc = decoded.value;
  const errors: UserError[] = [];
  const at = (path: (string | number)[]) => decoded.at(path);
  const check = (what: () => void) => {
    try {
      what();
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      errors.push(...(e instanceof UserErrors ? e.errors : [e]));
    }
  };

  const zoneName = doc.timezone ?? "UTC";
  const zone = Zone.of(zoneName);
  if (!zone) throw new UserError(`unknown time zone${Zone.guess(zoneName)}`, at(["timezone"]), "an IANA name such as Europe/London", shown(zoneName));
  const zoneAdvice = fixedZoneAdvice(zone);

  const instant = (text: string, path: (string | number)[]): Instant => {
    const parsed = parseInstant(text, zone);
    if (!parsed.ok) throw new UserError(parsed.problem, at(path), parsed.problem === "bad timestamp" ? DATE_OR_INSTANT : parsed.expected, shown(text));
    return parsed.at;
  };
  const start = instant(doc.start, ["start"]);
  const calendar = new Calendar(start, zone);
  const horizon = calendar.start(doc.cycles);

  // The plans of the versions in force over the cycles: a plan a later version adds is one (red team, stop 38).
  const plans = scenarioPlans(given, calendar, doc.cycles);
  const card = cardInForce(given, plans);
  // The emitted account file names the card replayed: the first version in force, where it is not the first given.
  const firstInForce = card.versions?.[0] ?? card;
  const cardFile = card === given ? givenFile : { path: firstInForce.file, absolute: isAbsolute(firstInForce.file) };
  const named = cardNamedValues(card);
  const offered = `a plan of ${card.provider} ${versionNames(plans.versions)}: ${[...plans.everywhere.keys()].join(", ")}`;
  const planKey = flags.plan ?? doc.plan;
  const planAt: Place = flags.plan !== undefined ? flags.planAt ?? atFlag("--plan") : at(["plan"]);
  const partly = plans.somewhere.get(planKey);
  if (partly !== undefined) throw new UserError(`plan ${shown(planKey)} is not offered by version ${versionNames(partly.missingFrom)} of the card, in force over the simulated cycles`, planAt, `${offered} (every version in force offers it), or a start and cycles that version ${versionNames(partly.offeredBy)} prices alone`, shown(planKey));
  const plan = plans.everywhere.get(planKey);
  if (!plan) throw new UserError(`unknown plan ${shown(planKey)}${planGuess(planKey, plans.everywhere.keys())}`, planAt, offered, shown(planKey));
  const buys = purchaseKind(card, doc.buys, () => at(["buys"]));
  const within = (text: string, path: (string | number)[]): Instant => {
    const when = instant(text, path);
    if (when < start || when >= horizon) {
      throw new UserError("outside the simulated cycles", at(path), `an instant from ${formatInstant(start)} to before ${formatInstant(horizon)}`, shown(text));
    }
    return when;
  };

  /** Warnings for values a "*" entry prices that the card lists written otherwise, each once. */
  const fallbackMisses = new Map<string, string>();
  /** What the card reads of a row (every version's), as a usage file's columns are checked against it. */
  const read = readColumnsFor(card);
  const dimensionsRead = new Set([...read.names].filter((name) => read.components?.has(name) !== true));
  /** The meter event an item names, with the dimensions its rows must carry checked and its price looked up once. */
  const activity = (item: Item, allowed: (role: string, aggregation: string) => string | undefined, extra: Record<string, string> = {}): Activity => {
    const { path, meter: meterName, dims } = item;
    const origin = at(path);
    const event = card.events.get(meterName);
    if (!event) {
      const near = nearest(meterName, [...card.events.keys()]);
      // The card's meters, as an unknown plan lists the plans: a meter renamed is no typo of the old name (newcomer72b L2).
      throw new UserError(`unknown meter ${shown(meterName)}${near ? `; did you mean ${shown(near)}?` : ""}`, at([...path, "meter"]), `a meter of ${card.provider} ${card.version}${near ? "" : `: ${listed([...card.events.keys()])}`}`, shown(meterName));
    }
    const refusal = allowed(event.role, event.meter.aggregation);
    if (refusal) throw new UserError(`meter ${shown(meterName)} cannot be used here`, at([...path, "meter"]), refusal, `a ${event.role === "charge" ? event.meter.aggregation : `${event.role} event of a ${event.meter.aggregation}`} meter`);
    const { meter } = event;
    const all = { ...dims, ...extra };
    const needed = event.role === "charge" ? [...meter.dimensions, ...("keyBy" in meter ? meter.keyBy : [])] : "keyBy" in meter ? meter.keyBy : [];
    for (const dim of new Set(needed)) {
      // A near miss of the missing name is a typo of it: named at its key, not as the dimension left out.
      const typo = all[dim] === undefined ? Object.keys(dims).find((given) => !needed.includes(given) && nearest(given, [dim]) !== undefined) : undefined;
      if (typo !== undefined) throw new UserError(`unknown dimension ${shown(typo)}; did you mean ${shown(dim)}?`, at([...path, "dimensions", typo]), `dimensions: { ${dim}: ... } (meter ${shown(meterName)} needs it)`, shown(typo));
      if (all[dim] === undefined) throw new UserError(`meter ${shown(meterName)} needs dimension ${shown(dim)}`, at([...path, "dimensions"]), `dimensions: { ${dim}: ... } on this item${path[0] === "populations" ? " or its population" : ""}`, "none");
    }
    // A key nothing on the card reads is a typo, which would price the rows without the surcharge or table entry it
    // meant (newcomer58a H1: `websearch: "true"` dropped the +15 web-search surcharge, exit 0), as a usage column is.
    for (const given of Object.keys(dims)) {
      if (dimensionsRead.has(given)) continue;
      if (meter.components.some((c) => c.name === given)) throw new UserError(`${shown(given)} is a component of meter ${shown(meterName)}, not a dimension`, at(item.dimensionAt?.(given) ?? [...path, "dimensions", given]), `components: { ${given}: ... } on this item`, shown(given));
      const near = nearest(given, [...dimensionsRead]);
      throw new UserError(`unknown dimension ${shown(given)}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`, at(item.dimensionAt?.(given) ?? [...path, "dimensions", given]), `a dimension ${card.provider} ${card.version} reads: ${[...dimensionsRead].sort().map((d) => shown(d)).join(", ")}`, shown(given));
    }
    if (event.role === "charge") {
      const miss = conditionNearMiss(meter, all, named);
      if (miss) throw conditionNearMissError(miss, meterName, at(item.dimensionAt?.(miss.dimension) ?? [...path, "dimensions", miss.dimension]));
      // A value the card's "*" entry would price though the card lists it written otherwise (GPT-4o for gpt-4o): told, as
      // statement tells it, at the scenario's value (red team, stop 36: 12 cents where the card's gpt-4o gives 350).
      for (const f of eventFallbackMisses(meter, all)) {
        const where = formatLocation(at(item.dimensionAt?.(f.dimension) ?? [...path, "dimensions", f.dimension]));
        fallbackMisses.set(`${meterName}\u0000${f.dimension}\u0000${f.value}`, `burnrate: warning: ${where}: ${f.dimension} ${shown(f.value)} on meter ${shown(meterName)} is priced by the card's "*" entry, but the card prices ${shown(f.named)}, which it is written for (its letters, a gateway's prefix or a release): if it is that ${f.dimension}, write ${shown(f.named)}\n`);
      }
    }
    let components: Activity["components"];
    const { means, drawn } = perEventComponents(item.components);
    if (event.role === "charge") {
      try {
        unitPrice(meter, all, origin);
        resolve(meter.pool, all, "pool", meter, origin);
        resolve(meter.category, all, "category", meter, origin);
        components = itemComponents({ meterName, versions: card.versions ?? [card], dims: all, item: { ...item, components: means }, at });
      } catch (e) {
        // A value no price names is told at the value, as a usage file's is at its cell (newcomer65b L1: at the item).
        if (e instanceof Unpriced && e.location !== undefined && !("flag" in e.location)) throw new Unpriced(e.dimension, e.value, e.problem, at(item.dimensionAt?.(e.dimension) ?? [...path, "dimensions", e.dimension]), e.expected ?? "");
        throw e;
      }
    } else if (item.components !== undefined) {
      throw new UserError(`${shown(meterName)} ends or lowers an item and has no components`, at([...path, "components"]), "no components: on this item", "components");
    }
    const perEvent = event.role === "charge" && meter.surcharges.some((x) => x.kind === "per_event" && [...x.when].every(([d, v]) => all[d] === v));
    return { meter: meterName, dimensions: dims, components, drawn: components ? drawn : {}, perEvent, origin };
  };

  const populations: Population[] = [];
  const userNamed: string[] = [];
  // A population's name names its users (NAME-1, NAME-2): two of one name would be the same users, counted once by a
  // unique meter and one account under billing: per_user (red team, stop 38: 20 end-users priced as 10).
  const firstNamed = new Map<string, number>();
  (doc.populations ?? []).forEach((p, i) => {
    const first = firstNamed.get(p.name);
    if (first !== undefined) errors.push(new UserError(`population ${shown(p.name)} named twice: its users would be the first one's users`, at(["populations", i, "name"]), "a name of its own for each population (it names the users: NAME-1, NAME-2, ...)", `${shown(p.name)} again, first at line ${at(["populations", first, "name"]).line}`));
    else firstNamed.set(p.name, i);
    const userDimension = p.user_dimension ?? "user";
    const activities: UserActivity[] = [];
    p.per_user.forEach((u, j) => check(() => {
      const path = ["populations", i, "per_user", j];
      const event = card.events.get(u.meter);
      const unique = event?.role === "charge" && event.meter.aggregation === "unique";
      const dims = { ...(p.dimensions ? Object.fromEntries(p.dimensions) : {}), ...(u.dimensions ? Object.fromEntries(u.dimensions) : {}) };
      const dimensionAt = (dim: string) => (u.dimensions?.has(dim) ? [...path, "dimensions", dim] : ["populations", i, "dimensions", dim]);
      const made = activity({ path, meter: u.meter, dims, components: u.components, dimensionAt }, (role, aggregation) =>
        role === "charge" && (aggregation === "flow" || aggregation === "unique") ? undefined : "a flow or unique meter (projects, channels, storage and records belong under inventory)",
        unique ? { [userDimension]: `${p.name}-1` } : {});
      if (unique && event.role === "charge" && "keyBy" in event.meter && !event.meter.keyBy.includes(userDimension)) {
        throw new UserError(`unique meter ${shown(u.meter)} does not tell users apart by ${shown(userDimension)}`, at([...path, "meter"]), `user_dimension: one of ${event.meter.keyBy.join(", ")} on the population`, shown(userDimension));
      }
      // Each user is named on a unique meter (NAME-1, NAME-2): a value written for the dimension was replaced without a
      // word, and 1,000 users of "bob" were priced as 1,000 end-users (red63 L5).
      const written = dims[userDimension];
      if (unique && written !== undefined) userNamed.push(`burnrate: warning: ${formatLocation(at(dimensionAt(userDimension)))}: ${shown(userDimension)} names each user of population ${shown(p.name)} on unique meter ${shown(u.meter)} (${p.name}-1, ${p.name}-2, ...), and ${shown(written)} is not used: ${p.users === 1 ? "leave it out" : "its users are counted apart; for one end-user, users: 1"}\n`);
      activities.push({ ...made, perUser: u.quantity, unique, distribution: u.distribution ?? p.distribution ?? "poisson" });
    }));
    populations.push({ name: p.name, origin: at(["populations", i]), users: p.users, growth: p.growth, userDimension, perUser: p.billing === "per_user", activities });
  });
  const warnings = [
    ...(zoneAdvice === undefined ? [] : [`burnrate: warning: ${formatLocation(at(["timezone"]))}: ${zoneAdvice}\n`]),
    ...userNamed,
    ...populations.flatMap((p, i) => emptied(p, doc.cycles, () => at(["populations", i, "growth"]))),
    ...populations.flatMap((p, i) => nobody(p, doc.cycles, () => at(["populations", i, "users"]))),
    ...(flags.comparePlans ? [...plans.somewhere].map(([key, p]) => `burnrate: warning: --compare-plans: plan ${shown(key)} (${p.plan.label}) is offered by version ${versionNames(p.offeredBy)} of the card and not by ${versionNames(p.missingFrom)}, in force over the simulated cycles: not compared; simulate over cycles that ${versionNames(p.offeredBy)} prices alone to price it\n`) : []),
  ];

  const timed: Timed[] = [];
  const anyMeter = () => undefined;
  (doc.schedules ?? []).forEach((s, i) => check(() => {
    const made = activity({ path: ["schedules", i], meter: s.meter, dims: s.dimensions ? Object.fromEntries(s.dimensions) : {}, components: s.components }, anyMeter);
    timed.push({ ...made, label: s.name ?? s.meter, kind: "schedule", quantity: s.quantity ?? ONE, when: { kind: "schedule", schedule: s.every } });
  }));
  (doc.sends ?? []).forEach((s, i) => check(() => {
    const made = activity({ path: ["sends", i], meter: s.meter, dims: s.dimensions ? Object.fromEntries(s.dimensions) : {}, components: s.components }, anyMeter);
    const when: Timed["when"] = s.every !== undefined ? { kind: "schedule", schedule: s.every } : { kind: "once", at: within(s.at!, ["sends", i, "at"]) };
    timed.push({ ...made, label: s.name ?? s.meter, kind: "send", quantity: s.quantity, when });
  }));
  (doc.inventory ?? []).forEach((item, i) => check(() => {
    const path = ["inventory", i];
    const made = activity({ path, meter: item.meter, dims: item.dimensions ? Object.fromEntries(item.dimensions) : {}, components: undefined }, (role, aggregation) =>
      role === "charge" && (aggregation === "recurring" || aggregation === "gauge") ? undefined : "a recurring or gauge meter (a project, a published channel, storage, records)");
    const meter = card.meters.get(item.meter)!;
    if (meter.aggregation === "gauge" && item.quantity === undefined) throw new UserError(`gauge ${shown(item.meter)} needs a level`, at(path), "quantity: the level, such as 1 (GB) or 10000 (records)", "none");
    if (meter.aggregation === "recurring" && item.quantity !== undefined && !item.quantity.eq(1)) {
      throw new UserError(`recurring item ${shown(item.meter)} is one item`, at([...path, "quantity"]), "no quantity (one item per entry; give each its own dimensions)", item.quantity.toFixed());
    }
    const when = item.at === undefined ? start : within(item.at, [...path, "at"]);
    timed.push({ ...made, label: item.name ?? item.meter, kind: "inventory", quantity: item.quantity ?? ONE, when: { kind: "once", at: when } });
  }));
  checkDistinctItems(timed, card, errors);

  const changes: AccountChange[] = [];
  check(() => (doc.changes ?? []).forEach((c, i) => {
    const path = ["changes", i];
    const when = c.cycle !== undefined ? calendar.start(c.cycle - 1) : within(c.at!, [...path, "at"]);
    if (c.cycle !== undefined && c.cycle > doc.cycles) throw new UserError("outside the simulated cycles", at([...path, "cycle"]), `a cycle from 1 to ${doc.cycles}`, String(c.cycle));
    const previous = changes.at(-1);
    if (previous !== undefined && when <= previous.at) throw new UserError(when === previous.at ? "two changes at one instant" : "changes out of time order", at(path), `an instant after ${formatInstant(previous.at)}`, formatInstant(when));
    let kind: ChangeKind;
    if (c.plan !== undefined) {
      // A plan some version in force offers: one a version in force after the change lacks is the engine's located error.
      const to = plans.everywhere.get(c.plan) ?? plans.somewhere.get(c.plan)?.plan;
      if (to === undefined) throw new UserError(`unknown plan ${shown(c.plan)}${planGuess(c.plan, plans.everywhere.keys())}`, at([...path, "plan"]), offered, shown(c.plan));
      kind = { kind: "plan", plan: to };
    } else if (c.overage !== undefined) kind = { kind: "overage", on: c.overage };
    else if (c.subscription_end !== undefined) {
      // The subscription ends (the account file's rule, docs/timelines.md): the simulated cycles after it owe no fee.
      const end = instant(c.subscription_end, [...path, "subscription_end"]);
      if (end < when) throw new UserError("subscription end before its change", at([...path, "subscription_end"]), `an instant on or after the change's ${formatInstant(when)}`, shown(c.subscription_end));
      kind = { kind: "subscription_end", end };
    }
    else kind = { kind: "allowance", allowance: c.allowance! };
    changes.push({ at: when, account: ACCOUNT, change: kind, origin: at(path) });
  }));

  // As an account file's (account.ts): on a card of no daily limits they cap nothing, and a quote read them as applied
  // (new67 M4: `daily_limits:` on Floopy, exit 0 and the figures of none).
  if (doc.daily_limits !== undefined && card.dailyLimits === undefined) errors.push(new UserError("daily_limits need a card that declares them", at(["daily_limits"]), "a card with daily_limits:", `${card.provider} without`));
  errors.push(...limitKeyMisses({ card, keys: doc.daily_limits, activities: [...populations.flatMap((p) => p.activities), ...timed], at: (key) => at(["daily_limits", key]) }));
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new UserErrors(errors);
  // A plan change is the scenario's own account's story; each user of a per_user population stays on the plan compared,
  // which the header's "Standard, then Super" did not say (red team, stop 36: users ran out on Standard in both cycles).
  const firstMove = changes.find((c) => c.change.kind === "plan");
  const payers = populations.filter((p) => p.perUser).map((p) => shown(p.name));
  if (firstMove !== undefined && payers.length > 0) {
    warnings.push(`burnrate: warning: ${formatLocation(firstMove.origin)}: a plan change moves the scenario's own account only; the users of ${payers.join(", ")} (billing: per_user) stay on the plan compared (${plan.label} here) as accounts of their own\n`);
  }
  return {
    file,
    name: doc.name ?? file.replace(/^.*[\\/]/, "").replace(/\.ya?ml$/, ""),
    card,
    cardFile: cardFile.path,
    cardAbsolute: cardFile.absolute,
    plan,
    plans: plans.everywhere,
    allowance: flags.plan !== undefined && flags.plan !== doc.plan ? undefined : doc.allowance,
    start,
    cycles: doc.cycles,
    zone,
    populations,
    timed,
    changes,
    overage: doc.overage ?? false,
    ...(buys === undefined ? {} : { buys }),
    dailyLimits: doc.daily_limits ?? new Map(),
    warnings: [...fallbackMisses.values(), ...warnings],
    notes: [
      ...(flags.samples ? zeroDrawNotes(populations, (i, j) => at(["populations", i, "per_user", j])) : []),
      ...planFlagNotes(card, { written: plans.everywhere.get(doc.plan), flagged: plan, allowance: doc.allowance }, changes, versionsOn(card, calendar)),
      ...(doc.buys === undefined ? kindsNote(card, at([])) : []),
    ],
  };
}

/**
 * Users taken away each cycle (`growth: -50`) stop at 0, where the arithmetic would go on below it: a
 * quote then holds cycles without that population's usage, though the plan's price is still paid. The
 * run goes on, as a churn to nobody is a story worth pricing, but says so on standard error, at the growth.
 */
function emptied(population: Population, cycles: number, growthAt: () => Location): string[] {
  const { growth, users } = population;
  if (growth?.kind !== "absolute" || growth.step >= 0 || users === 0) return [];
  if (users + (cycles - 1) * growth.step >= 0) return [];
  // The first cycle (1-based) whose count reaches 0: the ones after it would be below.
  const empty = Math.ceil(users / -growth.step) + 1;
  return [`burnrate: warning: ${formatLocation(growthAt())}: population ${shown(population.name)} has no users left from cycle ${empty} of ${cycles} (${users.toLocaleString("en-US")} users, ${growth.step} a cycle): the count stops at 0, so cycles ${empty} to ${cycles} have none of its usage\n`];
}

/**
 * A population of 0 users that no growth fills: none of its usage in any cycle, most often a count mistyped or left at
 * 0 while the scenario was written (newcomer65b L3: 950 light users gone from a quote of 1,000, exit 0, no word).
 */
function nobody(population: Population, cycles: number, usersAt: () => Location): string[] {
  const { growth, users } = population;
  if (users !== 0) return [];
  const grows = growth !== undefined && (growth.kind === "absolute" ? growth.step > 0 && cycles > 1 : false);
  if (grows) return [];
  return [`burnrate: warning: ${formatLocation(usersAt())}: population ${shown(population.name)} has 0 users${growth?.kind === "percent" ? ", which a percentage grows to none" : ""}: none of its usage is in any cycle\n`];
}

/** One item of the scenario as the checks read it: where it is, its meter, its rows' dimensions and the components it gives. */
interface Item<C = ComponentValue> {
  path: (string | number)[];
  meter: string;
  dims: Record<string, string>;
  components: ReadonlyMap<string, C> | undefined;
  /** Where a dimension's value is written, when not on the item itself (a population's, for its per_user items). */
  dimensionAt?: (dimension: string) => (string | number)[];
}

type ComponentValue = NonNullable<NonNullable<ScenarioDocument["schedules"]>[number]["components"]> extends ReadonlyMap<string, infer V> ? V : never;

/**
 * Components as written: a number per event, or a mean drawn under --samples.
 * Without --samples a drawn component is its mean, as a quantity is.
 */
function perEventComponents(given: ReadonlyMap<string, ComponentValue> | undefined): { means: ReadonlyMap<string, Decimal> | undefined; drawn: Record<string, Drawn> } {
  const drawn: Record<string, Drawn> = {};
  if (given === undefined) return { means: undefined, drawn };
  const means = new Map<string, Decimal>();
  for (const [name, value] of given) {
    if (!("mean" in value)) {
      means.set(name, value);
      continue;
    }
    means.set(name, value.mean);
    const distribution = value.distribution ?? "poisson";
    if (distribution !== "fixed") drawn[name] = distribution;
  }
  return { means, drawn };
}

/** Two inventory entries for the same recurring item would be one item to the engine: say so rather than charge once. */
function checkDistinctItems(timed: readonly Timed[], card: RateCard, errors: UserError[]): void {
  // An item ended in between may start again: a relaunch after a takedown, each a send (red63c M3).
  const endedBy = new Map<string, Meter & { aggregation: "recurring" }>();
  for (const m of card.meters.values()) if (m.aggregation === "recurring") endedBy.set(m.endedBy, m);
  const at = (t: Timed) => (t.when.kind === "once" ? t.when.at : 0);
  const active = new Map<string, Location>();
  for (const t of timed.filter((x) => x.when.kind === "once").sort((a, b) => at(a) - at(b))) {
    const meter = card.meters.get(t.meter);
    const ends = endedBy.get(t.meter);
    if (ends !== undefined) active.delete(`${ends.key}\u0000${itemKey(ends.keyBy, t.dimensions)}`);
    if (meter?.aggregation !== "recurring") continue;
    const key = `${t.meter}\u0000${itemKey(meter.keyBy, t.dimensions)}`;
    const first = active.get(key);
    if (first) errors.push(new UserError(`the same ${shown(t.meter)} item twice`, t.origin, `different ${meter.keyBy.join(", ")} for each item, or an end of it between`, `the same as line ${first.line}`));
    else active.set(key, t.origin);
  }
}

/**
 * A daily limit keyed by a value none of the scenario's items carries, one slip from one that does (`Dental` for the
 * server `dental`): the limit caps nothing, and the projection runs the server's credits out in silence where the
 * statement of the same usage warns (red team, stop 37). The scenario's items are all the usage it makes, so the key
 * is a typo that changes the quote: refused at its entry (newcomer58a L7: `report` for `reports` quoted 6,727.50
 * credits for 5,276.70, with a warning and exit 0). A key one slip from no value names a server the scenario does
 * not use, and caps nothing to no one's loss; so does a key one slip from a server with a limit of its own, or a digit
 * from one (`srv-2` beside `srv-1`): another server's limit.
 */
function limitKeyMisses({ card, keys, activities, at }: { card: RateCard; keys: ReadonlyMap<string, Decimal> | undefined; activities: readonly Activity[]; at: (key: string) => Location }): UserError[] {
  const dimension = card.dailyLimits?.dimension;
  if (dimension === undefined || keys === undefined) return [];
  const values = new Set(activities.flatMap((a) => (a.dimensions[dimension] === undefined ? [] : [a.dimensions[dimension]!])));
  return [...keys.keys()].flatMap((key) => {
    if (key === "*" || values.has(key)) return [];
    // Not a server with a limit of its own, nor one a digit apart (srv-2 beside srv-1): a key for another server, pasted from an account's block (red59 F6).
    const value = [...values].find((v) => !keys.has(v) && nearMiss(key, v));
    if (value === undefined) return [];
    const capped = keys.has("*") ? 'the "*" daily limit' : "no daily limit";
    return [new UserError(`the daily limit for ${dimension} ${shown(key)} names no ${dimension} of the scenario, which has ${shown(value)}; did you mean ${shown(value)}?`, at(key), `a ${dimension} of the scenario's items (${shown(value)}'s spending is capped by ${capped} as written)`, shown(key))];
  });
}

/** Names for a message: all of them up to a dozen, else the first dozen and how many more. */
function listed(names: readonly string[]): string {
  return names.length <= 12 ? names.join(", ") : `${names.slice(0, 12).join(", ")} and ${names.length - 12} more`;
}
