import { atFlag, shown, UserError } from "../errors.js";
import type { PartsOf } from "./layout19-parts.js";
import type { ColumnMapping } from "./mapping.js";

/** What `--layout` still reads of a file under the mappings on top of it: the columns it names that none of them reads otherwise. */
export interface LayoutReads {
  name: string;
  sources: readonly string[];
  /** Its documented columns it passes over where the card reads none of them, and the mappings on top do not read. */
  optional: readonly string[];
  /** Totals it reads less their parts: a reading where the file has a total and one of its parts. */
  within: readonly PartsOf[];
  /** The layout's zone of times written without an offset, which no mapping on top replaced: all it gives an idle file. */
  zone?: string;
  /** It reads every file whatever its columns: no mapping is on top, or it sets a value (a meter, a constant, rows unnested, its seconds). */
  always?: true;
}

/**
 * The columns `--layout NAME` reads in `mapping`, the run's mapping layered on top of it; `always` where it reads the
 * file alone, or decides something whatever a file's columns are (a meter, a fixed value, rows unnested, its unit of its
 * own time column), so that no file can make it idle. Its zone alone is no reading of a file: `timestamp_zone:` says it.
 */
export function layoutReads(name: string, layout: ColumnMapping, mapping: ColumnMapping): LayoutReads {
  const places = mapping.places;
  // With no mapping on top the layout reads the file alone, and a header that is not its export is refused by what it
  // lacks, with the fix (red65b M2: "--map timestamp=startTime" gave way to this check's).
  if (places === undefined) return { name, sources: [], optional: [], within: [], always: true };
  const decides =
    (layout.constants?.size ?? 0) > 0 ||
    layout.rows !== undefined ||
    (layout.meter !== undefined && places?.meter === undefined && places?.columns.meter === undefined && mapping.meter === layout.meter) ||
    (layout.timestampUnit !== undefined && mapping.timestampUnitOf !== undefined);
  if (decides) return { name, sources: [], optional: [], within: [], always: true };
  const sources: string[] = [];
  for (const [c, source] of Object.entries(layout.columns)) if (source !== undefined && places?.columns[c as keyof typeof places.columns] === undefined && mapping.columns[c as keyof typeof mapping.columns] === source) sources.push(source);
  for (const [c, alternatives] of Object.entries(layout.alternatives ?? {})) if (places?.columns[c as keyof typeof places.columns] === undefined) sources.push(...(alternatives ?? []));
  for (const [source, target] of layout.rename) if (source !== target && places?.rename.has(source) !== true && mapping.rename.get(source) === target) sources.push(source);
  for (const source of layout.ignore) if (mapping.ignore.has(source)) sources.push(source);
  const userReads = new Set([...(places?.rename.keys() ?? []), ...Object.entries(mapping.columns).filter(([c]) => places?.columns[c as keyof typeof places.columns] !== undefined).map(([, source]) => source)]);
  sources.push(...(layout.skipRows?.keys() ?? []), ...[...(layout.sums?.values() ?? [])].flat());
  sources.push(...[...(layout.scopes ?? [])].flat(), ...[...(layout.preferred?.values() ?? [])].flat(), ...(layout.accountSources?.keys() ?? []));
  const zone = layout.timestampZone !== undefined && mapping.timestampZone === layout.timestampZone ? layout.timestampZone : undefined;
  // Its optional columns too, passed over where the card reads none of them, which without it are refused as read by
  // nothing (red65b H1: LiteLLM's spend and api_key under a mapping of every other column); one the card reads by its
  // own name (a model) is read without it.
  const optional = [...(layout.optional ?? [])].filter((source) => !userReads.has(source));
  return { name, sources: [...new Set(sources)], optional, within: layout.within ?? [], ...(zone === undefined ? {} : { zone }) };
}

/**
 * The fields a JSON reader's header holds that its first object lacks (a mapping's or a layout's, read where they first
 * appear), by file: no reading of the layout's where no row has them (red65c H1: a layout's event id, named and absent,
 * read as its column in every JSON Lines file). Set by the reader as it makes the header, in the thread that reads the
 * file, and asked there; one entry a file.
 */
export const LATE_FIELDS = new Map<string, ReadonlySet<string>>();

/** Whether `--layout` read anything of one file, as its header was read: told the run, which judges once every file was. */
export interface LayoutReading {
  file: string;
  read: boolean;
  reads: LayoutReads;
  /** The header's first columns, and how many it has. */
  header: readonly string[];
  columns: number;
}

/** How `--layout` read a file of `header`, or undefined where there is nothing to judge (no layout, or none under a mapping). */
export function layoutReading(reads: LayoutReads | undefined, header: readonly string[], file: string, card: ReadonlySet<string>): LayoutReading | undefined {
  const late = LATE_FIELDS.get(file);
  return layoutReadingOf(reads, late === undefined ? header : header.filter((name) => !late.has(name)), file, card);
}

/** How `--layout` read a file of these fields, each one the file holds. */
export function layoutReadingOf(reads: LayoutReads | undefined, header: readonly string[], file: string, card: ReadonlySet<string>): LayoutReading | undefined {
  if (reads === undefined) return undefined;
  const among = (sources: readonly string[]) => (name: string) => sources.some((s) => s === name || s.startsWith(`${name}.`) || name.startsWith(`${s}.`));
  const passedOver = reads.optional.filter((source) => !card.has(source));
  const read = reads.always === true || header.some(among(reads.sources)) || header.some(among(passedOver)) || reads.within.some((w) => header.includes(w.total) && w.parts.some((p) => header.includes(p)));
  return { file, read, reads, header: header.slice(0, 6), columns: header.length };
}

/**
 * The files `--layout` read nothing of: the mappings on top read each column it names, or the file has none of them.
 * Where it read no file of the run, the flag changed nothing and said nothing (newcomer64b M4: `--layout openrouter`
 * over a folder mapped in full): refused at the flag. Where it read some, a folder that holds the export beside files
 * mapped in full (red65b M1), the others are named in a note.
 */
export class LayoutReadings {
  private readonly files = new Map<string, LayoutReading>();

  /** `usage`: the run's usage files; one with no header to read (an empty day's export) is never told, and may be the export. */
  constructor(private readonly usage: number) {}

  tell(reading: LayoutReading): void {
    if (this.files.get(reading.file)?.read !== true) this.files.set(reading.file, reading);
  }

  notes(): string[] {
    const all = [...this.files.values()];
    const idle = all.filter((r) => !r.read);
    if (idle.length === 0) return [];
    const { reads, file, header, columns } = idle[0]!;
    if (idle.length === all.length && all.length >= this.usage) {
      const named = reads.sources.slice(0, 6).join(", ") + (reads.sources.length > 6 ? ", ..." : "");
      const files = all.length === 1 ? shown(file) : `any of the ${all.length} usage files (the first ${shown(file)})`;
      return [throwIdle(reads, files, named, `${shown(file)}'s columns ${header.join(", ")}${columns > header.length ? ", ..." : ""}`)];
    }
    const them = idle.length === 1 ? shown(file) : `${idle.length} of the ${all.length} usage files (the first ${shown(file)})`;
    return [`burnrate: note: --layout ${reads.name} reads nothing of ${them}: the mappings on top of ${idle.length === 1 ? "it" : "them"} read each column it names, or ${idle.length === 1 ? "it has" : "they have"} none of them; ${idle.length === 1 ? "it is" : "they are"} read through ${idle.length === 1 ? "its" : "their"} mapping alone\n`];
  }
}

function throwIdle(reads: LayoutReads, files: string, named: string, found: string): never {
  throw new UserError(
    `--layout ${reads.name} reads nothing of ${files}: the mappings on top of it read each column it names, or the file has none of them (${named || "none the mappings do not read otherwise"})`,
    atFlag("--layout"),
    `--layout left out, where the mapping reads the export${reads.zone === undefined ? "" : ` (its zone of times without an offset, ${reads.zone}, is timestamp_zone: ${reads.zone} in the mapping)`}; or the export --layout ${reads.name} is for`,
    found,
  );
}
