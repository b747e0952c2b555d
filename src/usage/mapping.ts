import { atFlag, UserError, shown } from "../errors.js";
import { decodeYaml, dictionary, list, oneOf, record, text } from "../yaml/codec.js";
import { CANONICAL, type Canonical } from "./layout.js";


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
  /** Source columns that are neither canonical nor read by the card, left out on purpose (the bill mapping's word too). */
  ignore: ReadonlySet<string>;
  /** JSON Lines and Parquet: the dotted path of the array whose elements are the rows (an API page's buckets' results). */
  rows?: string;
  /** Timestamps written as a count since 1970 (Stripe's and Lago's events, the usage APIs' buckets). */
  timestampUnit?: TimestampUnit;
  /** A layout's documented columns that are left out when the card reads none of them (a card may price cached tokens, another not). */
  optional?: ReadonlySet<string>;
  /** A layout's sources of a canonical column, in order: the first in the header is read (one layout, two shapes of an export). */
  alternatives?: Partial<Record<Canonical, readonly string[]>>;
  /** Dimensions every row has, with their value: the provider of a provider's own usage report. */
  constants?: ReadonlyMap<string, string>;
}

export type TimestampUnit = "seconds" | "milliseconds";

export const NO_MAPPING: ColumnMapping = { columns: {}, rename: new Map(), meter: undefined, meterValues: new Map(), ignore: new Set() };

export const mappingCodec = record({}, {
  columns: record({}, Object.fromEntries(CANONICAL.map((c) => [c, text({ description: `the source column holding ${c}` })])) as Record<Canonical, ReturnType<typeof text>>),
  rename: dictionary(text(), { keyPattern: /^.+$/, description: "source column -> dimension or component name (a nested field by its dotted path, data.tokens)" }),
  meter: text({ description: "the meter of every row, for a log of one activity" }),
  meter_values: dictionary(text(), { keyPattern: /^.+$/, description: "the provider's activity name -> meter key" }),
  ignore_columns: list(text(), { description: "source columns that are not read: neither canonical nor a column the card reads (a nested object by its path: none of its fields is read)" }),
  rows: text({ description: "JSON Lines and Parquet: the dotted path of the array whose elements are the rows, each with the fields around it (data.results)" }),
  timestamp_unit: oneOf(["seconds", "milliseconds"] as const, "timestamps written as a number of seconds or milliseconds since 1970-01-01T00:00:00Z"),
}, "how a usage or bill layout maps onto burnrate's canonical columns");

export function parseMapping(source: string, file: string): ColumnMapping {
  const doc = decodeYaml(source, file, mappingCodec).value;
  return {
    columns: { ...(doc.columns ?? {}) } as ColumnMapping["columns"],
    rename: doc.rename ?? new Map(),
    meter: doc.meter,
    meterValues: doc.meter_values ?? new Map(),
    ignore: new Set(doc.ignore_columns ?? []),
    ...(doc.rows === undefined ? {} : { rows: doc.rows }),
    ...(doc.timestamp_unit === undefined ? {} : { timestampUnit: doc.timestamp_unit }),
  };
}

/** `over` on top of `base`: a layout under a mapping file under the `--map` flags. Each key of `over` wins. */
export function layered(base: ColumnMapping, over: ColumnMapping): ColumnMapping {
  return {
    columns: { ...base.columns, ...over.columns },
    rename: new Map([...base.rename, ...over.rename]),
    meter: over.meter ?? base.meter,
    meterValues: new Map([...base.meterValues, ...over.meterValues]),
    ignore: new Set([...base.ignore, ...over.ignore]),
    ...((over.rows ?? base.rows) === undefined ? {} : { rows: over.rows ?? base.rows }),
    ...((over.timestampUnit ?? base.timestampUnit) === undefined ? {} : { timestampUnit: over.timestampUnit ?? base.timestampUnit }),
    ...(base.optional === undefined && over.optional === undefined ? {} : { optional: new Set([...(base.optional ?? []), ...(over.optional ?? [])]) }),
    ...(base.alternatives === undefined && over.alternatives === undefined ? {} : { alternatives: { ...base.alternatives, ...over.alternatives } }),
    ...(base.constants === undefined && over.constants === undefined ? {} : { constants: new Map([...(base.constants ?? []), ...(over.constants ?? [])]) }),
  };
}

const MAP_FORMS = `CANONICAL=SOURCE (CANONICAL one of ${CANONICAL.join(", ")}), dim:NAME=SOURCE, meter:KEY=VALUE, meter:KEY or ignore:SOURCE`;

/**
 * `--map` flags, applied over a mapping file; each is one key of the mapping file:
 * `timestamp=created_at` (columns:), `dim:model=llm_model` (rename: the source
 * column read as a dimension or component), `meter:request=completion` (meter_values:
 * the provider's value read as a meter key), `meter:request` (meter: every row's meter),
 * `ignore:latency_ms` (ignore_columns:).
 */
export function withFlags(base: ColumnMapping, flags: readonly string[]): ColumnMapping {
  const columns: ColumnMapping["columns"] = {};
  const rename = new Map<string, string>();
  const meterValues = new Map<string, string>();
  const ignore = new Set<string>();
  let meter: string | undefined;
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
    const key = `${kind ?? "column"}:${kind === "dim" || kind === "meter" ? (source ?? "") : name}`;
    const earlier = keys.get(key);
    if (earlier !== undefined) throw new UserError("the same mapping twice", atFlag("--map"), "each column, dimension or meter value mapped once", `${shown(earlier)} and ${shown(flag)}`);
    keys.set(key, flag);
    if (kind === undefined) {
      if (source === undefined || !(CANONICAL as readonly string[]).includes(name)) throw bad();
      columns[name as Canonical] = source;
    } else if (kind === "dim" && source !== undefined) rename.set(source, name);
    else if (kind === "meter" && source !== undefined) meterValues.set(source, name);
    else if (kind === "meter") meter = name;
    else if (kind === "ignore" && source === undefined) ignore.add(name);
    else throw bad();
  }
  return layered(base, { columns, rename, meter, meterValues, ignore });
}
