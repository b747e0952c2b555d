import { shown } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import type { ColumnMapping } from "./mapping.js";

/**
 * A count and one of its details (`usage.prompt_tokens` and `usage.prompt_tokens_details.cached_tokens`) read as two
 * components the card prices, with no `counts_inside:` (nor a layout's group) between them. OpenAI's exports count
 * the details inside the total, so each such token is priced twice, once at each price, without a word (newcomer49
 * F3: a month 8.8% over). A warning, not a refusal: an export may give the total without its details.
 */
export function detailsInsideNotes(mappings: Iterable<ColumnMapping>, card: RateCard): string[] {
  const priced = new Set((card.versions ?? [card]).flatMap((version) => [...version.meters.values()].flatMap((meter) => meter.components.map((c) => c.name))));
  const told = new Set<string>();
  const notes: string[] = [];
  for (const mapping of mappings) {
    for (const [total, totalName] of mapping.rename) {
      if (!priced.has(totalName)) continue;
      for (const [part, partName] of mapping.rename) {
        if (!part.startsWith(`${total}_details.`) || !priced.has(partName) || partName === totalName) continue;
        if ((mapping.within ?? []).some((g) => g.total === total && g.parts.includes(part))) continue;
        const key = `${total}\u0000${part}`;
        if (told.has(key)) continue;
        told.add(key);
        notes.push(`burnrate: warning: ${shown(part)} (read as ${shown(partName)}) is a detail of ${shown(total)} (read as ${shown(totalName)}), and the card prices both: where the export counts it inside the total, as OpenAI's does, each of those tokens is priced twice; counts_inside: { ${total}: [${part}] } in the usage mapping reads the total less it (docs/usage.md, "Counts inside counts")\n`);
      }
    }
  }
  return notes;
}
