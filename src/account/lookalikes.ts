import { formatLocation, type Location, shown } from "../errors.js";
import { formatInstant } from "../time.js";
import { nearMissAmong } from "../usage/near-miss.js";
import type { AccountSettings } from "./account.js";
import type { AccountStatement, CycleStatement } from "../engine/types.js";
import { someCycle } from "../engine/closed-cycles.js";

/**
 * An account of the usage that the account file does not name, written as one it does but for case,
 * spaces, separators or Unicode form; or the account of a grant (`grant`, its entry) that the file
 * does not name, written as one it does but for those or one typo.
 */
export interface LookalikeAccount {
  readonly used: string;
  readonly named: string;
  readonly grant?: Location;
  /** `named` is another account of the usage that the file does not name either. */
  readonly unnamed?: true;
  /** `named` is a character from `used` and has no usage of its own: the file's entry is the likelier typo. */
  readonly idle?: true;
  /** An idle entry a character from several usage accounts (`used` is the entry itself): these, or how many more entries are so. */
  readonly near?: readonly string[];
  readonly more?: number;
}

/** Idle entries near several usage accounts each told, before the rest are counted in one line. */
const SEVERAL_TOLD = 10;

// NFKC first: an export that writes "Zoë" as e and a combining diaeresis (NFD, as macOS file
// names and some databases do) looks the same as the account file's "Zoë" but is another string.
const folded = (name: string) => name.normalize("NFKC").toLowerCase().replace(/[\s_.-]+/g, "");

// Beside a digit, a letter that reads as one is the digit: `c2O` beside a named `c20` (newcomer71b M1: a letter O
// billed a customer of its own its plan's fee, said in a note alone), `acct-l07` beside `acct-107`. Beside a digit
// only, read from the name as written: `lt-01` and `kal-01` are words of their own (red71e L1: "did you mean it-01?").
// One pass, each letter judged by the name as written: read again, `io1` became `101` and `oil2` a number (red71f M1).
const asDigits = (name: string) =>
  name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/(?<=\d)[oil]|[oil](?=\d)/g, (c) => (c === "o" ? "0" : "1"))
    .replace(/[\s_.-]+/g, "");

/** The named accounts by their folded names read as digits, where no two are one so (`ix01` and `lx01` are two). */
function byDigits(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string | undefined>();
  for (const name of names) {
    const key = asDigits(name);
    out.set(key, out.has(key) ? undefined : name);
  }
  return new Map([...out].filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * The usage's accounts that the account file does not name but that fold to a name it
 * does (`Gamma`, `gamma `, `Acme-Corp` for `gamma`, `acme_corp`). Such rows are billed
 * on the top-level terms, as any unnamed account's are, so a customer exported with a
 * capital letter would be priced on another plan without a word. The file's own account
 * counts too: `ACME` beside `account: acme` misses acme's purchases, changes and budgets,
 * and is charged the plan's price a second time. For the usage one typo counts only
 * between names of words (`globx` for `globex`): where either name holds a digit, or is
 * shorter than four letters, it is most often an account of its own (`a7` beside a
 * named `a1`, `acct-1007` beside `acct-1001`), and only folding counts; but a character dropped or
 * added (`org_024` named, `org_0024` in the usage) counts where the named account has no usage of its
 * own (`idle`): the file then describes a customer the usage does not have, and the one it has is
 * billed on other terms (newcomer, stop 48).
 */
export function lookalikeAccounts(settings: AccountSettings, used: Iterable<string>, idle: (named: string) => boolean = () => false): LookalikeAccount[] {
  const byFold = new Map<string, string>();
  // The account nothing names (default of a file without account:) is no name to map a usage account onto (red61 F8).
  const names = [...settings.accounts.keys()].filter((name) => name !== settings.unnamed?.name);
  for (const name of names) byFold.set(folded(name), name);
  const digits = byDigits(names);
  const lookalike = (name: string) => byFold.get(folded(name)) ?? digits.get(asDigits(name));
  const found: LookalikeAccount[] = [];
  // A grant's account the file does not name is an account of its own: a purchase for `blot`
  // beside `bolt` under accounts: is a customer of one grant, charged the plan, while bolt's
  // requests go unpaid. The file names both sides here, so one typo counts too.
  const granted = new Set<string>();
  const usage = [...used];
  // The usage's accounts the file does not name, made once the first grant to an account of no usage asks.
  let unnamedUsage: string[] | undefined;
  for (const purchase of settings.purchases) {
    if (settings.accounts.has(purchase.account) || granted.has(purchase.account)) continue;
    // A grant's account with usage of its own, named with a digit (cust-00212 beside a named cust-00112), is a customer
    // of its own, as a usage account is: one typo does not count (newcomer51 #6: 322 warnings at 100,000 accounts).
    const ownCustomer = !typoMatters(purchase.account) && !idle(purchase.account);
    let named = (ownCustomer ? undefined : nearMissAmong(purchase.account, names)) ?? lookalike(purchase.account);
    // A grant's account of no usage, a typo from a usage account the file does not name (`wonkka` for the usage's
    // `wonka`): a customer of one grant billed its plan, while wonka's usage goes without the credits (newcomer52).
    if (named === undefined && idle(purchase.account)) {
      unnamedUsage ??= usage.filter((name) => !settings.accounts.has(name) && !idle(name));
      named = nearMissAmong(purchase.account, unnamedUsage);
    }
    if (named === undefined) continue;
    granted.add(purchase.account);
    // The usage bills the grant's account too, and the file's entry has none: the entry is the likelier typo (newcomer59
    // M1: `globx: { plan: scale }` beside the usage's and the grant's `globex`; renaming the grant moved the top-up away).
    const entryTypo = idle(named) && !idle(purchase.account);
    found.push({ used: purchase.account, named, ...(purchase.origin ? { grant: purchase.origin } : {}), ...(entryTypo ? { idle: true as const } : {}) });
  }
  const worded = names.filter(typoMatters);
  const entries = new OneCharacterApart(names.filter((name) => !typoMatters(name) && name.trim().length >= 4));
  // Two accounts of the usage the file names neither of, one but for case, spaces, separators or Unicode form (a
  // reward's creator `Alice` beside `alice`): two accounts, each billed or credited apart, where one was most likely
  // meant (red team, stop 38). Not one typo: with neither name known right, `jonas` beside `jones` is as likely two
  // customers, and a log of 100,000 accounts would compare every pair.
  const unnamed = new Map<string, string>();
  for (const name of usage) {
    if (settings.accounts.has(name) || granted.has(name)) continue;
    const named = lookalike(name) ?? (typoMatters(name) ? nearMissAmong(name, worded) : undefined);
    if (named !== undefined) {
      found.push({ used: name, named });
      continue;
    }
    if (!typoMatters(name)) entries.add(name);
    const other = unnamed.get(folded(name));
    if (other !== undefined) found.push({ used: name, named: other, unnamed: true });
    else unnamed.set(folded(name), name);
  }
  // An entry one character from a usage account it does not name, itself with no usage: the one such account is named
  // as meant; several are told as the entry's (newcomer49 F1: org-100 beside org-1000 to org-1009), at most SEVERAL_TOLD
  // entries so and the rest counted (red48b #5: 19,000 warnings).
  const several: [string, readonly string[]][] = [];
  for (const [named, near] of entries.matches()) {
    if (!idle(named)) continue;
    if (near.length === 1) found.push({ used: near[0]!, named, idle: true });
    else several.push([named, near]);
  }
  for (const [named, near] of several.slice(0, SEVERAL_TOLD)) found.push({ used: named, named, idle: true, near });
  if (several.length > SEVERAL_TOLD) found.push({ used: several[SEVERAL_TOLD]![0], named: several[SEVERAL_TOLD]![0], idle: true, more: several.length - SEVERAL_TOLD });
  return found;
}

/**
 * Entries of the file with a digit, and the usage accounts one character from each, folded (`ORG_77` beside
 * `org_077`): a padding zero dropped or doubled. Looked up by each name less one character, so that 100,000 usage
 * accounts beside 1,000 entries are not compared pair by pair (red48b #6: 1.9 s).
 */
class OneCharacterApart {
  /** Each entry folded, and each entry folded less one character, to the entries. */
  private readonly whole = new Map<string, string[]>();
  private readonly less = new Map<string, string[]>();
  private readonly lengths = new Set<number>();
  private readonly near = new Map<string, string[]>();

  constructor(entries: readonly string[]) {
    const put = (map: Map<string, string[]>, key: string, entry: string) => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [entry]);
      else if (!list.includes(entry)) list.push(entry);
    };
    for (const entry of entries) {
      const f = folded(entry);
      this.lengths.add(f.length);
      put(this.whole, f, entry);
      for (const shorter of lessOne(f)) put(this.less, shorter, entry);
    }
  }

  /** A usage account the file does not name. */
  add(name: string): void {
    const f = folded(name);
    if (!this.lengths.has(f.length - 1) && !this.lengths.has(f.length + 1)) return;
    const found = new Set<string>();
    // The entry is this name less a character, or this name is the entry less one.
    for (const shorter of lessOne(f)) for (const entry of this.whole.get(shorter) ?? []) found.add(entry);
    for (const entry of this.less.get(f) ?? []) found.add(entry);
    for (const entry of found) {
      const list = this.near.get(entry);
      if (list === undefined) this.near.set(entry, [name]);
      else list.push(name);
    }
  }

  /** Each entry and the usage accounts one character from it. */
  matches(): Iterable<[string, readonly string[]]> {
    return this.near;
  }
}

/** A text less each of its characters in turn, each distinct once. */
function lessOne(text: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < text.length; i++) out.add(text.slice(0, i) + text.slice(i + 1));
  return out;
}

/** Whether a name is made of words, so that one typo from another such name is more likely a slip than another account. */
function typoMatters(name: string): boolean {
  return name.trim().length >= 4 && !/\d/.test(name);
}

/** The warning a statement gives for each lookalike, on standard error: the report itself is as the card prices it. */
/** Lookalikes of a kind told one warning each, before the rest of that kind are counted in one line. */
const ONE_BY_ONE = 20;

/**
 * The warnings of a run's lookalikes: of each kind (a grant's account, a pair of usage accounts the file names neither
 * of, a usage account written as a name of the file), the first ONE_BY_ONE in a line of its own, then one line counting
 * the rest (entries near several usage accounts are already told at most SEVERAL_TOLD and counted). An export that
 * writes every name another way, or a file whose names are all a digit off, warned 8,900 lines at 100,000 accounts
 * (stop 52).
 */
export function lookalikeWarnings(settings: AccountSettings, lookalikes: readonly LookalikeAccount[]): string[] {
  const plan = settings.terms.plan.key;
  const kinds: { of: (l: LookalikeAccount) => boolean; rest: (n: string) => string }[] = [
    {
      of: (l) => l.grant !== undefined,
      rest: (n) => `${n} more grants' accounts are not named in the account file but are written as names it has but for case, spaces, separators or a character: each is an account of its own on the top-level terms (plan ${plan}); rename them in the grants, or add them under accounts:`,
    },
    {
      of: (l) => l.unnamed === true,
      rest: (n) => `${n} more pairs of usage accounts the account file does not name are one name but for case, spaces or separators: each account is billed (or credited its rewards) apart; map each onto one name under dimension_values: { account: ... } in the usage mapping, or name both under accounts:`,
    },
    {
      of: (l) => l.grant === undefined && l.unnamed !== true,
      rest: (n) => `${n} more usage accounts are not named in the account file but are written as names it has but for case, spaces, separators or a character: each is billed on the top-level terms (plan ${plan}), and the name it resembles its plan alone where it has no usage; map them onto the file's names under dimension_values: { account: ... } in the usage mapping, or write the names one way in the usage and the file`,
    },
  ];
  // In the order found, each kind told up to its ONE_BY_ONE; the counts of the rest after them.
  const seen = kinds.map(() => 0);
  const told: string[] = [];
  for (const l of lookalikes) {
    if (l.near !== undefined || l.more !== undefined) continue;
    const kind = kinds.findIndex(({ of }) => of(l));
    if (++seen[kind]! <= ONE_BY_ONE) told.push(lookalikeWarning(settings, l));
  }
  kinds.forEach(({ rest }, kind) => {
    if (seen[kind]! > ONE_BY_ONE) told.push(`burnrate: warning: ${rest((seen[kind]! - ONE_BY_ONE).toLocaleString("en-US"))}\n`);
  });
  return [...told, ...lookalikes.filter((l) => l.near !== undefined || l.more !== undefined).map((l) => lookalikeWarning(settings, l))];
}

function lookalikeWarning(settings: AccountSettings, lookalike: LookalikeAccount): string {
  // Two forms of one text print alike, so the message says what differs.
  const form = lookalike.used.normalize("NFC") === lookalike.named.normalize("NFC") ? ", the same letters in another Unicode normalization form" : "";
  if (lookalike.grant && lookalike.idle) {
    return `burnrate: warning: account ${shown(lookalike.used)}, which the usage bills and the grant at ${formatLocation(lookalike.grant)} names, is not named in the account file, so it is billed on the top-level terms (plan ${settings.terms.plan.key}), and ${shown(lookalike.named)} under accounts:, which has no usage, its plan alone; did you mean ${shown(lookalike.used)} there${form}? Rename the entry under accounts:\n`;
  }
  if (lookalike.grant) {
    return `burnrate: warning: account ${shown(lookalike.used)} of the grant at ${formatLocation(lookalike.grant)} is not named in the account file, so it is an account of its own on the top-level terms (plan ${settings.terms.plan.key}); did you mean ${shown(lookalike.named)}${form}? Rename it in the grant, or add it under accounts:\n`;
  }
  if (lookalike.more !== undefined) {
    return `burnrate: warning: ${lookalike.more.toLocaleString("en-US")} more entries of the account file have no usage and are one character from usage accounts it does not name: each is billed its plan alone, and those accounts on the top-level terms\n`;
  }
  if (lookalike.near !== undefined) {
    const shownNear = lookalike.near.slice(0, 3).map((n) => shown(n)).join(", ");
    const rest = lookalike.near.length > 3 ? ` and ${(lookalike.near.length - 3).toLocaleString("en-US")} more` : "";
    return `burnrate: warning: the file names ${shown(lookalike.named)}, which has no usage and is billed its plan alone, one character from ${lookalike.near.length.toLocaleString("en-US")} usage accounts it does not name (${shownNear}${rest}), billed on the top-level terms (plan ${settings.terms.plan.key}); if it is one of them, rename the entry\n`;
  }
  if (lookalike.idle) {
    const entry = lookalike.named === settings.name ? "the file's account:" : "the entry under accounts:";
    return `burnrate: warning: usage account ${shown(lookalike.used)} is not named in the account file, so it is billed on the top-level terms (plan ${settings.terms.plan.key}), while the file names ${shown(lookalike.named)}, one character from it, which has no usage and is billed its plan alone; did you mean ${shown(lookalike.used)} there? Rename ${entry}, or the account in the usage\n`;
  }
  if (lookalike.unnamed) {
    return `burnrate: warning: usage accounts ${shown(lookalike.used)} and ${shown(lookalike.named)} are not named in the account file and are one name but for case, spaces or separators${form}: they are two accounts, each billed (or credited its rewards) apart; if they are one, map one onto the other, ${accountValueFix(lookalike.used, lookalike.named)}, or name both under accounts:\n`;
  }
  return `burnrate: warning: usage account ${shown(lookalike.used)} is not named in the account file, so it is billed on the top-level terms (plan ${settings.terms.plan.key}); did you mean ${shown(lookalike.named)}${form}? If so, map it, ${accountValueFix(lookalike.used, lookalike.named)}; if it is a customer of its own, add it under accounts:\n`;
}

/** The usage mapping's entry that reads an export's spelling of a customer as the account's name (newcomer53 M2: only sed merged Globex into globex). */
function accountValueFix(used: string, named: string): string {
  // A flag of a name with a space, a quote, an = or a : would be read otherwise: the mapping file's entry alone (red54).
  const flag = [used, named].every((name) => /^[^\s="':]+$/.test(name)) ? ` (--map value:account:${named}=${used})` : "";
  return `dimension_values: { account: { ${shown(used)}: ${shown(named)} } } in the usage mapping${flag}`;
}

/**
 * The note for the usage's accounts that a file naming its accounts (under `accounts:`) does not name, and that are no
 * lookalike of a named one (warned of apart): each is billed on the top-level terms, with the top-level account's own
 * grants that recur (newcomer, stop 44: a new customer missing from a file of 300 was billed another's subscription
 * without a word). A file that names no account but its own bills every account so on purpose (a log of many accounts
 * on one set of terms) and is told nothing; nor is a reward's creator with no usage of its own, billed on no plan.
 */
export function unnamedAccountsNote(settings: AccountSettings, accounts: readonly AccountStatement[], lookalikes: readonly LookalikeAccount[], grantOnly: readonly GrantOnly[] = []): string | undefined {
  if (settings.accounts.size < 2 || settings.unnamedOnTopLevel === true) return undefined;
  // A grant's account of no usage is no usage account: grantOnlyNote tells it.
  const warned = new Set([...lookalikes.map((l) => l.used), ...grantOnly.map((g) => g.account)]);
  const unnamedAccounts = accounts.filter((a) => a.rewardsOnly !== true && !settings.accounts.has(a.account) && !warned.has(a.account));
  const unnamed = unnamedAccounts.map((a) => a.account);
  if (unnamed.length === 0) return undefined;
  const named = unnamed.slice(0, NAMED_UNNAMED).map((a) => shown(a)).join(", ");
  const early = feesBeforeUsage(unnamedAccounts.slice(0, NAMED_UNNAMED));
  const more = unnamed.length > NAMED_UNNAMED ? ` and ${(unnamed.length - NAMED_UNNAMED).toLocaleString("en-US")} more` : "";
  const one = unnamed.length === 1;
  const which = one ? `usage account ${named} is` : `${unnamed.length.toLocaleString("en-US")} usage accounts, ${named}${more}, are`;
  const grants = (settings.terms.recurringGrants?.length ?? 0) > 0 ? ", with its recurring grants" : "";
  return `burnrate: note: ${which} not named in the account file: billed on its top-level terms (plan ${settings.terms.plan.key}${grants})${early}; name ${one ? "it" : "each"} under accounts: for terms of ${one ? "its" : "their"} own, or write unnamed_accounts: top_level in the file where that is meant\n`;
}

/**
 * Where accounts the note names are billed cycles before their first usage: from the file's first cycle, the plan's fee
 * each (newcomer72a M6: one row of a customer on 21 October billed 99 x 3, September's too, on a note that did not say).
 */
function feesBeforeUsage(accounts: readonly AccountStatement[]): string {
  const early = accounts.flatMap((a) => {
    const cycles = a.cycles;
    const first = cycles.findIndex((c) => c.lines.length > 0 || c.rejected.length > 0 || c.duplicates.length > 0);
    return first > 0 ? [`${shown(a.account)} ${first} cycle${first === 1 ? "" : "s"} before its first usage, from ${formatInstant(cycles[0]!.start)}`] : [];
  });
  return early.length === 0 ? "" : `, from the file's first cycle: ${early.join(", ")}`;
}

/** Unnamed accounts a note names, before it counts the rest. */
const NAMED_UNNAMED = 5;

/**
 * The accounts of grants with no usage that the file names nowhere else (not under accounts:, not the file's own
 * account) and that no lookalike warning told: each is a customer of its own, billed its plan on the top-level terms
 * with nothing used. A prepaid customer with no usage yet is one; a name mistyped past any lookalike (`zzqq`) is
 * another, which billed a plan without a word (newcomer, stop 52). Said as a note, the first few named.
 */
export function grantOnlyAccounts(settings: AccountSettings, lookalikes: readonly LookalikeAccount[], idle: (name: string) => boolean, othersUsed: boolean): GrantOnly[] {
  const warned = new Set(lookalikes.map((l) => l.used));
  const told = new Set<string>();
  const grants: GrantOnly[] = [];
  // A grant without account: in a file without one is the unnamed default's, which the file names no more than a
  // grant's typo: beside other accounts' usage it is a customer of that grant alone (red61 F3).
  const unnamed = othersUsed ? settings.unnamed?.name : undefined;
  for (const p of settings.purchases) {
    if ((settings.accounts.has(p.account) && p.account !== unnamed) || warned.has(p.account) || told.has(p.account) || !idle(p.account)) continue;
    told.add(p.account);
    grants.push({ account: p.account, origin: p.origin });
  }
  return grants;
}

/** A grant's account of no usage named nowhere else in the file, and where its first grant is written. */
export interface GrantOnly {
  readonly account: string;
  readonly origin: Location | undefined;
}

/** The note of grantOnlyAccounts' accounts, the first few named; undefined for none. */
export function grantOnlyNote(settings: AccountSettings, grants: readonly GrantOnly[]): string | undefined {
  if (grants.length === 0) return undefined;
  const named = grants.slice(0, NAMED_UNNAMED).map((g) => `${shown(g.account)}${g.origin === undefined ? "" : ` (${formatLocation(g.origin)})`}`).join(", ");
  const more = grants.length > NAMED_UNNAMED ? ` and ${(grants.length - NAMED_UNNAMED).toLocaleString("en-US")} more` : "";
  const one = grants.length === 1;
  const which = one ? `a grant is for account ${named}, which has` : `grants are for ${grants.length.toLocaleString("en-US")} accounts, ${named}${more}, which have`;
  return `burnrate: note: ${which} no usage and ${one ? "is" : "are"} named nowhere else in the account file: billed on the top-level terms (plan ${settings.terms.plan.key}) with nothing used; name ${one ? "it" : "each"} under accounts: if ${one ? "it is a customer" : "they are customers"} of ${one ? "its" : "their"} own, or correct the name\n`;
}

/**
 * Whether a named account has no usage in the statement: no line, refusal or repeat in any cycle. By name, from a map
 * made once: a file naming 100,000 accounts asked the list 100,000 times.
 */
export function idleIn(accounts: readonly AccountStatement[]): (named: string) => boolean {
  const byName = new Map(accounts.map((a) => [a.account, a]));
  const used = (c: CycleStatement) => c.lines.length > 0 || c.rejected.length > 0 || c.duplicates.length > 0;
  return (named) => {
    const account = byName.get(named);
    return account === undefined || !someCycle(account, used);
  };
}
