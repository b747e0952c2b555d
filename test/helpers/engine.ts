import type { ClosedCycleSetup, CycleSpill } from "../../src/engine/closed-cycles.js";
import { Scale } from "../../src/engine/credits.js";
import { OpenCycle } from "../../src/engine/cycle.js";
import { grantRules } from "../../src/engine/grant-rules.js";
import { Replay } from "../../src/engine/replay.js";
import type { EventIdColumn } from "../../src/engine/event-ids.js";
import { planTerms } from "../../src/engine/terms.js";
import type { AccountChange, AccountPart, AccountTerms, GrantPurchase, LedgerEntry, ReplaySetup, Statement, UsageEvent } from "../../src/engine/types.js";
import { Decimal } from "../../src/money.js";
import { parseRateCard } from "../../src/ratecard/load.js";
import type { RateCard } from "../../src/ratecard/types.js";
import { cardVersions, versionInstants } from "../../src/ratecard/versions.js";
import { Calendar, Zone, parseInstant } from "../../src/time.js";

/** A small card for engine tests: one pool of each policy, every aggregation, grants of every expiry. */
export const TEST_CARD = `
provider: testco
version: "1"
unit: credits
categories: { main: { label: Main } }
pools:
  build: { label: Build, when_exhausted: block }
  run: { label: Run, when_exhausted: grace }
  free: { label: Free, when_exhausted: allow }
grant_kinds:
  included: { priority: 1, expires: cycle_end }
  addon: { priority: 2, expires: { after_months: 12, at_latest: subscription_end } }
  topup: { priority: 3, expires: never }
plans:
  small: { label: Small, included: 10, price: 5 }
  paid: { label: Paid, included: 100, price: 20, grace: { run: "0.10" } }
thresholds: { percent_of_allowance: [50, 100] }
meters:
  call: { aggregation: flow, category: main, pool: build, price: "1", dimensions: [project] }
  read: { aggregation: flow, category: main, pool: run, price: "0.5", dimensions: [project] }
  view: { aggregation: flow, category: main, pool: free, price: "2" }
  visitor: { aggregation: unique, category: main, pool: run, price: "0.25", key: [project, user], dimensions: [project] }
  site: { aggregation: recurring, category: main, pool: build, price: "3", key: [project], ended_by: site_closed, dimensions: [project] }
  disk: { aggregation: gauge, category: main, pool: build, price: "4", key: [project], decreased_by: disk_freed, dimensions: [project] }
`;

export function card(source = TEST_CARD, overrides: Record<string, string> = {}): RateCard {
  let text = source;
  for (const [from, to] of Object.entries(overrides)) text = text.replace(from, to);
  return parseRateCard(text, "test-card.yaml");
}

/** A lone cycle, 0 to 100 ms, on the test card's plan `paid` with its 100 credits included, counted to 6 decimals. */
export function paidCycle(c: RateCard): OpenCycle {
  return new OpenCycle({ index: 0, start: 0, end: 100 }, { allowance: new Decimal(100), plan: c.plans.get("paid")! }, [], { ...grantRules(c), counting: new Set(["included"]) }, new Scale(6));
}

/** What a lone cycle's close reads besides its wallet: the card's orders of meters and grant kinds, and terms with no quota or budget. */
export function closing(c: RateCard) {
  return { order: { meters: [...c.events.keys()], kinds: [...c.grantKinds.keys()] }, terms: { quota: undefined, budgets: new Map<string, Decimal>(), renews: 100 } };
}

export const UTC = Zone.of("UTC")!;

export function instant(text: string, zone = UTC): number {
  const parsed = parseInstant(text, zone);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.at;
}

export type EventSpec = [at: string, meter: string, quantity?: string, dims?: Record<string, string>, extra?: { id?: string; account?: string }];

export function events(specs: readonly EventSpec[]): UsageEvent[] {
  return specs.map(([at, meter, quantity = "1", dims = {}, extra = {}], i) => ({
    at: instant(at),
    account: extra.account ?? "acct",
    meter,
    quantity: new Decimal(quantity),
    dimensions: { project: "p", ...dims },
    eventId: extra.id,
    origin: { file: "events", line: i + 2, column: 1 },
  }));
}

export interface RunOptions {
  plan?: string;
  anchor?: string;
  zone?: Zone;
  purchases?: { kind: string; amount: string; at: string; account?: string }[];
  subscriptionEnd?: string;
  through?: string;
  /** Milliseconds an event_id is remembered (--dedupe-window). */
  dedupeWindow?: number;
  /** The ledger's entries, pushed as the replay writes them; `foldCharges` as LedgerSink's. */
  ledger?: { push(entry: LedgerEntry): unknown; readonly foldCharges?: number };
  terms?: Partial<AccountTerms>;
  /** Dated changes of the accounts' terms (account changes:), each for "acct" unless it names another. */
  changes?: { at: string; account?: string; plan?: string; overage?: boolean; allowance?: string; subscription_end?: string }[];
  /** Later versions of the card, each with its effective: (the replay then prices by the version in force). */
  versions?: RateCard[];
  /** How closed cycles are held (a small budget puts them in text, or a spill). */
  closedCycles?: ClosedCycleSetup;
  /** The whole setup, made afresh a replay (several accounts on their own terms): the options above are then not read. */
  setup?: () => ReplaySetup;
  /** The accounts the replay bills, as one part of a log's (ReplaySetup.part). */
  part?: AccountPart;
  /** The latest instant of the rows of the other parts' accounts (Replay.finish). */
  elsewhere?: number;
}

/**
 * The same events as rows of shapes (Replay.pushRows), in batches of the given
 * sizes (the last repeated): one shape and one dimensions object for events of
 * the same account, meter and dimensions, one number a quantity text, and every
 * `apart`-th quantity given apart, as the scanner does past its table's size.
 */
export function replayRows(c: RateCard, evs: readonly UsageEvent[], options: RunOptions = {}, sizes: readonly number[] = [1024], apart = 0): Statement {
  const shapes = new Map<string, number>();
  const accounts = new Map<string, number>();
  const numbers = new Map<string, number>();
  const source = { accounts: [] as string[], meters: [] as string[], dimensions: [] as Record<string, string>[], quantities: [] as Decimal[], file: "events", origin: (line: number) => ({ file: "events", line, column: 1 }) };
  const rows = evs.map((e, i) => {
    // As the scanner numbers them: a shape is a meter and dimension values, whatever the account, numbered apart.
    const key = JSON.stringify([e.meter, Object.entries(e.dimensions).sort()]);
    let shape = shapes.get(key);
    if (shape === undefined) {
      shapes.set(key, (shape = source.meters.length));
      source.meters.push(e.meter);
      source.dimensions.push({ ...e.dimensions });
    }
    let quantity = numbers.get(e.quantity.toFixed());
    if (apart > 0 && i % apart === apart - 1) quantity = -1;
    else if (quantity === undefined) {
      numbers.set(e.quantity.toFixed(), (quantity = source.quantities.length));
      source.quantities.push(e.quantity);
    }
    let account = accounts.get(e.account);
    if (account === undefined) {
      accounts.set(e.account, (account = source.accounts.length));
      source.accounts.push(e.account);
    }
    return { e, shape, account, quantity };
  });
  const r = replayer(c, options);
  for (let from = 0, b = 0; from < rows.length; b++) {
    // A batch's instants are offsets from its first row's, as the scanner's: it ends before a row too far on.
    let end = from + 1;
    while (end < Math.min(rows.length, from + Math.max(1, sizes[Math.min(b, sizes.length - 1)]!)) && Math.abs(rows[end]!.e.at - rows[from]!.e.at) < 2 ** 31) end++;
    const part = rows.slice(from, end);
    from += part.length;
    r.pushRows({
      source,
      count: part.length,
      base: part[0]!.e.at,
      at: Int32Array.from(part.map((x) => x.e.at - part[0]!.e.at)),
      shape: Int32Array.from(part.map((x) => x.shape)),
      account: Int32Array.from(part.map((x) => x.account)),
      quantity: Int32Array.from(part.map((x) => x.quantity)),
      otherQuantities: part.filter((x) => x.quantity < 0).map((x) => x.e.quantity),
      firstLine: part[0]!.e.origin.line,
      line: Uint16Array.from(part.map((x) => x.e.origin.line - part[0]!.e.origin.line)),
      ids: part.some((x) => x.e.eventId !== undefined) ? idColumn(part.map((x) => x.e.eventId)) : undefined,
    });
  }
  return r.finish();
}

/** Event ids as the row scanner gives them: their UTF-8 bytes one after another, and where each ends. */
export function idColumn(ids: readonly (string | undefined)[]): EventIdColumn {
  const encoded = ids.map((id) => new TextEncoder().encode(id ?? ""));
  const ends = new Int32Array(ids.length);
  let end = 0;
  encoded.forEach((bytes, i) => (ends[i] = end += bytes.length));
  const bytes = new Uint8Array(end);
  encoded.forEach((b, i) => bytes.set(b, ends[i]! - b.length));
  return { bytes, ends };
}

export function replay(c: RateCard, evs: readonly UsageEvent[], options: RunOptions = {}): Statement {
  const r = replayer(c, options);
  for (const e of evs) r.push(e);
  return r.finish(options.elsewhere);
}

/**
 * Calendars by zone and anchor: a calendar works out each cycle start once (in the time-zone database), and the
 * property tests make thousands of replays of a few setups. A calendar only ever adds starts it has worked out.
 */
const calendars = new Map<string, Calendar>();
function calendarOf(anchor: string, zone: Zone): Calendar {
  const key = `${zone.name} ${anchor}`;
  let calendar = calendars.get(key);
  if (calendar === undefined) calendars.set(key, (calendar = new Calendar(instant(anchor, zone), zone)));
  return calendar;
}

function replayer(given: RateCard, options: RunOptions): Replay {
  if (options.setup !== undefined) return new Replay(given, options.setup());
  const c = options.versions === undefined ? given : cardVersions([given, ...options.versions]);
  const plan = c.plans.get(options.plan ?? "paid")!;
  const zone = options.zone ?? UTC;
  const purchases: GrantPurchase[] = (options.purchases ?? []).map((p) => ({ kind: p.kind, amount: new Decimal(p.amount), at: instant(p.at, zone), account: p.account ?? "acct", origin: undefined }));
  return new Replay(c, {
    calendar: calendarOf(options.anchor ?? "2026-01-01T00:00:00Z", zone),
    accounts: new Map([["acct", { ...planTerms(plan), ...options.terms }]]),
    fallback: { ...planTerms(plan), ...options.terms },
    purchases,
    subscriptionEnd: options.subscriptionEnd === undefined ? undefined : instant(options.subscriptionEnd, zone),
    through: options.through === undefined ? undefined : instant(options.through, zone),
    renewalMonths: 1,
    eventIds: { window: options.dedupeWindow },
    versions: versionInstants(c, zone),
    closedCycles: options.closedCycles,
    ...(options.part === undefined ? {} : { part: options.part }),
    changes: (options.changes ?? []).map((ch, i): AccountChange => ({
      at: instant(ch.at, zone),
      account: ch.account ?? "acct",
      origin: { file: "changes", line: i + 1, column: 1 },
      change: ch.plan !== undefined ? { kind: "plan", plan: c.plans.get(ch.plan)! } : ch.overage !== undefined ? { kind: "overage", on: ch.overage } : ch.subscription_end !== undefined ? { kind: "subscription_end", end: instant(ch.subscription_end, zone) } : { kind: "allowance", allowance: new Decimal(ch.allowance!) },
    })),
  }, options.ledger === undefined ? undefined : { write: (e) => options.ledger!.push(e), ...(options.ledger.foldCharges === undefined ? {} : { foldCharges: options.ledger.foldCharges }) });
}

/** A spill that keeps its texts in an array, for tests of the closed cycles without a temporary file. */
export class ArraySpill implements CycleSpill {
  readonly texts: string[] = [];
  write(text: string): number {
    return this.texts.push(text) - 1;
  }
  read(at: number): string {
    return this.texts[at]!;
  }
}
