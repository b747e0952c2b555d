import { UserError, UserErrors } from "../errors.js";
import type { Statement } from "../engine/types.js";
import type { RateCard } from "../ratecard/types.js";

/**
 * The usage replayed through the base card, then the new one. Both read the same log, so a row one card
 * refuses and the other prices (a meter the new card removed) is that card's doing: its error names the
 * card and its file, as both cards are often the same provider and version. A row both refuse alike is
 * the log's own mistake, and is said as it is.
 */
export async function replayBoth(replay: (card: RateCard) => Promise<Statement>, base: RateCard, card: RateCard): Promise<[Statement, Statement]> {
  let before: Statement;
  try {
    before = await replay(base);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const other = await replay(card).then(() => undefined, (x: unknown) => x);
    throw other instanceof UserError && other.message === e.message ? e : added(inCard(e, "base", base), card);
  }
  try {
    return [before, await replay(card)];
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    throw inCard(e, "new", card);
  }
}

function inCard(e: UserError, role: string, card: RateCard): UserError {
  if (e instanceof UserErrors) return new UserErrors(e.errors.map((x) => inCard(x, role, card)));
  // Before a did-you-mean, which ends the problem.
  const guess = e.problem.indexOf("; did you mean ");
  const [problem, tail] = guess < 0 ? [e.problem, ""] : [e.problem.slice(0, guess), e.problem.slice(guess)];
  return new UserError(`${problem} in the ${role} card ${card.file}${tail}`, e.location, e.expected, e.found);
}

/**
 * A meter only the new card has (a priced activity a card change adds) is unknown to the base card: the base card
 * cannot price its rows, so the diff cannot run on them. What to do is said with it (a newcomer's CI step stopped
 * here with no cost comment).
 */
function added(e: UserError, card: RateCard): UserError {
  if (e instanceof UserErrors || !e.problem.startsWith("unknown meter ") || e.found === undefined) return e;
  const meter = (() => {
    try {
      return JSON.parse(e.found) as unknown;
    } catch {
      return undefined;
    }
  })();
  if (typeof meter !== "string" || !card.events.has(meter)) return e;
  return new UserError(e.problem, e.location, `${e.expected}; ${JSON.stringify(meter)} is a meter the new card adds: give the base card the meter at a price of 0 to see its cost as a rise from 0, or diff on usage without its rows`, e.found);
}
