import { shown } from "../errors.js";
import { fixName } from "./layout.js";
import type { ColumnMapping } from "./mapping.js";

export const NO_SUCH_COLUMN = "no such column";

/** Ignored columns named in the error for a missing one, before the rest are counted. */
const IGNORED_NAMED = 6;

/**
 * Why a row has no column of a name the card reads: the header's column of that name may be read as something else by
 * the mapping, which "no such column" would hide; or the export may hold it under a name of its own.
 */
export function absentColumn(mapping: ColumnMapping, name: string, header: readonly string[]): string {
  if (mapping.ignore.has(name)) return `no such column: ${shown(name)} is under ignore_columns:`;
  for (const [canonical, source] of Object.entries(mapping.columns)) if (source === name) return `no such column: ${shown(name)} is read as ${canonical}`;
  const renamed = mapping.rename.get(name);
  if (renamed !== undefined && renamed !== name) return `no such column: ${shown(name)} is renamed to ${shown(renamed)}`;
  const likely = likelyColumn(header, name, mapping);
  if (likely !== undefined) {
    const fix = fixName(likely, "COLUMN");
    const flag = fix.map(`dim:${name}=`);
    return `no such column; where the export's ${shown(likely)} holds ${shown(name)}, rename: { ${fix.yaml}: ${name} } in the usage mapping${flag === undefined ? "" : ` (${flag})`}`;
  }
  // The column the card means may be one the mapping ignores under another name (newcomer53 L5: `prompt_tokens` for `input_tokens`).
  const ignored = [...mapping.ignore];
  if (ignored.length === 0) return NO_SUCH_COLUMN;
  const listed = ignored.slice(0, IGNORED_NAMED).map((c) => shown(c)).join(", ") + (ignored.length > IGNORED_NAMED ? ` and ${ignored.length - IGNORED_NAMED} more` : "");
  return `no such column; the mapping ignores ${listed}: where one of them holds ${shown(name)}, rename: { COLUMN: ${name} } in place of ignore_columns: (--map dim:${name}=COLUMN)`;
}

/** Words of a count's name that say nothing of which count it is. */
const COMMON_WORDS = new Set(["tokens", "token", "count", "counts", "native", "total", "input", "output", "prompt", "completion", "num", "n", "usage", "qty", "quantity", "amount"]);

/**
 * A column of the export the mapping reads as nothing else, whose name shares a telling word with the name the card
 * reads: OpenRouter's `native_tokens_cached` for a card's `input_cached_tokens` (newcomer72b L3: "no such column" where
 * the export holds it under its own name). One only: several would be a guess.
 */
function likelyColumn(header: readonly string[], name: string, mapping: ColumnMapping): string | undefined {
  const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== "" && !COMMON_WORDS.has(w));
  const wanted = new Set(words(name));
  if (wanted.size === 0) return undefined;
  const read = new Set([...Object.values(mapping.columns).flat(), ...mapping.rename.keys(), ...mapping.ignore]);
  const found = header.filter((column) => column !== name && !read.has(column) && words(column).some((w) => wanted.has(w)));
  return found.length === 1 ? found[0] : undefined;
}
