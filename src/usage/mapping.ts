import { layoutReads, type LayoutReads } from "./layout-residue.js";
import { atFlag, formatLocation, UserError, shown, type Location, type Place } from "../errors.js";
import { readText } from "../inputs.js";
import { decodeYaml, dictionary, list, oneOf, record, text, type Decoded } from "../yaml/codec.js";
import { nearest } from "../nearest.js";
import { CANONICAL, fixName, flagToo, type Canonical } from "./layout.js";
import { LAYOUT_NAMES, usageLayout } from "./layouts.js";
import { valueKey } from "./mapping-names.js";
import { folderMapping } from "./sources.js";
import { mappingNamed } from "../mapping-files.js";
import { Zone } from "../time.js";
import type { SkippedRows } from "./skipped-rows.js";
import type { PartsOf } from "./layout19-parts.js";
import { layered, valueEntry } from "./mapping-layers.js";


/**
 * How another layout maps onto the canonical columns: which source column holds
 * each canonical one, a fixed meter for logs of one activity, and renames of the
 * provider's activity names to meter keys.
 */
export interface ColumnMapping {
  columns: Partial<Record<Canonical, string>>;
  /** Other source columns under burnrate's names: a gateway's `prompt_tokens` as the `input_tokens` component. */
  rename: ReadonlyMap<string, string>;
  meter: string | undefined;
  meterValues: ReadonlyMap<string, string>;
  /** The export's values of a dimension read as the card's: `{ model: { "openai/gpt-4o": gpt-4o } }`, a gateway's names for the card's. */
  dimensionValues?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Source columns that are neither canonical nor read by the card, left out on purpose (the bill mapping's word too). */
  ignore: ReadonlySet<string>;
  /** JSON Lines and Parquet: the dotted path of the array whose elements are the rows (an API page's buckets' results). */
  rows?: string;
  /** Timestamps written as a count since 1970 (Stripe's and Lago's events, the usage APIs' buckets). */
  timestampUnit?: TimestampUnit;
  /** What `--layout` reads of a file under the mappings on top of it: a file of which it reads nothing is refused (layout-residue.ts). */
  layoutReads?: LayoutReads;
  /** The column a layout's `timestampUnit` is written for: a mapping on top that reads another as the timestamp reads it without the unit. */
  timestampUnitOf?: string;
  /** The IANA zone of the export's timestamps written without an offset (a gateway's UTC); the account's zone otherwise. A name, as a mapping goes to the scanner's thread. */
  timestampZone?: string;
  /** Rows that are not usage, by a source column's values (a gateway's failed calls: `status: [failure]`): each column's cells that skip a row. */
  skipRows?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Told each skipped row, and each JSON row without a quantity, for the notes that say how many were (SkippedRows). */
  skipped?: SkippedRows;
  /** A layout's documented columns that are left out when the card reads none of them (a card may price cached tokens, another not). */
  optional?: ReadonlySet<string>;
  /** A layout's sources of a canonical column, in order: the first in the header is read (one layout, two shapes of an export). */
  alternatives?: Partial<Record<Canonical, readonly string[]>>;
  /** Dimensions every row has, with their value: the provider of a provider's own usage report. */
  constants?: ReadonlyMap<string, string>;
  /**
   * JSON Lines and Parquet: a field made as the sum of others, where a report splits one count in parts (Anthropic's
   * prompt in uncached, cache-write and cache-read tokens; the card's `input_tokens` is the whole prompt, as
   * OpenAI's report gives it). A layout's only; the parts stay readable under their own names.
   */
  sums?: ReadonlyMap<string, readonly string[]>;
  /**
   * JSON Lines and Parquet: a field read within the field that scopes it, `SCOPE ID` (a space between), where both
   * are given: CloudEvents' id is unique only within its source (red team, stop 37). A layout's only.
   */
  scopes?: ReadonlyMap<string, string>;
  /** Totals that count other columns inside them, read less the parts a card also prices (layout19-parts.ts): a layout's, or a mapping's `counts_inside:`. */
  within?: readonly PartsOf[];
  /** A layout's sources of one name, in order: the first in the header is read, the others passed over (LiteLLM's team_alias before team_id). A layout's only. */
  preferred?: ReadonlyMap<string, readonly string[]>;
  /** A layout's columns that name whom a row is for, with what each holds, the likeliest account first: offered where a run needs an account column and none is read (account-column.ts). A layout's only. */
  accountSources?: ReadonlyMap<string, string>;
  /** Canonical columns a layer undid (`columns: { quantity: "" }`): the file is read as one without them, said by its own mapping. */
  undone?: ReadonlySet<Canonical>;
  /** A mapping file's `layout:`, with where it is written: another layer naming another layout is refused there. */
  layout?: { name: string; at: Location };
  /** A layout's rows that each sum many events without counting them (a usage report's buckets): what such a row is, for the note that says each was counted as one event. */
  uncounted?: string;
  /** JSON Lines: the top-level field of an API page that is true when more pages follow (`has_more`): a file whose last page says so is noted. */
  morePages?: string;
  /** Where the user wrote each key (a mapping file's line, or `--map`): an error the key causes is said there, not at the usage file. */
  places?: MappingPlaces;
  /** `dimension_values:` entries a more specific mapping gave another value (layered), by valueKey: the value each had, and where. */
  hidden?: ReadonlyMap<string, { value: string; at: Place | undefined }>;
}

/** The places of a mapping's keys that a usage file is checked against later. */
export interface MappingPlaces {
  /** `columns: { timestamp: ts }`: at the source column's name. */
  columns: Partial<Record<Canonical, Place>>;
  /** `meter_values: { ai.generate: ai_action }`: each entry's key (the export's name) and its value (the meter). */
  meterKeys: ReadonlyMap<string, Place>;
  meterValues: ReadonlyMap<string, Place>;
  /** `meter: request`, a log of one meter without the column: at the meter given. */
  meter?: Place;
  /** `rename: { llm: model }`: at the name given. */
  rename: ReadonlyMap<string, Place>;
  /** The same entries at their source, the key (`llm`). */
  renameKeys?: ReadonlyMap<string, Place>;
  /** `dimension_values: { model: { "openai/gpt-4o": gpt-4o } }`: each dimension at its key, each entry at its value (keyed by valueKey). */
  dimensions?: ReadonlyMap<string, Place>;
  dimensionValues?: ReadonlyMap<string, Place>;
  /** `ignore_columns: [latency_ms]`: at the entry. */
  ignore?: ReadonlyMap<string, Place>;
  /** `skip_rows: { status: [failure] }`: at each column's key. */
  skipRows?: ReadonlyMap<string, Place>;
  /** `counts_inside: { prompt_tokens: [cached_tokens] }`: each total at its key, each part at its entry. */
  countsInside?: ReadonlyMap<string, Place>;
  /** `constants: { server: gw-1 }`: at each key. A layout's fixed values have none: passed over where no meter reads them. */
  constants?: ReadonlyMap<string, Place>;
}

export type TimestampUnit = "seconds" | "milliseconds";

export const NO_MAPPING: ColumnMapping = { columns: {}, rename: new Map(), meter: undefined, meterValues: new Map(), ignore: new Set() };

/** `dimension_values:`, in a usage mapping and a bill mapping alike. */
export function dimensionValuesCodec() {
  return dictionary(dictionary(text(), { keyPattern: /^.+$/, description: "the export's value -> the value the card names (OPENAI -> openai, openai/gpt-4o -> gpt-4o)" }), { keyPattern: /^.+$/, description: "dimension -> { the export's value -> the card's value }: a gateway's names for the values the card prices" });
}

export const mappingCodec = record({}, {
  layout: oneOf(LAYOUT_NAMES, "a built-in export layout (as --layout NAME) under this mapping's own keys: a folder of a gateway's exports read without a flag, as a CI corpus is"),
  columns: record({}, Object.fromEntries(CANONICAL.map((c) => [c, text({ description: `the source column holding ${c}` })])) as Record<Canonical, ReturnType<typeof text>>),
  rename: dictionary(text(), { keyPattern: /^.+$/, description: "source column -> dimension or component name (a nested field by its dotted path, data.tokens)" }),
  meter: text({ description: "the meter of every row, for a log of one activity" }),
  meter_values: dictionary(text(), { keyPattern: /^.+$/, description: "the provider's activity name -> meter key" }),
  dimension_values: dimensionValuesCodec(),
  ignore_columns: list(text(), { description: "source columns that are not read: neither canonical nor a column the card reads (a nested object by its path: none of its fields is read)" }),
  rows: text({ description: "JSON Lines and Parquet: the dotted path of the array whose elements are the rows, each with the fields around it (data.results)" }),
  timestamp_unit: oneOf(["seconds", "milliseconds"] as const, "timestamps written as a number of seconds or milliseconds since 1970-01-01T00:00:00Z"),
  timestamp_zone: text({ description: "the IANA time zone of timestamps written without an offset (UTC for a gateway that writes UTC); the account's time zone otherwise" }),
  skip_rows: dictionary(list(text()), { keyPattern: /^.+$/, description: "rows that are not usage: source column -> the cell values that skip a row (status: [failure]); skipped rows are counted, never charged" }),
  constants: dictionary(text(), { keyPattern: /^.+$/, description: "a column every row has, with one value, where the export writes none (server: gw-1): a dimension the card needs that the export leaves out" }),
  counts_inside: dictionary(list(text()), { keyPattern: /^.+$/, description: "a source column that counts others inside it -> those columns (usage.prompt_tokens: [usage.prompt_tokens_details.cached_tokens]): where the card prices the total and a part, the total is read less the part, so each token is priced once" }),
}, "how a usage or bill layout maps onto burnrate's canonical columns");

export function parseMapping(source: string, file: string): ColumnMapping {
  const decoded = decodeYaml(source, file, mappingCodec);
  const doc = decoded.value;
  const lines = source.split(/\r\n?|\n/);
  // The decoder locates values; a key sits before its value on the value's line (block or flow style alike).
  const keyAt = (key: string, value: Location): Location => {
    const column = lines[value.line - 1]?.lastIndexOf(key, value.column - 2) ?? -1;
    return column < 0 ? value : { file, line: value.line, column: column + 1 };
  };
  const meterValues = [...(doc.meter_values ?? new Map<string, string>()).keys()].map((key) => [key, decoded.at(["meter_values", key])] as const);
  if (doc.timestamp_zone !== undefined && Zone.of(doc.timestamp_zone) === undefined) {
    throw new UserError(`unknown time zone${Zone.guess(doc.timestamp_zone)}`, decoded.at(["timestamp_zone"]), "an IANA time zone name such as UTC or America/New_York", shown(doc.timestamp_zone));
  }
  const places: MappingPlaces = {
    columns: Object.fromEntries(Object.keys(doc.columns ?? {}).map((c) => [c, decoded.at(["columns", c])])),
    meterKeys: new Map(meterValues.map(([key, at]) => [key, keyAt(key, at)])),
    meterValues: new Map(meterValues),
    ...(doc.meter === undefined ? {} : { meter: decoded.at(["meter"]) }),
    rename: new Map([...(doc.rename ?? new Map<string, string>()).keys()].map((source) => [source, decoded.at(["rename", source])])),
    renameKeys: new Map([...(doc.rename ?? new Map<string, string>()).keys()].map((source) => [source, keyAt(source, decoded.at(["rename", source]))])),
    ignore: new Map((doc.ignore_columns ?? []).map((source, i) => [source, decoded.at(["ignore_columns", i])])),
    skipRows: new Map([...(doc.skip_rows ?? new Map<string, string[]>()).keys()].map((source) => [source, keyAboveIn(lines, source, decoded.at(["skip_rows", source]))])),
    countsInside: new Map([...(doc.counts_inside ?? new Map<string, string[]>())].flatMap(([total, parts]) => [
      [total, keyAboveIn(lines, total, decoded.at(["counts_inside", total]))] as const,
      ...parts.map((part, i) => [part, decoded.at(["counts_inside", total, i])] as const),
    ])),
    ...dimensionValuePlaces(doc.dimension_values, decoded, lines),
    constants: new Map([...(doc.constants ?? new Map<string, string>()).keys()].map((name) => [name, keyAboveIn(lines, name, decoded.at(["constants", name]))])),
  };
  const own: ColumnMapping = {
    places,
    columns: { ...(doc.columns ?? {}) } as ColumnMapping["columns"],
    rename: doc.rename ?? new Map(),
    meter: doc.meter,
    meterValues: doc.meter_values ?? new Map(),
    ...(doc.dimension_values === undefined ? {} : { dimensionValues: doc.dimension_values }),
    ignore: new Set(doc.ignore_columns ?? []),
    ...(doc.rows === undefined ? {} : { rows: doc.rows }),
    ...(doc.timestamp_unit === undefined ? {} : { timestampUnit: doc.timestamp_unit }),
    ...(doc.timestamp_zone === undefined ? {} : { timestampZone: doc.timestamp_zone }),
    ...(doc.skip_rows === undefined ? {} : { skipRows: new Map([...doc.skip_rows].map(([source, values]) => [source, new Set(values)])) }),
    ...(doc.counts_inside === undefined ? {} : { within: countsInside(doc.counts_inside, decoded) }),
    ...(doc.constants === undefined ? {} : { constants: doc.constants }),
  };
  // The layout is laid under every layer by the resolver, as --layout is (newcomer, stop 36: a CI corpus of a gateway's
  // export had to spell the layout out, as the workflow passes no --layout): laid under this file's keys alone, it would
  // set its keys again over a folder's mapping of the same layout (red65 M2).
  return doc.layout === undefined ? own : { ...own, layout: { name: doc.layout, at: decoded.at(["layout"]) } };
}

/**
 * `counts_inside:` as groups of a total and its parts. A part listed twice, a total among its own parts, or a part
 * under two totals is refused at its entry: each would be taken from a total twice, or the whole of it (red48 #2 to
 * #4: silently 75 to 300 cents under).
 */
function countsInside(entries: ReadonlyMap<string, readonly string[]>, decoded: Decoded<unknown>): PartsOf[] {
  const under = new Map<string, string>();
  for (const [total, parts] of entries) {
    parts.forEach((part, i) => {
      const at = decoded.at(["counts_inside", total, i]);
      if (part === total) throw new UserError(`counts_inside: ${shown(total)} is listed as a part of itself`, at, "the counts inside it, each another column of the export", shown(part));
      const other = under.get(part);
      if (other === total) throw new UserError(`counts_inside: ${shown(part)} is listed twice under ${shown(total)}`, at, "each part once: it would be taken from the total twice", shown(part));
      if (other !== undefined) throw new UserError(`counts_inside: ${shown(part)} is under both ${shown(other)} and ${shown(total)}`, at, "a part under the one total that counts it: it would be taken from both", shown(part));
      under.set(part, total);
    });
  }
  return [...entries].map(([total, parts]) => ({ total, parts }));
}


/** Where each `dimension_values:` entry of a mapping file is written: each dimension at its key, each entry at its value (keyed by valueKey). */
export function dimensionValuePlaces(values: ReadonlyMap<string, ReadonlyMap<string, string>> | undefined, decoded: Decoded<unknown>, lines: readonly string[]): Pick<MappingPlaces, "dimensions" | "dimensionValues"> {
  const keyAbove = (key: string, value: Location) => keyAboveIn(lines, key, value);
  const entries = [...(values ?? [])];
  return {
    dimensions: new Map(entries.map(([dim]) => [dim, keyAbove(dim, decoded.at(["dimension_values", dim]))])),
    dimensionValues: new Map(entries.flatMap(([dim, byExport]) => [...byExport.keys()].map((value) => [valueKey(dim, value), decoded.at(["dimension_values", dim, value])] as const))),
  };
}

/** Where a key is written, given its value's place: a block mapping's value starts on a line below its key (blank or comment lines may come between). */
function keyAboveIn(lines: readonly string[], key: string, value: Location): Location {
  for (let line = value.line; line >= Math.max(1, value.line - 8); line--) {
    const text = lines[line - 1] ?? "";
    const column = line === value.line ? text.lastIndexOf(key, value.column - 2) : text.lastIndexOf(key);
    if (column >= 0) return { file: value.file, line, column: column + 1 };
  }
  return value;
}

/** Where a run's mappings come from besides the files beside its usage: `--layout`, `--mapping` and `--map`. */
export interface MappingInput {
  mappingFile: string | undefined;
  layout?: string;
  mapFlags: readonly string[];
  /** Told the rows a mapping's `skip_rows:` skips, for the command's note. */
  skipped?: SkippedRows;
}

/**
 * Each usage file's mapping, layered from the least specific up, each key of a more specific one
 * winning and every other inherited: `--layout`, the folder's mapping, the file's own beside it,
 * `--mapping`, `--map`. A file's own mapping that renames a column keeps its folder's
 * `dimension_values:`, which would otherwise be lost and the export's values priced as written.
 */
export function mappingResolver(input: MappingInput): (file: string) => ColumnMapping {
  const parsed = new Map<string, ColumnMapping>();
  const load = (path: string): ColumnMapping => {
    let mapping = parsed.get(path);
    if (!mapping) parsed.set(path, (mapping = parseMapping(readText(path), path)));
    return mapping;
  };
  if (input.mappingFile !== undefined) load(input.mappingFile);
  return (file) => {
    const files = [folderMapping(file), file === "-" ? undefined : mappingNamed(file), input.mappingFile];
    const layers = files.flatMap((path) => (path === undefined ? [] : [load(path)]));
    const runWide = input.mappingFile === undefined ? undefined : layers.at(-1);
    const named = oneLayout(input.layout, layers);
    const layout = named === undefined ? NO_MAPPING : usageLayout(named);
    // The layout lies under the least specific layer that names it (`--layout`, and `--mapping`'s, which is as
    // run-wide: under all, red66b H1): a folder's keys below a file's `layout:` stay below it, as written for the
    // folder's other exports (red66: a folder's timestamp_zone:, skip_rows: or meter: read a LiteLLM file of its own
    // mapping in silence), and a folder's keys over its own `layout:` stay over it in a file that names it again (red65 M2).
    const first = layers.findIndex((layer) => layer.layout !== undefined);
    const at = input.layout !== undefined || runWide?.layout !== undefined ? 0 : first;
    const below = at < 0 ? layers : layers.slice(0, at);
    const under = below.reduce((base, over) => layered(base, over), NO_MAPPING);
    const over = at < 0 ? [] : layers.slice(at);
    const layeredMapping = withFlags(over.reduce((base, layer) => layered(base, layer), below.length === 0 ? layout : layered(under, layout)), input.mapFlags);
    const reads = input.layout === undefined ? undefined : layoutReads(input.layout, layout, layeredMapping);
    const mapping = reads === undefined ? layeredMapping : { ...layeredMapping, layoutReads: reads };
    input.skipped?.readInZone(file, mapping);
    return input.skipped === undefined ? mapping : { ...mapping, skipped: input.skipped };
  };
}

/**
 * The one layout of a file, laid under all its mappings: `--layout`'s or a mapping's `layout:`. Two are refused
 * (`--layout` and a mapping's, or a folder's and a file's): layered key by key they would read the export as neither
 * (red team, stop 36: --layout litellm over a mapping's openrouter, in silence).
 */
function oneLayout(flag: string | undefined, layers: readonly ColumnMapping[]): string | undefined {
  let named: { name: string; where: string } | undefined = flag === undefined ? undefined : { name: flag, where: "--layout" };
  for (const layer of layers) {
    if (layer.layout === undefined) continue;
    if (named !== undefined && named.name !== layer.layout.name) {
      throw new UserError(`a second layout for the same files: ${shown(layer.layout.name)} here, ${shown(named.name)} by ${named.where}`, layer.layout.at, "one layout: the mapping's layout: or --layout, naming the same one", shown(layer.layout.name));
    }
    named = { name: layer.layout.name, where: formatLocation(layer.layout.at) };
  }
  return named?.name;
}

/**
 * A row's meter that is no meter of the card, said where the fix goes: a `meter_values:` entry that
 * names no meter at that entry; an export's name that misses an entry by a typo with that entry; any
 * other at the row's cell, with the entry that would read it.
 */
export function unknownMeter(mapping: ColumnMapping, rawMeter: string, meters: readonly string[], card: string, cell: Location): UserError {
  const mapped = mapping.meterValues.get(rawMeter);
  const meter = mapped ?? rawMeter;
  const near = nearest(meter, meters);
  const guess = near ? `; did you mean ${shown(near)}?` : "";
  if (mapped !== undefined) {
    const place = mapping.places?.meterValues.get(rawMeter);
    if (place !== undefined) return new UserError(`unknown meter ${shown(mapped)}${guess}`, place, `a meter of ${card} (the meter_values entry for ${shown(rawMeter)}, first read at ${cell.file}:${cell.line}:${cell.column})`, shown(mapped));
  }
  if (mapping.columns.meter === undefined) {
    // A layout's every row is one meter (LiteLLM's `request`), which a card may call otherwise: the fix is the
    // mapping's meter:, which the error did not name (newcomer55 L1).
    const layouts = mapping.meter === meter && mapping.places?.meter === undefined ? `; the layout reads every row as the meter ${shown(meter)}: meter: KEY in the usage mapping (--map meter:KEY${meters.length > 0 && meters.length <= 12 ? `, KEY one of ${meters.join(", ")}` : ""}) reads them as the card's` : "";
    return new UserError(`unknown meter ${shown(meter)}${guess}`, cell, `a meter of ${card}${layouts}`, shown(rawMeter));
  }
  const name = fixName(rawMeter, "NAME");
  const entry = mapped === undefined ? nearest(rawMeter, [...mapping.meterValues.keys()]) : undefined;
  const entryAt = entry === undefined ? undefined : mapping.places?.meterKeys.get(entry);
  const mistyped = entry === undefined ? "" : `; did you mean: the mapping's ${shown(entry)}${entryAt === undefined ? "" : ` at ${"flag" in entryAt ? entryAt.flag : `${entryAt.file}:${entryAt.line}:${entryAt.column}`}`}?`;
  return new UserError(`unknown meter ${shown(meter)}${mistyped || guess}`, cell, `a meter of ${card}, or the export's name read as one: meter_values: { ${name.yaml}: KEY } in the usage mapping${flagToo(name.map("meter:KEY="))}`, shown(rawMeter));
}

/**
 * The mapping's `meter:` (a log of one meter, without the column) that is no meter of the card, said at that key,
 * not at the first row, which has no meter of its own (newcomer, stop 40).
 */
export function unknownMappedMeter(mapping: ColumnMapping, meters: readonly string[], card: string, cell: Location): UserError | undefined {
  const place = mapping.places?.meter;
  if (place === undefined || mapping.meter === undefined || mapping.meterValues.has(mapping.meter)) return undefined;
  const near = nearest(mapping.meter, meters);
  return new UserError(`unknown meter ${shown(mapping.meter)}${near ? `; did you mean ${shown(near)}?` : ""}`, place, `a meter of ${card} (the mapping's meter:, which each row of a log without a meter column is read as; first read at ${cell.file}:${cell.line})`, shown(mapping.meter));
}

const MAP_FORMS = `CANONICAL=SOURCE (CANONICAL one of ${CANONICAL.join(", ")}), value:DIMENSION:VALUE=EXPORTED, dim:NAME=SOURCE, meter:KEY=VALUE, meter:KEY, skip:SOURCE=VALUE[,VALUE] or ignore:SOURCE`;

/**
 * `--map` flags, applied over a mapping file; each is one key of the mapping file:
 * `timestamp=created_at` (columns:), `dim:model=llm_model` (rename: the source
 * column read as a dimension or component), `meter:request=completion` (meter_values:
 * the provider's value read as a meter key), `meter:request` (meter: every row's meter),
 * `ignore:latency_ms` (ignore_columns:), `value:model:gpt-4o=openai/gpt-4o`
 * (dimension_values: the export's value of a dimension read as the card's), `skip:status=failed,error`
 * (skip_rows: a row of one of those values is not usage; added to the file's values for the column).
 */
export function withFlags(base: ColumnMapping, flags: readonly string[]): ColumnMapping {
  const columns: ColumnMapping["columns"] = {};
  const rename = new Map<string, string>();
  const meterValues = new Map<string, string>();
  const ignore = new Set<string>();
  const dimensionValues = new Map<string, Map<string, string>>();
  const skipRows = new Map<string, Set<string>>();
  let meter: string | undefined;
  let meterPlace: Place | undefined;
  const flagPlaces = { columns: {} as MappingPlaces["columns"], meterKeys: new Map<string, Place>(), meterValues: new Map<string, Place>(), rename: new Map<string, Place>(), ignore: new Map<string, Place>(), skipRows: new Map<string, Place>(), dimensions: new Map<string, Place>(), dimensionValues: new Map<string, Place>() };
  // One flag per key: a second `--map quantity=...` would otherwise win without a word.
  const keys = new Map<string, string>();
  for (const flag of flags) {
    const bad = () => new UserError("bad column mapping", atFlag("--map"), MAP_FORMS, shown(flag));
    const colon = flag.indexOf(":");
    const eq = flag.indexOf("=");
    const kind = colon > 0 && (eq < 0 || colon < eq) ? flag.slice(0, colon) : undefined;
    const body = kind === undefined ? flag : flag.slice(colon + 1);
    const bodyEq = body.indexOf("=");
    const name = bodyEq < 0 ? body : body.slice(0, bodyEq);
    const source = bodyEq < 0 ? undefined : body.slice(bodyEq + 1);
    if (name === "" || source === "") throw bad();
    const key = `${kind ?? "column"}:${kind === "dim" || kind === "meter" ? (source ?? "") : kind === "value" ? valueKey(name.split(":", 1)[0]!, source ?? "") : kind === "skip" ? valueKey(name, source ?? "") : name}`;
    const earlier = keys.get(key);
    if (earlier !== undefined) throw new UserError("the same mapping twice", atFlag("--map"), "each column, dimension or meter value mapped once", `${shown(earlier)} and ${shown(flag)}`);
    keys.set(key, flag);
    if (kind === undefined) {
      if (source === undefined || !(CANONICAL as readonly string[]).includes(name)) throw bad();
      columns[name as Canonical] = source;
      flagPlaces.columns[name as Canonical] = atFlag("--map");
    } else if (kind === "dim" && source !== undefined) {
      rename.set(source, name);
      flagPlaces.rename.set(source, atFlag("--map"));
    }
    else if (kind === "meter" && source !== undefined) {
      meterValues.set(source, name);
      flagPlaces.meterKeys.set(source, atFlag("--map"));
      flagPlaces.meterValues.set(source, atFlag("--map"));
    }
    else if (kind === "meter") {
      meter = name;
      meterPlace = atFlag("--map");
    }
    else if (kind === "value" && source !== undefined) {
      const entry = valueEntry(name, source);
      if (entry === undefined) throw bad();
      const { dimension, value } = entry;
      if (!dimensionValues.has(dimension)) dimensionValues.set(dimension, new Map());
      dimensionValues.get(dimension)!.set(source, value);
      flagPlaces.dimensions.set(dimension, atFlag("--map"));
      flagPlaces.dimensionValues.set(valueKey(dimension, source), atFlag("--map"));
    }
    else if (kind === "skip" && source !== undefined) {
      // A list of values, as a shell user writes one (red53b #2: `failed,error` was one value, and skipped no row).
      const values = source.split(",");
      if (values.includes("")) throw bad();
      if (!skipRows.has(name)) skipRows.set(name, new Set(base.skipRows?.get(name)));
      for (const value of values) skipRows.get(name)!.add(value);
      flagPlaces.skipRows.set(name, atFlag("--map"));
    }
    else if (kind === "ignore" && source === undefined) {
      ignore.add(name);
      flagPlaces.ignore.set(name, atFlag("--map"));
    }
    else throw bad();
  }
  return layered(base, { columns, rename, meter, meterValues, ignore, ...(dimensionValues.size === 0 ? {} : { dimensionValues }), ...(skipRows.size === 0 ? {} : { skipRows }), ...(flags.length === 0 ? {} : { places: { ...flagPlaces, ...(meterPlace === undefined ? {} : { meter: meterPlace }) } }) });
}
