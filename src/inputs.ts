import { readFileSync, statSync } from "node:fs";
import { parseAccount, cardPathOf, type AccountFile, type AccountFlags } from "./account/account.js";
import { UserError, shown, type Location } from "./errors.js";
import { parseRateCard } from "./ratecard/load.js";
import type { RateCard } from "./ratecard/types.js";
import { cardVersions } from "./ratecard/versions.js";
import { notUtf8 } from "./usage/utf8.js";

/** A whole small input (card, account, mapping) as UTF-8 text, with errors that name the file. */
export function readText(file: string): string {
  let bytes: Buffer;
  try {
    if (file === "-") bytes = readFileSync(0);
    else {
      checkReadable(file);
      bytes = readFileSync(file);
    }
  } catch (e) {
    throw unreadable(file, e);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw notUtf8(file, bytes);
  }
}

/** A file burnrate is to read must exist and not be a directory; any other failure comes as a UserError naming the file. */
export function checkReadable(file: string): void {
  if (statSync(file).isDirectory()) throw new UserError("is a directory", { file, line: 1, column: 1 }, "a file", "a directory");
}

/** A failure to read a file, as the user error that says which file and why. */
export function unreadable(file: string, e: unknown): UserError {
  if (e instanceof UserError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? "error";
  const found = code === "ENOENT" ? "no such file" : code === "EACCES" || code === "EPERM" ? "no permission to read it" : code;
  return new UserError(`cannot read file: ${code}`, { file, line: 1, column: 1 }, "an existing, readable file", found);
}

export function loadCard(file: string): RateCard {
  return parseRateCard(readText(file), file);
}

export function loadAccount(file: string | undefined): AccountFile | undefined {
  return file === undefined ? undefined : parseAccount(readText(file), file);
}

/**
 * `--card` wins over the account file's `card:`; one of them must name a card.
 * `--card` given more than once names versions of one provider's card.
 */
export function loadCardFor(cardFlag: string | readonly string[] | undefined, account: AccountFile | undefined): RateCard {
  if (Array.isArray(cardFlag) && cardFlag.length > 1) return cardVersions(cardFlag.map(loadCard));
  const flag: string | undefined = Array.isArray(cardFlag) ? cardFlag[0] : (cardFlag as string | undefined);
  return loadOneCardFor(flag, account);
}

function loadOneCardFor(cardFlag: string | undefined, account: AccountFile | undefined): RateCard {
  const path = cardFlag ?? (account ? cardPathOf(account) : undefined);
  if (path === undefined) {
    throw new UserError("no rate card", { file: "<command line>", line: 1, column: 1 }, "--card FILE, or card: in the account file", "neither");
  }
  if (cardFlag === undefined && account) return loadNamedCard(path, account.at(["card"]), "the account file");
  return loadCard(path);
}

/**
 * A card named inside another file (an account's or a scenario's `card:`): when it is
 * missing or a folder, the error points at that `card:` line, where the fix is.
 */
export function loadNamedCard(path: string, where: Location, relativeTo: string): RateCard {
  let problem: string | undefined;
  try {
    if (statSync(path).isDirectory()) problem = "card is a directory";
  } catch {
    problem = "card file not found";
  }
  if (problem) throw new UserError(problem, where, `a rate card file, relative to ${relativeTo}`, shown(path));
  return loadCard(path);
}

/** What the commands that replay usage (statement, reconcile, diff) are given on the command line. */
export interface ReplayInputOptions extends AccountFlags {
  /** One card, or versions of one provider's card (`--card` repeated). */
  card?: string | string[];
  usage: string[];
  account?: string;
  mapping?: string;
  map: string[];
}
