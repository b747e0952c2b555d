import type { AccountStatement, Statement, UsageEvent } from "../engine/types.js";
import { blankAccount, NoAccountColumn, RowOfNoAccount, type OtherAccounts } from "../usage/account-column.js";
import { NeedsFullParser } from "../usage/plain-csv.js";
import { readUsageInTurn, type UsageOptions } from "../usage/read.js";
import { scanUsage } from "../usage/scanned-events.js";
import { formatOfFile } from "../usage/content.js";

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
export async function refuseRowsOfNoAccount(statement: Statement, options: UsageOptions, files: readonly string[], ownUnnamed?: OtherAccounts["ownUnnamed"]): Promise<void> {
  if (options.otherAccounts !== undefined) return;
  // A cell of spaces made an account of that name (the readers refuse it only where other accounts are named): a row
  // of no account too, and another account beside the own one's rows of empty cells (red58 F3: "  " billed its plan).
  const unnamed = (a: AccountStatement) => blankAccount(a.account) || (a.account === options.defaultAccount && hasRows(a));
  const others = statement.accounts.filter((a) => a.account !== options.defaultAccount);
  if (others.length === 0 || !statement.accounts.some(unnamed)) return;
  // Named: the customers the usage names, not a cell of spaces, unless there is none but such cells.
  const customers = others.filter((a) => !blankAccount(a.account));
  const listed = customers.length > 0 ? customers : others;
  const named: OtherAccounts = { own: options.defaultAccount, named: listed.slice(0, NAMED).map((a) => a.account), count: listed.length, namedBy: customers.length > 0 ? "usage" : "spaces", ...(ownUnnamed === undefined ? {} : { ownUnnamed }) };
  for (const file of files) await readToEnd(file, { ...options, otherAccounts: named, idScreen: undefined });
}

function hasRows(account: AccountStatement): boolean {
  return account.cycles.some((c) => c.lines.length > 0 || c.rejected.length > 0 || c.duplicates.length > 0);
}

/**
 * The file read through, as the row scanner, the plain reader and csv-parse read it: a row of no account is thrown at.
 * A CSV or Parquet file without the account column is the own account's usage by design, and passes (NoAccountColumn);
 * so does a JSON Lines file none of whose events names an account, not even the own one, as JSON Lines has no header to
 * leave the field out of (red58 F7: a house's events without `subject` beside its customers' CSV were refused at line
 * 1). A CSV whose column is there is read row by row: its empty cells are refused (red58b F4).
 */
async function readToEnd(file: string, options: UsageOptions): Promise<void> {
  try {
    await scanned(file, options);
  } catch (e) {
    if (e instanceof NoAccountColumn) return;
    if (!(e instanceof RowOfNoAccount)) throw e;
    const path = file === "-" ? options.stdinCopy : file;
    if (path === undefined || (await formatOfFile(path)).format !== "jsonl") throw e;
    // Read with a name no cell can give to rows of no account: a row naming the own account names one too.
    const { otherAccounts: _, ...alone } = options;
    if (await namesAnAccount(file, { ...alone, defaultAccount: NO_ACCOUNT })) throw e;
  }
}

/** What rows of no account are read as when looking for a row that names one: no cell is a control character alone. */
const NO_ACCOUNT = "\u0000";

/**
 * Every row of the file read by the row scanner, which hands a row of no account (and what else it does not read) to
 * the plain reader and csv-parse, as the replay does: a log of the own account's name beside its customers' is read at
 * the scanner's pace (red58 F6: 1.5 to 1.8 times the statement's time through the plain reader).
 */
async function scanned(file: string, options: UsageOptions): Promise<void> {
  try {
    for await (const _ of scanUsage([file], options));
  } catch (e) {
    if (!(e instanceof NeedsFullParser)) throw e;
    await read(file, options);
  }
}

/** Every row of the file read, by the plain reader or, where it gives up, csv-parse. */
async function read(file: string, options: UsageOptions, each?: (event: UsageEvent) => boolean): Promise<void> {
  const through = async (plain: boolean) => {
    for await (const events of readUsageInTurn([file], { ...options, plain })) for (const event of events) if (each?.(event) === true) return;
  };
  try {
    await through(true);
  } catch (e) {
    if (!(e instanceof NeedsFullParser)) throw e;
    await through(false);
  }
}

/** Whether a row of the file, read without the refusal, names an account: any but the default the options give. */
async function namesAnAccount(file: string, options: UsageOptions): Promise<boolean> {
  let found = false;
  await read(file, options, (event) => (found = event.account !== options.defaultAccount));
  return found;
}

