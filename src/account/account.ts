import { dirname, resolve as resolvePath } from "node:path";
import { atFlag, formatLocation, UserError, shown, type Location, type Place } from "../errors.js";
import type { Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import type { AccountChange, AccountTerms, GrantPurchase, RefusalWorth } from "../engine/types.js";
import { plansOfVersions, versionInstants, type CardVersion } from "../ratecard/versions.js";
import { Calendar, DATE_OR_INSTANT, fixedZoneAdvice, formatInstant, parseInstant, Zone, type Instant } from "../time.js";
import { isMap, isScalar, type Node } from "yaml";
import { boolean, decimal, decodeYaml, dictionary, fail, list, oneOf, record, text, type Codec, type Decoded } from "../yaml/codec.js";
import { nearest } from "../nearest.js";
import type { IdScreen } from "../engine/event-ids.js";
import { idleOverageWarning } from "./idle-overage.js";
import { keysAfterAccounts } from "./keys-after-accounts.js";
import { planFlagNote } from "./plan-flag-note.js";
import { unownedEntriesWarning } from "./unowned-grants.js";

const INSTANT_TEXT = text({ expected: "a date or an ISO-8601 instant" });

/**
 * An account named by a grant or a change: an empty name is no account's, and a grant made one of its own, billed a plan
 * fee (red72c M4: `account: ""` gave a pack to an account "" billed 99, and the account meant's usage was refused).
 */
const accountName = (description: string) => text({ pattern: /\S/, expected: "an account's name (not empty)", description });

const grantCodec = record(
  { kind: text(), amount: decimal({ positive: true }), at: INSTANT_TEXT },
  { account: accountName("who receives it, in a log with many accounts") },
);

const changeFields = {
  plan: text({ description: "upgrade or downgrade to this plan key of the card" }),
  overage: boolean("switch overage billing on or off"),
  allowance: decimal({ min: "0", description: "a renegotiated allowance: included credits per cycle from now on" }),
  subscription_end: text({ expected: "a date or an ISO-8601 instant", description: "the subscription ends at this instant, and the plan with it: no fee or included credits after it, add-ons capped at it expire then" }),
  cancel_scheduled: boolean("true: take back every change of the account waiting for the cycle's end (a downgrade under next_cycle, an allowance cut); the terms in force stay"),
};
/** The keys of which a change writes exactly one: what it changes. */
const CHANGE_KINDS = ["plan", "overage", "allowance", "subscription_end", "cancel_scheduled"] as const;
const changeDescription = `a dated change of the account's terms: exactly one of ${CHANGE_KINDS.join(", ")}`;
const changesOf = (account: boolean) =>
  list(record({ at: INSTANT_TEXT }, account ? { ...changeFields, account: accountName("whose terms change, in a log with many accounts (default: the account file's)") } : changeFields, changeDescription), {
    description: "dated changes of the plan, overage billing, allowance or subscription end, or the cancellation of those waiting for the cycle's end, in time order (SPEC 7)",
  });

/** Changes as a tests file's case may add them to its account (cardtest). */
export const accountChanges = changesOf(true);

const creditsByValue = (description: string) => dictionary(decimal({ min: "0" }), { keyPattern: /^.+$/, description });

/** What an account has agreed besides its purchases: the top level says it for the named account, `accounts:` for others. */
const termFields = {
  plan: text({ description: "a plan key of the card" }),
  allowance: decimal({ min: "0", description: "overrides the plan's included credits per cycle (negotiated plans)" }),
  recurring_grants: list(record({ kind: text(), amount: decimal({ positive: true }) }), { description: "granted at every cycle start: a subscription that tops the balance up each period" }),
  overage: boolean("overage billing: requests past the plan's quota go through and are billed in money"),
  low_balance: decimal({ min: "0", description: "alert when the balance falls below this many credits" }),
  budgets: creditsByValue("spending budget per value of the card's budget dimension (a team), per cycle"),
  daily_limits: creditsByValue("credits per local day per value of the card's daily-limit dimension (a server); * for any other"),
};

const termsCodec = record({}, {
  ...termFields,
  subscription_end: text({ expected: "a date or an ISO-8601 instant", description: "this account's subscription ends at this instant (the top level's subscription_end is the file's own account's)" }),
  changes: changesOf(false),
});

/** The file's own keys that are not account entries: written under `accounts:` as a list or a scalar, one is a key indented too far. */
const FILE_KEYS = new Set(["card", "account", "plan", "allowance", "recurring_grants", "overage", "low_balance", "budgets", "daily_limits", "anchor", "timezone", "subscription_end", "term", "through", "grants", "changes", "unnamed_accounts"]);

/**
 * The entries under `accounts:`. A file key indented under them (`changes:` at column 3) is an account of that name
 * whose terms are a list: told as the key it is, where it read "wrong type" alone (newcomer65 L3). A mapping under
 * such a name is an account's terms, as any name may be a customer's.
 */
function entriesCodec(): Codec<Map<string, ReturnType<typeof termsCodec.decode>>> {
  const entries = dictionary(termsCodec, { keyPattern: /^.+$/, description: "plan or allowance per account, for logs with many accounts" });
  return {
    decode(node, ctx) {
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
          if (key !== undefined && FILE_KEYS.has(key) && !isMap(pair.value)) {
            fail(ctx, pair.key as Node, `${key}: indented under accounts:, where it is read as an account named ${shown(key)}`, `${key}: at the top level (column 1), or under the entry of the account it is for`, shown(key));
          }
        }
      }
      return entries.decode(node, ctx);
    },
    schema: entries.schema,
  };
}

export const accountCodec = record({}, {
  card: text({ description: "the rate card, relative to this file" }),
  account: text({ description: "the account's name in statements; rows without an account column are its usage" }),
  ...termFields,
  anchor: INSTANT_TEXT,
  timezone: text({ description: "IANA time zone name; default UTC" }),
  subscription_end: text({ expected: "a date or an ISO-8601 instant", description: "the file's own account's subscription ends at this instant, and its plan with it (docs/timelines.md)" }),
  term: oneOf(["monthly", "annual"] as const, "the subscription's term: credits reset every month either way; an annual one renews every 12 months from the anchor"),
  through: text({ expected: "a date or an ISO-8601 instant", description: "statements run through the cycle holding this instant, even if it has no usage (--through overrides it)" }),
  grants: list(grantCodec),
  changes: changesOf(true),
  accounts: entriesCodec(),
  unnamed_accounts: oneOf(["note", "top_level"] as const, "usage accounts that accounts: does not name: billed on the top-level terms, and noted on stderr (note, the default), or without the note where that is meant (top_level)"),
}, "a burnrate account file");

type AccountDocument = ReturnType<typeof accountCodec.decode>;

export interface AccountFile {
  file: string;
  doc: AccountDocument;
  at: Decoded<AccountDocument>["at"];
}

export function parseAccount(source: string, file: string): AccountFile {
  const decoded = decodeYaml(source, file, accountCodec, "an account file");
  return { file, doc: decoded.value, at: decoded.at };
}

/** The card an account file names, resolved against the file's own folder. */
export function cardPathOf(account: AccountFile): string | undefined {
  return account.doc.card === undefined ? undefined : resolvePath(dirname(account.file), account.doc.card);
}

/** What the command line may say instead of, or over, the account file. */
export interface AccountFlags {
  plan?: string;
  anchor?: string;
  timezone?: string;
  /** Run the statement through the cycle holding this date or instant. */
  through?: string;
  /** `--dedupe-window`: milliseconds an event_id is remembered (src/engine/event-ids.ts); undefined, the whole log. */
  dedupeWindow?: number;
  /** `--skip-before-anchor`: usage rows before the first cycle are left out and counted, not refused. */
  skipBeforeAnchor?: boolean;
  /** Where these values were written, when not on the command line (a tests file's case). */
  locate?: (flag: "plan" | "anchor" | "timezone" | "through") => Location;
}

export interface AccountSettings {
  name: string;
  zone: Zone;
  /** Undefined when neither the file nor a flag gives one: the first usage row's month then decides. */
  anchor: Instant | undefined;
  /** The anchor was written as a date alone: the cycles start at each day's start (Calendar's `dated`). */
  anchorDated?: true;
  terms: AccountTerms;
  accounts: Map<string, AccountTerms>;
  /**
   * Set when nothing names the account (ReplaySetup.unnamed): its name, and whether an account file was given, one
   * without `account:` whose top level is the terms of the accounts it does not name, or none (the plan as a flag).
   */
  unnamed?: { readonly name: string; readonly inFile: boolean };
  /** The account file's `unnamed_accounts: top_level`: its usage accounts not named are on the top-level terms as meant, with no note. */
  unnamedOnTopLevel?: true;
  /** Accounts under `accounts:` whose entry says nothing of overage where the top level says `overage: true`: each is without it (quota-note.ts). */
  overageUnsaid?: ReadonlySet<string>;
  purchases: GrantPurchase[];
  /** An end for every account of the replay; none from an account file, which gives each account's in its terms. */
  subscriptionEnd: Instant | undefined;
  through: Instant | undefined;
  /** Where the through date was written, and as what: without an anchor, calendarFor bounds it from the first usage row. */
  throughGiven?: { text: string; at: Place };
  /** Months between renewals of the subscription: 1, or 12 for an annual plan with monthly resets. */
  renewalMonths: number;
  /** Dated changes of every account's terms (SPEC 7 "Account timelines"). */
  changes: AccountChange[];
  /** The card's versions with their instants in the account's zone, when several are given. */
  versions: CardVersion[] | undefined;
  /** Milliseconds an event_id is remembered; undefined, the whole log. */
  dedupeWindow?: number;
  /** Usage rows before the first cycle are left out and counted (--skip-before-anchor), not refused. */
  skipBeforeAnchor?: true;
  /** What a first pass over the usage found of its event ids (src/usage/id-screen.ts), set by replayFiles for its replay. */
  idScreen?: IdScreen;
  /** What the replay weighs its refused rows at, where not its own card's prices: diff's, the base card's (ReplaySetup.refusalWorth). */
  refusalWorth?: RefusalWorth;
}

/**
 * A statement holds every cycle up to its through date: a century is 1,200 monthly cycles and a
 * few seconds of work, while a typo of year 9999 would be 95,000 cycles and minutes of output.
 */
const MAX_THROUGH_YEARS = 100;
const MAX_THROUGH_SPAN = MAX_THROUGH_YEARS * 365.25 * 24 * 3_600_000;

/** The account's time zone (`--timezone`, the file's `timezone:`, else UTC) and where it is written. */
function accountZone(account: AccountFile | undefined, flags: AccountFlags): { zone: Zone; at: Place } {
  const name = flags.timezone ?? account?.doc.timezone ?? "UTC";
  const at = flags.timezone !== undefined ? (flags.locate ? flags.locate("timezone") : atFlag("--timezone")) : account ? account.at(["timezone"]) : atFlag("--timezone");
  const zone = Zone.of(name);
  if (!zone) throw new UserError(`unknown time zone${Zone.guess(name)}`, at, "an IANA name such as Europe/London", shown(name));
  return { zone, at };
}

/**
 * Warnings for standard error (each a line `burnrate: warning: WHERE: ...`) about the account's terms on this card that
 * are accepted but likely not what was meant: a legacy fixed zone (EST) where a place's zone (America/New_York) was, an
 * `overage: true` on plans with no request quota (idle-overage.ts).
 */
export function accountWarnings(account: AccountFile | undefined, flags: AccountFlags, card: RateCard, settings: AccountSettings): string[] {
  const { zone, at } = accountZone(account, flags);
  const advice = fixedZoneAdvice(zone);
  const overage = account === undefined ? undefined : idleOverageWarning(account, settings, card);
  const plan = planFlagNote(account, flags);
  const slipped = keysAfterAccounts(account, settings.name);
  const unowned = unownedEntriesWarning(account, settings.name);
  return [...(advice === undefined ? [] : [`burnrate: warning: ${"flag" in at ? at.flag : formatLocation(at)}: ${advice}\n`]), ...[overage, plan, slipped, unowned].filter((w) => w !== undefined)];
}

/**
 * The terms an entry without budgets, daily limits or recurring grants shares: two empty maps and a list an entry
 * were 50 MB of a file naming 100,000 accounts (docs/performance.md, names52).
 */
const NO_LIMITS: ReadonlyMap<string, Decimal> = new Map();
const NO_GRANTS: AccountTerms["recurringGrants"] = [];

export function resolveAccount(card: RateCard, account: AccountFile | undefined, flags: AccountFlags): AccountSettings {
  const doc = account?.doc ?? {};
  // Values read from `doc` exist only when there is an account file to point into.
  const here = (path: (string | number)[]): Location => account!.at(path);
  const flagOr = <T>(flag: T | undefined, path: "plan" | "anchor" | "timezone" | "through"): Place =>
    flag !== undefined && flags.locate ? flags.locate(path) : flag !== undefined || !account ? atFlag(`--${path}`) : here([path]);

  const zone = accountZone(account, flags).zone;

  const planOf = (key: string | undefined, where: Place): AccountTerms["plan"] => {
    if (key === undefined) throw new UserError("no plan", where, "--plan KEY or plan: in the account file", "none");
    // Any version's plan: one a later version adds is the account's from when that version is in force, which the
    // replay checks as it opens the account's cycles and applies its changes (red62 F7).
    const plans = plansOfVersions(card);
    const plan = plans.get(key);
    if (!plan) throw new UserError(`unknown plan ${shown(key)}${planGuess(key, plans.keys())}`, where, `one of ${[...plans.keys()].join(", ")}`, shown(key));
    return plan;
  };
  const plan = planOf(flags.plan ?? doc.plan, flagOr(flags.plan, "plan"));
  type Terms = ReturnType<typeof termsCodec.decode>;
  const termsOf = (t: Terms, path: (string | number)[], plan: AccountTerms["plan"], allowance: Decimal): AccountTerms => {
    const recurringGrants = t.recurring_grants === undefined ? NO_GRANTS : t.recurring_grants.map((g, i) => {
      if (!card.grantKinds.has(g.kind)) {
        throw new UserError(`unknown grant kind ${shown(g.kind)}${planGuess(g.kind, card.grantKinds.keys())}`, here([...path, "recurring_grants", i, "kind"]), `one of ${[...card.grantKinds.keys()].join(", ")}`, shown(g.kind));
      }
      return { kind: g.kind, amount: g.amount };
    });
    for (const [key, declared] of [["budgets", card.budgets], ["daily_limits", card.dailyLimits]] as const) {
      if (t[key] !== undefined && declared === undefined) throw new UserError(`${key} need a card that declares them`, here([...path, key]), `a card with ${key}:`, `${card.provider} without`);
    }
    return {
      plan,
      allowance,
      overage: t.overage ?? false,
      budgets: t.budgets ?? NO_LIMITS,
      dailyLimits: t.daily_limits ?? NO_LIMITS,
      lowBalance: t.low_balance,
      recurringGrants,
    };
  };
  const terms = termsOf(doc, [], plan, doc.allowance ?? plan.included);

  const instant = (value: string, where: Place): Instant => {
    const parsed = parseInstant(value, zone);
    if (!parsed.ok) throw new UserError(parsed.problem, where, parsed.problem === "bad timestamp" ? DATE_OR_INSTANT : parsed.expected, shown(value));
    return parsed.at;
  };
  const anchorText = flags.anchor ?? doc.anchor;
  const anchor = anchorText === undefined ? undefined : instant(anchorText, flagOr(flags.anchor, "anchor"));
  // Without one the first cycle is the earliest row's month: no row is before it, and the flag would leave nothing out, in silence (red54).
  if (flags.skipBeforeAnchor === true && anchor === undefined) {
    throw new UserError("no anchor to leave the rows before", atFlag("--skip-before-anchor"), "an anchor, anchor: in the account file or --anchor: without one the first cycle is the month of the earliest row, and no row is before it", "none");
  }

  const name = doc.account ?? "default";
  const accounts = new Map<string, AccountTerms>([[name, terms]]);
  let overageUnsaid: Set<string> | undefined;
  // Another account named here has only what its own entry says; its plan defaults to the top level's.
  for (const [id, t] of doc.accounts ?? []) {
    // The file's own account under accounts: was replaced by the top level's terms without a word (newcomer49 F2).
    if (id === name) throw new UserError(`accounts: names the file's own account ${shown(id)}, whose terms are the top level's`, here(["accounts", id]), `its plan and terms at the top level (beside account: ${shown(name)}), or under accounts: only other accounts`, shown(id));
    const p = t.plan === undefined ? plan : planOf(t.plan, here(["accounts", id, "plan"]));
    accounts.set(id, termsOf(t, ["accounts", id], p, t.allowance ?? p.included));
    if (doc.overage === true && t.overage === undefined) (overageUnsaid ??= new Set()).add(id);
  }

  // `--plan` over the file's own plan asks "what if this account were on that plan": the purchases the file
  // records on its plan are kept as given (its accounts with a plan of their own keep being held to it).
  const whatIf = flags.plan !== undefined && doc.plan !== undefined && flags.plan !== doc.plan;
  const purchases = (doc.grants ?? []).map((g, i): GrantPurchase => {
    if (!card.grantKinds.has(g.kind)) {
      throw new UserError(`unknown grant kind ${shown(g.kind)}${planGuess(g.kind, card.grantKinds.keys())}`, here(["grants", i, "kind"]), `one of ${[...card.grantKinds.keys()].join(", ")}`, shown(g.kind));
    }
    const owner = g.account ?? name;
    const asGiven = whatIf && doc.accounts?.get(owner)?.plan === undefined;
    return { kind: g.kind, amount: g.amount as Decimal, at: instant(g.at, here(["grants", i, "at"])), account: owner, origin: here(["grants", i]), ...(asGiven ? { asGiven: true as const } : {}) };
  });
  // Each account's own end, in its terms: the top level's is the file's account's (and that of accounts on its terms), an
  // entry of accounts: has its own or none. It ends the plan (docs/timelines.md), so it is never another account's.
  const ownEnd = doc.subscription_end === undefined ? undefined : instant(doc.subscription_end, here(["subscription_end"]));
  const ownTerms = ownEnd === undefined ? terms : { ...terms, subscriptionEnd: ownEnd };
  accounts.set(name, ownTerms);
  for (const [id, t] of doc.accounts ?? []) {
    if (t.subscription_end !== undefined && id !== name) accounts.set(id, { ...accounts.get(id)!, subscriptionEnd: instant(t.subscription_end, here(["accounts", id, "subscription_end"])) });
  }
  // A pack that expires at the subscription's end, bought at or after it, would be granted and expire at once: a sale
  // the provider does not make (as a top-up on a plan that sells none), and its credits would vanish without a word.
  purchases.forEach((p, i) => {
    const expires = card.grantKinds.get(p.kind)!.expires;
    const subscriptionEnd = (accounts.get(p.account) ?? ownTerms).subscriptionEnd;
    if (subscriptionEnd === undefined || p.at < subscriptionEnd || expires.kind !== "after_months" || !expires.capAtSubscriptionEnd) return;
    throw new UserError(
      `${p.kind} bought after the subscription ended`,
      here(["grants", i, "at"]),
      `a purchase before subscription_end (${formatInstant(subscriptionEnd)}): ${p.kind} credits expire at the subscription's end at the latest, so these would expire as granted`,
      shown(doc.grants![i]!.at),
    );
  });
  const throughText = flags.through ?? doc.through;
  const through = throughText === undefined ? undefined : instant(throughText, flagOr(flags.through, "through"));
  if (through !== undefined && anchor !== undefined && through - anchor >= MAX_THROUGH_SPAN) {
    throw new UserError(
      "through too far after the anchor",
      flagOr(flags.through, "through"),
      `an instant before ${formatInstant(anchor + MAX_THROUGH_SPAN)} (${MAX_THROUGH_YEARS} years of cycles after the anchor)`,
      shown(throughText!),
    );
  }
  // Before the first cycle, no cycle holds it: the statement would end with the first cycle and blame the first row after it.
  if (through !== undefined && anchor !== undefined && through < anchor) {
    throw new UserError("through before the anchor", flagOr(flags.through, "through"), `an instant on or after the anchor ${anchorText}`, shown(throughText!));
  }
  const lists = [changesIn(doc.changes ?? [], ["changes"], name), ...[...(doc.accounts ?? [])].map(([id, t]) => changesIn(t.changes ?? [], ["accounts", id, "changes"], id))];
  for (const written of lists) checkChangeOrder(written);
  // One account's changes may be written in two lists (the top level's with account:, and its entry's): merged by time.
  const changes = lists.flat().sort((a, b) => a.at - b.at);
  checkChangeOrder(changes);
  const versions = versionInstants(card, zone);
  const anchorDated = anchorText !== undefined && DATE_ALONE.test(anchorText.trim()) ? { anchorDated: true as const } : {};
  return { name, zone, anchor, ...anchorDated, terms: ownTerms, accounts, ...(doc.account === undefined ? { unnamed: { name, inFile: account !== undefined } } : {}), ...(doc.unnamed_accounts === "top_level" ? { unnamedOnTopLevel: true as const } : {}), ...(overageUnsaid === undefined ? {} : { overageUnsaid }), purchases, subscriptionEnd: undefined, through, ...(throughText === undefined ? {} : { throughGiven: { text: throughText, at: flagOr(flags.through, "through") } }), renewalMonths: doc.term === "annual" ? 12 : 1, changes, versions, ...(flags.dedupeWindow === undefined ? {} : { dedupeWindow: flags.dedupeWindow }), ...(flags.skipBeforeAnchor === true ? { skipBeforeAnchor: true as const } : {}) };

  type ChangeDoc = { at: string; plan?: string; overage?: boolean; allowance?: Decimal; subscription_end?: string; cancel_scheduled?: boolean; account?: string };
  function changesIn(list: readonly ChangeDoc[], path: (string | number)[], owner: string): AccountChange[] {
    return list.map((c, i): AccountChange => {
      const where = [...path, i];
      const given = CHANGE_KINDS.filter((k) => c[k] !== undefined);
      if (given.length !== 1) {
        throw new UserError(given.length === 0 ? "a change that changes nothing" : "a change of more than one thing", here(where), `exactly one of ${CHANGE_KINDS.join(", ")} (one entry each)`, given.length === 0 ? "none" : given.join(", "));
      }
      // A cancellation that cancels nothing is an entry left behind, not a change to replay.
      if (c.cancel_scheduled === false) throw new UserError("cancel_scheduled: false cancels nothing", here([...where, "cancel_scheduled"]), "cancel_scheduled: true to take back what waits for the cycle's end, or remove the entry", "false");
      const account = c.account ?? owner;
      if (c.account !== undefined && !accounts.has(c.account)) {
        throw new UserError(`change for unknown account ${shown(c.account)}${planGuess(c.account, accounts.keys())}`, here([...where, "account"]), `one of ${[...accounts.keys()].map((a) => shown(a)).join(", ")} (the account file's account:, or a key of accounts:)`, shown(c.account));
      }
      const at = instant(c.at, here([...where, "at"]));
      if (anchor !== undefined && at < anchor) throw new UserError("change before the first cycle", here([...where, "at"]), `an instant on or after the anchor ${anchorText}`, c.at);
      const origin = here(where);
      if (c.plan !== undefined) return { at, account, origin, change: { kind: "plan", plan: planOf(c.plan, here([...where, "plan"])) } };
      if (c.overage !== undefined) return { at, account, origin, change: { kind: "overage", on: c.overage } };
      if (c.allowance !== undefined) return { at, account, origin, change: { kind: "allowance", allowance: c.allowance } };
      if (c.cancel_scheduled !== undefined) return { at, account, origin, change: { kind: "cancel_scheduled" } };
      const end = instant(c.subscription_end!, here([...where, "subscription_end"]));
      // An end before the change would lapse credits at an instant already replayed (even before the anchor), out of time order.
      if (end < at) throw new UserError("subscription end before its change", here([...where, "subscription_end"]), `an instant on or after the change's ${formatInstant(at)}`, c.subscription_end!);
      return { at, account, origin, change: { kind: "subscription_end", end } };
    });
  }
}

/** Each account's changes, as written in one list, in strict time order: two at one instant, or one before another written above it, are located errors. */
function checkChangeOrder(changes: readonly AccountChange[]): void {
  const last = new Map<string, AccountChange>();
  for (const change of changes) {
    const before = last.get(change.account);
    if (before !== undefined && change.at <= before.at) {
      const same = change.at === before.at;
      throw new UserError(
        same ? `two changes of account ${shown(change.account)} at one instant` : `changes of account ${shown(change.account)} out of time order`,
        change.origin,
        `an instant after ${formatInstant(before.at)} (the change at ${before.origin.line}:${before.origin.column})${same ? "; write one change per instant" : ""}`,
        formatInstant(change.at),
      );
    }
    last.set(change.account, change);
  }
}

/** An anchor of a date alone (2026-09-06). */
const DATE_ALONE = /^\d{4}-\d{2}-\d{2}$/;

/** Without an anchor, cycles start on the first of the month of the earliest usage, at local midnight. */
export function calendarFor(settings: AccountSettings, firstUsage: Instant | undefined): Calendar {
  if (settings.anchor !== undefined) return new Calendar(settings.anchor, settings.zone, settings.anchorDated === true);
  const first = firstUsage ?? settings.purchases[0]?.at;
  if (first === undefined) throw new UserError("no anchor and no usage to take one from", atFlag("--anchor"), "--anchor DATE or anchor: in the account file", "neither");
  const monthStart = settings.zone.dateTime(first).startOf("month").toMillis();
  // The same century as with an anchor, counted from the month the first row gives it.
  const given = settings.throughGiven;
  if (settings.through !== undefined && given !== undefined && settings.through - monthStart >= MAX_THROUGH_SPAN) {
    throw new UserError(
      "through too far after the first cycle",
      given.at,
      `an instant before ${formatInstant(monthStart + MAX_THROUGH_SPAN)} (${MAX_THROUGH_YEARS} years of cycles after ${formatInstant(monthStart)}, the start of the earliest usage's month, where the cycles start without an anchor)`,
      shown(given.text),
    );
  }
  if (settings.through !== undefined && given !== undefined && settings.through < monthStart) {
    throw new UserError(
      "through before the first cycle",
      given.at,
      `an instant on or after ${formatInstant(monthStart)} (the start of the earliest usage's month, where the cycles start without an anchor)`,
      shown(given.text),
    );
  }
  return new Calendar(monthStart, settings.zone);
}

/** A plan, grant kind or account key written with another case (`Team`) or a typo (`top-up`): the key it was meant to be. */
export function planGuess(key: string, plans: Iterable<string>): string {
  const keys = [...plans];
  // A plan's name as a pricing page writes it ("Pro plan", "the Pro tier") holds the key (newcomer65b L2).
  const bare = key.toLowerCase().replace(/^the\s+/, "").replace(/\s+(plan|tier)$/, "").trim();
  const near = keys.find((k) => k.toLowerCase() === key.toLowerCase() || k.toLowerCase() === bare) ?? nearest(key, keys);
  return near === undefined ? "" : `; did you mean ${shown(near)}?`;
}
