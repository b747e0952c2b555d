import { shown } from "../errors.js";
import type { AccountSettings } from "./account.js";

/** An account of the usage that the account file does not name, written as one it does but for case, spaces, separators or Unicode form. */
export interface LookalikeAccount {
  readonly used: string;
  readonly named: string;
}

// NFKC first: an export that writes "Zoë" as e and a combining diaeresis (NFD, as macOS file
// names and some databases do) looks the same as the account file's "Zoë" but is another string.
const folded = (name: string) => name.normalize("NFKC").toLowerCase().replace(/[\s_.-]+/g, "");

/**
 * The usage's accounts that the account file does not name but that fold to a name it
 * does (`Gamma`, `gamma `, `Acme-Corp` for `gamma`, `acme_corp`). Such rows are billed
 * on the top-level terms, as any unnamed account's are, so a customer exported with a
 * capital letter would be priced on another plan without a word. The file's own account
 * counts too: `ACME` beside `account: acme` misses acme's purchases, changes and budgets,
 * and is charged the plan's price a second time. Only folding counts, not an edit
 * distance: `a7` beside a named `a1` is most often an account of its own.
 */
export function lookalikeAccounts(settings: AccountSettings, used: Iterable<string>): LookalikeAccount[] {
  const byFold = new Map<string, string>();
  for (const name of settings.accounts.keys()) byFold.set(folded(name), name);
  const found: LookalikeAccount[] = [];
  for (const name of used) {
    if (settings.accounts.has(name)) continue;
    const named = byFold.get(folded(name));
    if (named !== undefined) found.push({ used: name, named });
  }
  return found;
}

/** The warning a statement gives for each lookalike, on standard error: the report itself is as the card prices it. */
export function lookalikeWarning(settings: AccountSettings, lookalike: LookalikeAccount): string {
  // Two forms of one text print alike, so the message says what differs.
  const form = lookalike.used.normalize("NFC") === lookalike.named.normalize("NFC") ? ", the same letters in another Unicode normalization form" : "";
  return `burnrate: warning: usage account ${shown(lookalike.used)} is not named in the account file, so it is billed on the top-level terms (plan ${settings.terms.plan.key}); did you mean ${shown(lookalike.named)}${form}? Rename it in the usage, or add it under accounts:\n`;
}
