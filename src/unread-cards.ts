import type { UserError } from "./errors.js";

/**
 * Cards that did not load, by their error, with their text: a file of another of burnrate's kinds is told as what it
 * is where the error is reported (cli.ts, through lint/file-kind.ts: newcomer58b L6, a tests file as --card read as
 * `unknown key "cases"`). Not where the card is read (inputs.ts): the codecs file-kind.ts reads import that module,
 * and the cycle failed a load order. A module of its own, so that cli.ts loads nothing else for it.
 */
const unreadCards = new WeakMap<UserError, { source: string; file: string }>();

export function rememberUnreadCard(e: UserError, card: { source: string; file: string }): void {
  unreadCards.set(e, card);
}

/** The card text of an error its loading threw (inputs.ts loadCard), if it is one. */
export const unreadCardOf = (e: UserError): { source: string; file: string } | undefined => unreadCards.get(e);
