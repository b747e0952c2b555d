import { formatExact } from "../money.js";
import { formatInstant } from "../time.js";
import { meterName } from "./summary.js";
import type { Difference, Reconciliation } from "./types.js";

/** Lines named in the text before the rest are counted. */
const LINES_NAMED = 3;

/**
 * Rate drifts of one line (a cycle, its meter and dimensions) whose prices differ account by account: what a price
 * changed within the cycle looks like on a bill by customer, each account's price blended by its usage either side of
 * the change (newcomer70 M4: 9.95%, 11.12% and 13.37% over for three customers read "the card may be out of date", and a
 * flat price written into the card would have been wrong for all three). A card version from the change prices each
 * side; it is said once for the report, the lines the first few.
 */
export function blendedDrift(r: Reconciliation): string | undefined {
  const groups = new Map<string, Difference[]>();
  for (const d of r.differences) {
    if (d.class !== "rate_drift" || d.prices === undefined || d.line.account === undefined) continue;
    const key = JSON.stringify([d.cycleStart, d.line.meters, d.line.dimensions, d.line.money]);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const blended = [...groups.values()].filter((ds) => new Set(ds.map((d) => d.prices!.bill.toString())).size > 1);
  if (blended.length === 0) return undefined;
  const named = blended.slice(0, LINES_NAMED).map((ds) => {
    const first = ds[0]!;
    const dims = Object.entries(first.line.dimensions).map(([k, v]) => `${k}=${v}`).join(", ");
    const prices = [...new Set(ds.map((d) => formatExact(d.prices!.bill.toSignificantDigits(6))))];
    const shown = `${prices.slice(0, LINES_NAMED).join(", ")}${prices.length > LINES_NAMED ? ` and ${prices.length - LINES_NAMED} more` : ""}`;
    return `${meterName(first)}${dims === "" ? "" : ` (${dims})`} from ${formatInstant(first.cycleStart)}: ${shown} across ${ds.length} accounts, the card ${formatExact(first.prices!.card)}`;
  });
  const more = blended.length > LINES_NAMED ? `; and ${blended.length - LINES_NAMED} more line(s)` : "";
  return `the bill's price of a line differs account by account (${named.join("; ")}${more}): a price changed within the cycle comes out so, each account's blended by its usage either side of the change; a card version effective at the change, given with --card beside the card, prices each side`;
}
