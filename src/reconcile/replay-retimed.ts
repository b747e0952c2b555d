import type { AccountSettings } from "../account/account.js";
import type { Statement } from "../engine/types.js";
import type { RateCard } from "../ratecard/types.js";
import type { Retime } from "../usage/account-rows.js";
import { replayFiles, type UsageInput } from "../replay/replay-files.js";

/**
 * Replay the usage through the one engine with some events moved in time: how
 * a boundary hypothesis is proved. `retime` must never move an event past
 * another (it only pulls events near a boundary onto it). The files are read
 * as any replay reads them (the row scanner, a reorder stage or a sort on
 * disk), the instants moved before the rows are put in time order: events
 * through csv-parse, sorted on disk where the log came out of order, made each
 * hypothesis a reading of the whole log as events (stop 45).
 */
export function replayRetimed(card: RateCard, settings: AccountSettings, input: UsageInput, retime: Retime): Promise<Statement> {
  return replayFiles(card, settings, { ...input, retime });
}
