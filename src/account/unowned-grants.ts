import { formatLocation, shown } from "../errors.js";
import type { AccountFile } from "./account.js";

/** How many entries a warning names before it counts the rest. */
const NAMED = 3;

/**
 * The warning for grants (and top-level changes) that write no `account:` in a file that names accounts under
 * `accounts:`: each is the file's own account's, and a forgotten `account: dune` billed acme a pack it never bought
 * while dune's 590 events were refused, exit 0, in silence (newcomer72a H3). Grants have no list per entry: every
 * purchase is the top level's `grants:`, so in such a file each says whose. Top-level changes do have one per entry,
 * and the top level's `changes:` beside its `plan:` is the own account's, as documented; only where that list names
 * other accounts with `account:` is one that names none the same slip. One warning a file, at the first entry.
 */
export function unownedEntriesWarning(account: AccountFile | undefined, own: string): string | undefined {
  const entries = account?.doc.accounts;
  if (account === undefined || entries === undefined || entries.size === 0) return undefined;
  const doc = account.doc;
  const grants = (doc.grants ?? []).flatMap((g, i) => (g.account === undefined ? [account.at(["grants", i])] : []));
  const changes = doc.changes ?? [];
  const mixed = changes.some((c) => whose(c) !== undefined && whose(c) !== own);
  const changesUnsaid = mixed ? changes.flatMap((c, i) => (whose(c) === undefined ? [account.at(["changes", i])] : [])) : [];
  const places = [...grants, ...changesUnsaid];
  if (places.length === 0) return undefined;
  const counted = (n: number, noun: string) => (n === 1 ? `a ${noun}` : `${n.toLocaleString("en-US")} ${noun}s`);
  const what = [grants.length === 0 ? "" : counted(grants.length, "grant"), changesUnsaid.length === 0 ? "" : counted(changesUnsaid.length, "change")].filter((w) => w !== "").join(" and ");
  const one = places.length === 1;
  const others = places.slice(1, NAMED).map((p) => `${p.line}:${p.column}`);
  const rest = places.length - Math.min(places.length, NAMED);
  const also = others.length === 0 ? "" : ` (also ${others.join(", ")}${rest > 0 ? `, and ${rest.toLocaleString("en-US")} more` : ""})`;
  const names = [...entries.keys()].slice(0, NAMED).map((n) => shown(n)).join(", ");
  const meant = `(${names}${entries.size > NAMED ? ", ..." : ""})`;
  const where = `${formatLocation(places[0]!)}: ${what} without account:${also} ${one ? "goes" : "go"} to`;
  // A file that writes no account: has no own account to "say so" for: its default is billed a plan of its own where it
  // has no row, and the notes then say so (red72c L2: the warning's "write account: default" met "correct the name").
  if (doc.account === undefined) return `burnrate: warning: ${where} ${shown(own)}, the account of a file that writes no account: of its own, in a file that names accounts under accounts:; write the account meant ${meant}, or account: ${own} only where a customer of that name is meant\n`;
  return `burnrate: warning: ${where} the file's own account, ${shown(own)}, in a file that names accounts under accounts:; write account: ${own} to say so, or the account meant ${meant}\n`;
}

/** A top-level change's `account:` (the codec's type of a change does not say the top level's list may name one). */
function whose(change: object): string | undefined {
  return "account" in change && typeof change.account === "string" ? change.account : undefined;
}
