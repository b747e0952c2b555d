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
    // The new card's words where both refuse: its values are the ones a fix (a price, a mapping) is written against.
    throw other instanceof UserError && sameRefusal(other, e) ? other : inCard(e, "base", base);
  }
  try {
    return [before, await replay(card)];
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    throw inCard(e, "new", card);
  }
}

/**
 * Both cards refuse the same rows for the same reason: the same places and problems. Not the same text: the base
 * replays with the values the new card adds (at 0), so the two tables list their values in another order.
 */
function sameRefusal(a: UserError, b: UserError): boolean {
  if (a instanceof UserErrors || b instanceof UserErrors) {
    const [x, y] = [a instanceof UserErrors ? a.errors : [a], b instanceof UserErrors ? b.errors : [b]];
    return x.length === y.length && x.every((e, i) => sameRefusal(e, y[i]!));
  }
  const bare = (e: UserError) => e.problem.split("; did you mean ")[0];
  return bare(a) === bare(b) && JSON.stringify(a.location) === JSON.stringify(b.location) && a.found === b.found;
}

function inCard(e: UserError, role: string, card: RateCard): UserError {
  if (e instanceof UserErrors) return new UserErrors(e.errors.map((x) => inCard(x, role, card)));
  // Before a did-you-mean, which ends the problem.
  const guess = e.problem.indexOf("; did you mean ");
  const [problem, tail] = guess < 0 ? [e.problem, ""] : [e.problem.slice(0, guess), e.problem.slice(guess)];
  return new UserError(`${problem} in the ${role} card ${card.file}${tail}`, e.location, e.expected, e.found);
}
