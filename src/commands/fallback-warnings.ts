import type { Statement } from "../engine/types.js";
import { fallbackNearMisses, type FallbackNearMiss } from "../engine/fallback-prices.js";
import { shown } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";

/** Values told one by one; the rest are counted in one line (red71a L5: 3,000 of them opened every report). */
const ONE_BY_ONE = 20;

/** The warnings for the values a price table's "*" entry priced that are listed values written otherwise (engine/fallback-prices.ts). */
export function fallbackWarnings(card: RateCard, statement: Statement): string[] {
  return fallbackMissWarnings(fallbackNearMisses(card, statement));
}

/** The same, for the misses a reconciliation found in its replay. */
export function fallbackMissWarnings(misses: readonly FallbackNearMiss[]): string[] {
  const told = misses.slice(0, ONE_BY_ONE).map(fallbackWarning);
  const more = misses.length - told.length;
  if (more > 0) told.push(`burnrate: warning: ${more.toLocaleString("en-US")} more ${more === 1 ? "value is" : "values are"} priced by the card's "*" entry where the card prices one written alike, as above\n`);
  return told;
}

/** A value the card's "*" entry priced though the table names it written otherwise: the fix is a mapping. */
function fallbackWarning(miss: FallbackNearMiss): string {
  const flag = /^[\w./:@-]{1,80}$/.test(miss.value) ? ` (--map value:${miss.dimension}:${miss.named}=${miss.value})` : "";
  return `burnrate: warning: ${miss.dimension} ${shown(miss.value)} on meter ${shown(miss.meter)} is priced by the card's "*" entry, but the card prices ${shown(miss.named)}, which it is written for (its letters, a gateway's prefix or a release): if it is that ${miss.dimension}, read it so with dimension_values: in the usage mapping${flag}\n`;
}
