import type { AccountSettings } from "../account/account.js";
import type { Statement } from "../engine/types.js";
import type { Period } from "../render/statement/period.js";
import { formatInstant, type Instant } from "../time.js";

/**
 * The note for usage that ends at a UTC midnight hours before the statement's last cycle does: a gateway exports by
 * UTC days, and an account west of UTC ends its month hours later, in the next day's export (newcomer54: October's
 * statement of a Los Angeles account was 7 hours short, without a word). Said where the latest row is within a day of
 * the cycle's end and the UTC midnight after it comes before that end; not where the run was asked to reach a date
 * (--through) or shows other cycles (--cycle before the last).
 */
export function exportEndNote(statement: Pick<Statement, "lastUsage">, settings: AccountSettings, shown: Period | undefined): string | undefined {
  const usage = statement.lastUsage;
  if (usage === undefined || settings.through !== undefined || (shown !== undefined && shown.last < usage.starts.last)) return undefined;
  const midnight = (Math.floor(usage.latest / DAY) + 1) * DAY;
  if (usage.end - usage.latest >= DAY || midnight >= usage.end) return undefined;
  const hours = hoursText(usage.end - midnight);
  return `burnrate: note: the usage ends at ${formatInstant(usage.latest)}, before ${formatInstant(midnight)}, a UTC midnight ${hours} before the statement's last cycle ends (${formatInstant(usage.end)}, ${settings.zone.localDate(usage.end)} in ${settings.zone.name}): an export cut at UTC midnight leaves those hours out, and the next day's export holds them; give it too, and --cycle shows this cycle alone\n`;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A span of whole hours, and its minutes where the zone is off the hour (Newfoundland's UTC-3:30). */
function hoursText(span: Instant): string {
  const hours = Math.floor(span / HOUR);
  const minutes = Math.round((span - hours * HOUR) / 60_000);
  const whole = hours === 1 ? "1 hour" : `${hours} hours`;
  return minutes === 0 ? whole : `${whole} ${minutes} minutes`;
}
