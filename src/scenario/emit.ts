import { relative } from "node:path";
import { siftDown } from "../usage/heap.js";
import { formatExact } from "../money.js";
import { formatInstant } from "../time.js";
import type { Calendar } from "../time.js";
import type { UsageEvent } from "../engine/types.js";
import { ACCOUNT, expand, expandUser, usersIn } from "./expand.js";
import type { PlanResult } from "./simulate.js";
import { onetimeAtJoin, type AccountSpend } from "./accounts.js";
import { subscriptionOf, type Subscription } from "./user-spans.js";
import { TOPUP } from "../ratecard/purchases.js";
import { ONETIME, type Plan } from "../ratecard/types.js";
import type { Activity, Scenario } from "./types.js";

/**
 * `--emit-usage DIR`: the scenario's usage as a canonical usage CSV, and an
 * account file naming the card, so that `burnrate statement` on them gives the
 * simulation's per-cycle totals.
 */

/** Every dimension and component any row of the scenario carries, sorted: the CSV's columns after timestamp, meter, quantity. */
function usageColumns(scenario: Scenario): string[] {
  const dims = new Set<string>();
  const add = (a: Activity) => {
    for (const d of Object.keys(a.dimensions)) dims.add(d);
    for (const c of Object.keys(a.components ?? {})) dims.add(c);
  };
  for (const t of scenario.timed) add(t);
  for (const p of scenario.populations) {
    for (const a of p.activities) {
      add(a);
      if (a.unique) dims.add(p.userDimension);
    }
  }
  const accounts = scenario.populations.some((p) => p.perUser) ? ["account"] : [];
  return ["timestamp", "meter", "quantity", ...accounts, ...[...dims].sort()];
}

/**
 * The usage CSV, a line at a time. Meters, dimension values and names are held
 * to the card's and the scenario's key patterns (letters, digits and `_.:/+@-`,
 * never a comma, quote or leading formula sign), so no cell needs quoting.
 */
export function* usageCsvLines(scenario: Scenario, calendar: Calendar): Generator<string> {
  const columns = usageColumns(scenario);
  const dims = columns.slice(3);
  yield `${columns.join(",")}\n`;
  const line = (e: UsageEvent) => {
    const cell = (d: string) => (d === "account" ? e.account : e.dimensions[d] ?? (e.components?.[d] === undefined ? "" : formatExact(e.components[d])));
    // A card of no dimension has none after the quantity: a trailing comma made a fourth cell a three-column header refuses.
    return `${[formatInstant(e.at), e.meter, formatExact(e.quantity), ...dims.map(cell)].join(",")}\n`;
  };
  // Every user of a per_user population is an account of their own, its rows merged with the others' in time order:
  // written account by account, `statement` read the file as late rows, sorted it on disk and said so (red63c L1).
  const sources: Iterator<UsageEvent>[] = [expand(scenario, calendar)];
  for (const population of scenario.populations.filter((p) => p.perUser)) {
    const most = Math.max(0, ...Array.from({ length: scenario.cycles }, (_, i) => usersIn(population, i)));
    for (let user = 0; user < most; user++) sources.push(expandUser(scenario, population, user, calendar));
  }
  for (const e of inTimeOrder(sources)) yield line(e);
}

/** Time-ordered event sources merged in time order; at one instant, in the sources' order (the own account's first). */
function* inTimeOrder(sources: readonly Iterator<UsageEvent>[]): Generator<UsageEvent> {
  const heads: { event: UsageEvent; source: number }[] = [];
  const before = (a: { event: UsageEvent; source: number }, b: { event: UsageEvent; source: number }) => a.event.at < b.event.at || (a.event.at === b.event.at && a.source < b.source);
  sources.forEach((source, i) => {
    const first = source.next();
    if (!first.done) heads.push({ event: first.value, source: i });
  });
  for (let i = Math.floor(heads.length / 2) - 1; i >= 0; i--) siftDown(heads, i, before);
  while (heads.length > 0) {
    const head = heads[0]!;
    yield head.event;
    const next = sources[head.source]!.next();
    if (next.done) {
      const last = heads.pop()!;
      if (heads.length === 0) break;
      heads[0] = last;
    } else {
      heads[0] = { event: next.value, source: head.source };
    }
    siftDown(heads, 0, before);
  }
}

/**
 * The account file: the scenario's plan, anchor and zone, through its last
 * cycle, with the top-ups the simulation found each cycle needs bought at that
 * cycle's start, or where a plan that sells them comes into force in it.
 */
export function accountYaml(scenario: Scenario, result: PlanResult, dir: string, calendar: Calendar, users: AccountSpend | undefined): string {
  // A card named by an absolute path stays so: made relative, an emitted folder moved elsewhere lost its card (newcomer, stop 36).
  const card = scenario.cardAbsolute ? scenario.cardFile : relative(dir, scenario.cardFile).split("\\").join("/");
  const perUser = scenario.populations.some((p) => p.perUser);
  const lines = [
    `# Written by burnrate simulate from ${scenario.file}.`,
    "# The top-ups are the ones the simulation found each cycle needs, bought at the cycle's start (or where a plan that sells them comes into force).",
    // An account file names one card: a simulation of several versions is replayed with each given again (red team, stop 37).
    ...(scenario.card.versions === undefined ? [] : [`# Priced by card versions: replay with ${scenario.card.versions.map((v) => `--card ${JSON.stringify(v.file)}`).join(" ")}, as card: names the first alone.`]),
    `card: ${JSON.stringify(card)}`,
    ...(perUser ? [`account: ${ACCOUNT}`, "# Every other account (the users of per_user populations) is on the same plan.", "unnamed_accounts: top_level"] : []),
    `plan: ${result.plan.key}`,
    ...(scenario.allowance !== undefined && result.own ? [`allowance: "${formatExact(scenario.allowance)}"`] : []),
    `anchor: "${formatInstant(scenario.start)}"`,
    `timezone: ${scenario.zone.name}`,
    `through: "${formatInstant(calendar.start(scenario.cycles - 1))}"`,
    ...(scenario.overage ? ["overage: true"] : []),
    ...(scenario.dailyLimits.size > 0 ? ["daily_limits:", ...[...scenario.dailyLimits].map(([key, credits]) => `  ${JSON.stringify(key)}: "${formatExact(credits)}"`)] : []),
  ];
  const topups = result.cycles.filter((c) => c.topupNeeded.gt(0));
  const joined = joinersOnetime(scenario, calendar, result.plan);
  const usersBuy = (users?.buying ?? []).length > 0;
  if (topups.length > 0 || usersBuy || joined.length > 0) lines.push("grants:", ...joined);
  // Bought where the cycle's plan in force sells them: a statement refuses a purchase on a plan that sells none. Where the
  // users are accounts of their own, each grant says whose, as a file of many accounts is asked to (unowned-grants.ts).
  const whose = perUser ? `, account: ${ACCOUNT}` : "";
  for (const c of topups) lines.push(`  - { kind: ${result.purchase?.kind ?? TOPUP}, amount: "${formatExact(c.topupNeeded)}", at: "${formatInstant(c.topupsSoldAt ?? c.start)}"${whose} }`);
  // Each user's own, as the simulation bought them (red63 H1: counted in the users' money, and never written).
  for (const b of users?.buying ?? []) {
    for (let user = b.from; user < b.from + b.count; user++) {
      for (const { at, amount } of b.bought) lines.push(`  - { kind: ${b.kind}, amount: "${formatExact(amount)}", at: "${formatInstant(at)}", account: ${b.population}-${user + 1} }`);
    }
  }
  // The scenario's changes are its own plan's: the statement replays them as the simulation did. Above accounts:, where
  // the statement reads them as the top level's without a doubt (new67 M8: below the last user's entry, it warned of them).
  if (result.own && scenario.changes.length > 0) {
    lines.push("changes:");
    for (const { at, change } of scenario.changes) {
      const value = change.kind === "plan" ? `plan: ${change.plan.key}` : change.kind === "overage" ? `overage: ${change.on}` : change.kind === "allowance" ? `allowance: "${formatExact(change.allowance)}"` : change.kind === "subscription_end" ? `subscription_end: "${formatInstant(change.end)}"` : "cancel_scheduled: true";
      lines.push(`  - { at: "${formatInstant(at)}", ${value} }`);
    }
  }
  lines.push(...userEntries(scenario, calendar, result.plan.key));
  return `${lines.join("\n")}\n`;
}

/**
 * The users of `billing: per_user` populations whose terms are not the top level's, under `accounts:`: each on the
 * plan's own allowance where the scenario's `allowance:` is its own account's, and subscribed in the cycles the user
 * is present only (Subscription), as the simulation replays them (red63 H1).
 */
function userEntries(scenario: Scenario, calendar: Calendar, plan: string): string[] {
  const lines: string[] = [];
  const terms = [...(scenario.overage ? ["    overage: true"] : []), ...(scenario.dailyLimits.size > 0 ? ["    daily_limits:", ...[...scenario.dailyLimits].map(([key, credits]) => `      ${JSON.stringify(key)}: "${formatExact(credits)}"`)] : [])];
  for (const { name, subscription } of perUserAccounts(scenario)) {
    if (subscription === undefined && scenario.allowance === undefined) continue;
    const at = (cycle: number) => `"${formatInstant(calendar.start(cycle))}"`;
    const entry = [`  ${name}:`, ...terms];
    if (subscription !== undefined) {
      entry.push(`    subscription_end: ${at(subscription.end)}`);
      if (subscription.restarts.length > 0) entry.push("    changes:", ...subscription.restarts.map((s) => `      - { at: ${at(s.from)}, subscription_end: ${at(s.to)} }`));
    }
    // An entry says its terms or, with none to say, that it is on the top level's plan.
    lines.push(...(entry.length === 1 ? [`${entry[0]} { plan: ${plan} }`] : entry));
  }
  return lines.length === 0 ? [] : ["accounts:", ...lines];
}

/** Each user of the `billing: per_user` populations, by name, with the cycles it is subscribed in. */
function* perUserAccounts(scenario: Scenario): Generator<{ name: string; subscription: Subscription | undefined }> {
  for (const population of scenario.populations.filter((p) => p.perUser)) {
    const most = Math.max(0, ...Array.from({ length: scenario.cycles }, (_, i) => usersIn(population, i)));
    for (let user = 0; user < most; user++) yield { name: `${population.name}-${user + 1}`, subscription: subscriptionOf(population, user, scenario.cycles) };
  }
}

/**
 * The one-time credits of a user who joins after the anchor, granted where it joins: a plan's one-time credits come
 * with an account's first cycle, which for such a user is before its subscription (red63c H1: Flikly Free's 5, which the
 * simulation's user had, were never granted, and its rows were refused).
 */
function joinersOnetime(scenario: Scenario, calendar: Calendar, plan: Plan): string[] {
  const lines: string[] = [];
  for (const { name, subscription } of perUserAccounts(scenario)) {
    const grant = onetimeAtJoin(scenario.card, plan, subscription);
    if (grant !== undefined) lines.push(`  - { kind: ${ONETIME}, amount: "${formatExact(grant)}", at: "${formatInstant(calendar.start(subscription!.joins!))}", account: ${name} }`);
  }
  return lines;
}
