import type { AccountStatement, Statement } from "../engine/types.js";
import { NoAccountColumn, type OtherAccounts } from "../usage/account-column.js";
import { NeedsFullParser } from "../usage/plain-csv.js";
import { readUsageInTurn, type UsageOptions } from "../usage/read.js";

/** Named in the error before the rest are counted, as the account file's other accounts are. */
const NAMED = 3;

/**
 * A row of no account in a log whose other rows name customers, where the account file names none but its own: the
 * row was billed to the file's own account (`default` where it writes no `account:`), a plan's fee with it, exit 0
 * (red56b F4: newcomer56 H2's 37 calls of no customer, with an account file of top-level terms alone). Where the
 * account file names other accounts the readers refuse such a row as they meet it (account-column.ts); here the
 * other accounts are known only once the log is read, so the log is read again, only where the statement shows the
 * own account with rows beside another account, to find the first such row and refuse it there. A file without an
 * account column is its own account's usage by design, and is passed over; a log whose rows name the own account in
 * their cells reads to its end and is priced as it was. A cell of spaces, which made an account of that name, is
 * refused alike (red56b F7).
 */
export async function refuseRowsOfNoAccount(statement: Statement, options: UsageOptions, files: readonly string[]): Promise<void> {
  if (options.otherAccounts !== undefined) return;
  // A cell of spaces made an account of that name (the readers refuse it only where other accounts are named): a row of no account too.
  const unnamed = (a: AccountStatement) => a.account.trim() === "" || (a.account === options.defaultAccount && hasRows(a));
  const others = statement.accounts.filter((a) => a.account !== options.defaultAccount && a.account.trim() !== "");
  if (others.length === 0 || !statement.accounts.some(unnamed)) return;
  const named: OtherAccounts = { own: options.defaultAccount, named: others.slice(0, NAMED).map((a) => a.account), count: others.length, namedBy: "usage" };
  for (const file of files) await readToEnd(file, { ...options, otherAccounts: named, idScreen: undefined });
}

function hasRows(account: AccountStatement): boolean {
  return account.cycles.some((c) => c.lines.length > 0 || c.rejected.length > 0 || c.duplicates.length > 0);
}

/** The file read through, as the plain reader reads it and csv-parse where that gives up: a row of no account is thrown at. */
async function readToEnd(file: string, options: UsageOptions): Promise<void> {
  try {
    for await (const _ of readUsageInTurn([file], { ...options, plain: true }));
  } catch (e) {
    if (e instanceof NoAccountColumn) return;
    if (!(e instanceof NeedsFullParser)) throw e;
    try {
      for await (const _ of readUsageInTurn([file], { ...options, plain: false }));
    } catch (full) {
      if (!(full instanceof NoAccountColumn)) throw full;
    }
  }
}

