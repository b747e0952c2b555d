import { atFlag, shown, UserError } from "../errors.js";
import type { PartsOf } from "./layout19-parts.js";
import type { ColumnMapping } from "./mapping.js";

/** What `--layout` still reads of a file under the mappings on top of it: the columns it names that none of them reads otherwise. */
export interface LayoutReads {
  name: string;
  sources: readonly string[];
  /** Totals it reads less their parts: a reading where the file has a total and one of its parts. */
  within: readonly PartsOf[];
  /** The layout's zone of times written without an offset, which no mapping on top replaced: all it gives an idle file. */
  zone?: string;
}

/**
 * The columns `--layout NAME` reads in `mapping`, the run's mapping layered on top of it; undefined where the layout
 * decides something whatever a file's columns are (a meter, a fixed value, rows unnested, its unit of its own time
 * column), so that no file can make it idle. Its zone alone is no reading of a file: `timestamp_zone:` says it.
 */
export function layoutReads(name: string, layout: ColumnMapping, mapping: ColumnMapping): LayoutReads | undefined {
  const places = mapping.places;
  const decides =
    (layout.constants?.size ?? 0) > 0 ||
    layout.rows !== undefined ||
    (layout.meter !== undefined && places?.meter === undefined && mapping.meter === layout.meter) ||
    (layout.timestampUnit !== undefined && mapping.timestampUnitOf !== undefined);
  if (decides) return undefined;
  const sources: string[] = [];
  for (const [c, source] of Object.entries(layout.columns)) if (source !== undefined && places?.columns[c as keyof typeof places.columns] === undefined && mapping.columns[c as keyof typeof mapping.columns] === source) sources.push(source);
  for (const [c, alternatives] of Object.entries(layout.alternatives ?? {})) if (places?.columns[c as keyof typeof places.columns] === undefined) sources.push(...(alternatives ?? []));
  for (const [source, target] of layout.rename) if (source !== target && places?.rename.has(source) !== true && mapping.rename.get(source) === target) sources.push(source);
  for (const source of layout.ignore) if (mapping.ignore.has(source)) sources.push(source);
  sources.push(...(layout.skipRows?.keys() ?? []), ...[...(layout.sums?.values() ?? [])].flat());
  sources.push(...[...(layout.scopes ?? [])].flat(), ...[...(layout.preferred?.values() ?? [])].flat(), ...(layout.accountSources?.keys() ?? []));
  const zone = layout.timestampZone !== undefined && mapping.timestampZone === layout.timestampZone ? layout.timestampZone : undefined;
  return { name, sources: [...new Set(sources)], within: layout.within ?? [], ...(zone === undefined ? {} : { zone }) };
}

/**
 * A file of which `--layout` reads nothing: the mappings on top read every column it names, or the file has none of
 * them. Read as it was, the flag changed nothing and said nothing (newcomer64b M4: `--layout openrouter` over a folder
 * mapped in full; Lago's, once its seconds were its own time column's, read a CSV of ISO times as the mapping alone).
 */
export function idleLayout(reads: LayoutReads | undefined, header: readonly string[], file: string): UserError | undefined {
  if (reads === undefined) return undefined;
  const reading = (name: string) => reads.sources.some((s) => s === name || s.startsWith(`${name}.`) || name.startsWith(`${s}.`));
  if (header.some(reading) || reads.within.some((w) => header.includes(w.total) && w.parts.some((p) => header.includes(p)))) return undefined;
  const named = reads.sources.length === 0 ? "none the mappings on top do not read otherwise" : reads.sources.slice(0, 6).join(", ") + (reads.sources.length > 6 ? ", ..." : "");
  return new UserError(
    `--layout ${reads.name} reads nothing of ${shown(file)}: the mappings on top of it read each column it names, or the file has none of them (${named})`,
    atFlag("--layout"),
    `--layout left out, where the mapping reads the export${reads.zone === undefined ? "" : ` (its zone of times without an offset, ${reads.zone}, is timestamp_zone: ${reads.zone} in the mapping)`}; or the export --layout ${reads.name} is for`,
    `${shown(file)}'s columns ${header.slice(0, 6).join(", ")}${header.length > 6 ? ", ..." : ""}`,
  );
}
