import { UserError, shown, type Location } from "../errors.js";
import { paddedEnd, paddedStart, unpadded } from "../invisible.js";
import type { ColumnMapping } from "./mapping.js";
import { likelyCanonical } from "./near-miss.js";

/**
 * The accounts an account file has beside its own: named under `accounts:` or in a grant. A log without an account
 * column bills every row to the file's own account, and none to them. A file that only says `unnamed_accounts:
 * top_level` has none: a log of its own account alone is read as before (red56 F6).
 */
export interface OtherAccounts {
  readonly own: string;
  /** The first few, in the file's order. */
  readonly named: readonly string[];
  readonly count: number;
  /**
   * Where they are named: the account file (the default), or the usage's own account cells (rows-of-no-account.ts);
   * `spaces` where those cells hold spaces alone, which name no customer (red58b F12: they were called "other accounts").
   */
  readonly namedBy?: "usage" | "spaces";
  /**
   * How the own account is named: by the account file's `account:` (undefined); by none, flags giving the terms and
   * `default` the name of none (red58 F12); or by none in a file that writes no `account:` (red61 F8).
   */
  readonly ownUnnamed?: "no file" | "no account:";
  /** The file's names with spaces around them, written so: a usage cell naming one is that account (red64f M1). */
  readonly spaced?: ReadonlySet<string>;
}

/** A header with no account column where other accounts are named: a file the own account's usage alone may be. */
export class NoAccountColumn extends UserError {}

/** A row of no account where other accounts are named. */
export class RowOfNoAccount extends UserError {}


/** Named before the rest are counted. */
const NAMED = 3;

/** An account file's other accounts, if it has any. */
export function otherAccountsOf(file: { name: string; accounts: { keys(): Iterable<string> }; purchases: readonly { account: string }[] }): OtherAccounts | undefined {
  const others = new Set([...file.accounts.keys(), ...file.purchases.map((p) => p.account)]);
  others.delete(file.name);
  if (others.size === 0) return undefined;
  const spaced = new Set([...others].filter(spacedAccount));
  return { own: file.name, named: [...others].slice(0, NAMED), count: others.size, ...(spaced.size === 0 ? {} : { spaced }) };
}

/**
 * A usage header with no account column where the account file has other accounts: refused at the header. Read, every
 * customer's usage was one account's, under one allowance, while the accounts the file names were billed their plans
 * with nothing used, exit 0 (newcomer55 H2: a LiteLLM export's 40,000 customers, `--layout litellm` reading none of
 * its `end_user` column). The fix offered is the column that likely names each row's account: a layout's own (its
 * `accountSources`, the likeliest first), else one an export calls the customer (`org`, `tenant`).
 */
export function noAccountColumn(header: readonly string[], file: string, mapping: ColumnMapping, others: OtherAccounts): UserError {
  const more = others.count > others.named.length ? ` and ${(others.count - others.named.length).toLocaleString("en-US")} more` : "";
  const whom = `and none to the ${others.count === 1 ? "other account" : `${others.count.toLocaleString("en-US")} other accounts`} the account file names (${others.named.map((n) => shown(n)).join(", ")}${more})`;
  const sources = [...(mapping.accountSources ?? [])].filter(([column]) => header.includes(column));
  const likely = header.filter((column) => likelyCanonical(column) === "account" && !sources.some(([s]) => s === column));
  const offered = sources[0]?.[0] ?? likely[0];
  const fix = offered === undefined ? "COLUMN" : /^[A-Za-z0-9_.-]+$/.test(offered) ? offered : JSON.stringify(offered);
  const about = sources.map(([column, what]) => `; ${shown(column)} (column ${header.indexOf(column) + 1}) is ${what}`).join("");
  const among = offered === undefined || sources.length > 0 ? "" : `; ${shown(offered)} (column ${header.indexOf(offered) + 1}) looks like it`;
  return new NoAccountColumn(
    `no account column: each row of the file would be billed to account ${shown(others.own)}, ${whom}`,
    { file, line: 1, column: 1 },
    `the column naming each row's account: columns: { account: ${fix} } in the usage mapping (--map account=${fix})${about}${among}; or, for one account's usage, an account file of that account alone`,
    header.map((h) => shown(h)).join(", "),
  );
}

/**
 * A row whose account cell is empty where the account file has other accounts: refused at the cell. Read, it was billed
 * to the file's own account (one it may never have named: `default`), its plan's fee with it, and nothing said so
 * (newcomer56 H2: 37 calls of no customer made a customer `default` on Solo, 12 USD). The ways on: the rows left out,
 * or the file's own account named where they are its.
 */
export function emptyAccountCell(at: Location, column: string, others: OtherAccounts, cell = ""): UserError {
  const name = /^[A-Za-z0-9_.-]+$/.test(column) ? column : JSON.stringify(column);
  const more = others.count > others.named.length ? ` and ${(others.count - others.named.length).toLocaleString("en-US")} more` : "";
  const listed = `${others.named.map((n) => shown(n)).join(", ")}${more}`;
  const where = others.namedBy === "usage" ? `the usage names other accounts (${listed})` : others.namedBy === "spaces" ? `other rows' account cells hold spaces alone (${listed}), each an account of that name` : "the file names other accounts";
  const what = cell === "" ? "its account cell empty, or the field absent" : /^\s*$/.test(cell) ? "its account cell of spaces" : `its account cell ${shown(cell)}, of characters that show as nothing`;
  return new RowOfNoAccount(
    `a row of no account (${what}): it would be billed to account ${shown(others.own)}, ${others.ownUnnamed === "no file" ? "which no account file names" : others.ownUnnamed === "no account:" ? "which the account file does not name (it writes no account:)" : "the account file's own"}, while ${where}`,
    at,
    `the row's account in column ${shown(column)}; rows of no account are left out with skip_rows: { ${name}: [${JSON.stringify(cell)}] } in the usage mapping, and are the file's own account's where that is written in the cell`,
    cell === "" ? "nothing" : shown(cell),
  );
}

/**
 * An account id with spaces around it (`acct-0003  `), where no `dimension_values:` maps it: a customer of its own,
 * billed its plan's fee, while the account it means lost those rows, which a warning alone told (newcomer64b M1: exit
 * 0 and 40 USD of phantom invoices). Refused at its cell, as a model's value with a space is.
 */
function spacedAccount(account: string): boolean {
  if (!paddedStart(account) && !paddedEnd(account)) return false;
  return unpadded(account) !== "";
}

/** A cell of nothing but spaces and characters that show as nothing: no account (red65 H3: `\u200b` alone was a customer). */
export function blankAccount(cell: string): boolean {
  // A cell that starts with a visible character is no blank one: told without splitting it, a row at a time.
  return paddedStart(cell) ? unpadded(cell) === "" : cell === "";
}

/** Whether a row's account, as mapped, is one with spaces around it that no account file names so (the own account, `named`). */
export function strayAccount(account: string, own: string, others: OtherAccounts | undefined): boolean {
  return spacedAccount(account) && account !== own && others?.spaced?.has(account) !== true;
}

/** A YAML double-quoted string, every character past ASCII's printable ones escaped: a no-break space is not a space to the eye. */
const quoted = (text: string) => `"${[...text].slice(0, QUOTED_MOST).map((c) => (c === '"' || c === "\\" ? `\\${c}` : c >= " " && c <= "~" ? c : escaped(c.codePointAt(0)!))).join("")}"`;

/** Characters of a cell quoted in a fix, past which it is cut: 20,000 zero-width spaces made a message of 241 KB (red65d L2). */
const QUOTED_MOST = 80;

/** YAML's escape of a code point: \u and four digits, or \U and eight past U+FFFF (red65 L2: `\u1f600` read as U+1F60 and a "0"). */
const escaped = (code: number) => (code > 0xffff ? `\\U${code.toString(16).padStart(8, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);

/** The cell, and the account it maps onto where `dimension_values:` maps it (red64f L1: the message quoted the cell, the check the value). */
export function spacedAccountCell(at: Location, cell: string, account: string): UserError {
  const trimmed = unpadded(account);
  const what = account === cell ? `account ${shown(cell)}` : `account ${shown(cell)}, mapped onto ${shown(account)},`;
  // Any padding but a space (a byte-order mark, which \s holds, included) shows as nothing.
  const around = /[^\p{Zs}\t\n\v\f\r]/u.test(account.replace(trimmed, "")) ? "an invisible character" : "spaces";
  return new UserError(
    `${what} has ${around} around it: billed as a customer of its own, not as ${shown(trimmed)}`,
    at,
    `the account id alone: trimmed in the export, or dimension_values: { account: { ${quoted(cell)}: ${quoted(trimmed)} } } in the usage mapping`,
    shown(cell),
  );
}
