import { shown } from "../errors.js";
import type { AccountSettings } from "./account.js";

/** An account of the usage that the account file does not name, written as one it does but for case, spaces or separators. */
export interface LookalikeAccount {
  readonly used: string;
  readonly named: string;
}

const folded = (name: string) => name.toLowerCase().replace(/[\s_.-]+/g, "");

/**
 * The usage's accounts that the account file does not name but that fold to a name it
 * does (`Gamma`, `gamma `, `Acme-Corp` for `gamma`, `acme_corp`). Such rows are billed
 * on the top-level terms, as any unnamed account's are, so a customer exported with a
 * capital letter would be priced on another plan without a word. Only folding counts,
 * not an edit distance: `a7` beside a named `a1` is most often an account of its own.
 */
export function lookalikeAccounts(settings: AccountSettings, used: Iterable<string>): LookalikeAccount[] {
  if (settings.accounts.size < 2) return [];
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
  return `burnrate: warning: usage account ${shown(lookalike.used)} is not named in the account file, so it is billed on the top-level terms (plan ${settings.terms.plan.key}); did you mean ${shown(lookalike.named)}? Rename it in the usage, or add it under accounts:\n`;
}
