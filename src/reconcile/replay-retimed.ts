import type { AccountSettings } from "../account/account.js";
import { OutOfOrder } from "../engine/replay.js";
import type { Statement, UsageEvent } from "../engine/types.js";
import type { RateCard } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import { readUsage, readUsageInTurn } from "../usage/read.js";
import { replayEvents } from "../replay/replay-events.js";
import { mappingResolver, type UsageInput } from "../replay/replay-files.js";
import { sortByTime } from "../usage/sort-runs.js";

/**
 * Replay the usage through the one engine with some events moved in time: how
 * a boundary hypothesis is proved. `retime` must never move an event past
 * another (it only pulls events near a boundary onto it), so sorted input
 * stays sorted; unsorted input is sorted as `replayFiles` does.
 */
export async function replayRetimed(card: RateCard, settings: AccountSettings, input: UsageInput, retime: (at: Instant) => Instant): Promise<Statement> {
  const options = { card, zone: settings.zone, defaultAccount: settings.name, mappingFor: mappingResolver(input) };
  const events = async function* (read: AsyncIterable<readonly UsageEvent[]>): AsyncGenerator<UsageEvent[]> {
    for await (const batch of read) yield batch.map((event) => ({ ...event, at: retime(event.at) }));
  };
  try {
    return await replayEvents(card, settings, events(readUsage(input.files, options)));
  } catch (e) {
    if (!(e instanceof OutOfOrder)) throw e;
  }
  return replayEvents(card, settings, sortByTime(events(readUsageInTurn(input.files, options))));
}
