import type { ColumnMapping, MappingPlaces } from "./mapping.js";
import { valueKey } from "./mapping-names.js";
import { UserError } from "../errors.js";
import type { Canonical } from "./layout.js";
import type { PartsOf } from "./layout19-parts.js";

/** Mappings layered: a layout under a mapping file under the `--map` flags, and a bill mapping's `--bill-map value:` over its file. */

/**
 * `over` on top of `base`: a layout under a mapping file under the `--map` flags. Each key of `over` wins; a
 * `columns:` source of `""` undoes the key below it, for a daily file without the column a folder's mapping names
 * (newcomer, stop 41: a quantity field the producer began to send mid-month refused the whole folder).
 */
export function layered(base: ColumnMapping, over: ColumnMapping): ColumnMapping {
  for (const [canonical, source] of Object.entries(over.columns)) {
    const place = over.places?.columns[canonical as Canonical];
    // Undoing a key no mapping under this one names reads the file as if it were not written: said, as a typo may be (red team, stop 42).
    if (source === "" && base.columns[canonical as Canonical] === undefined && place !== undefined) {
      throw new UserError(`columns: { ${canonical}: "" } undoes a key of a mapping under this one, and none names ${canonical}`, place, `the key left out, or a column of the usage`, `""`);
    }
  }
  const columns = Object.fromEntries(Object.entries({ ...base.columns, ...over.columns }).filter(([, source]) => source !== "")) as ColumnMapping["columns"];
  const places = base.places === undefined && over.places === undefined ? undefined : layeredPlaces(base.places, over.places);
  return {
    columns,
    rename: new Map([...base.rename, ...over.rename]),
    meter: over.meter ?? base.meter,
    meterValues: new Map([...base.meterValues, ...over.meterValues]),
    ...(base.dimensionValues === undefined && over.dimensionValues === undefined ? {} : { dimensionValues: layeredValues(base.dimensionValues, over.dimensionValues) }),
    ignore: passedOver(base, over),
    ...undoneUnder(base, over),
    ...((over.rows ?? base.rows) === undefined ? {} : { rows: over.rows ?? base.rows }),
    ...timestampUnitUnder(base, over, columns.timestamp),
    ...((over.timestampZone ?? base.timestampZone) === undefined ? {} : { timestampZone: over.timestampZone ?? base.timestampZone }),
    ...(base.skipRows === undefined && over.skipRows === undefined ? {} : { skipRows: new Map([...(base.skipRows ?? []), ...(over.skipRows ?? [])]) }),
    ...(base.optional === undefined && over.optional === undefined ? {} : { optional: new Set([...(base.optional ?? []), ...(over.optional ?? [])]) }),
    ...(base.alternatives === undefined && over.alternatives === undefined ? {} : { alternatives: { ...base.alternatives, ...over.alternatives } }),
    ...(base.constants === undefined && over.constants === undefined ? {} : { constants: new Map([...(base.constants ?? []), ...(over.constants ?? [])]) }),
    ...(base.sums === undefined && over.sums === undefined ? {} : { sums: new Map([...(base.sums ?? []), ...(over.sums ?? [])]) }),
    ...layeredWithin(base.within, over.within),
    ...((over.scopes ?? base.scopes) === undefined ? {} : { scopes: over.scopes ?? base.scopes }),
    ...((over.accountSources ?? base.accountSources) === undefined ? {} : { accountSources: over.accountSources ?? base.accountSources }),
    ...preferredUnder(base, over),
    ...((over.morePages ?? base.morePages) === undefined ? {} : { morePages: over.morePages ?? base.morePages }),
    ...((over.uncounted ?? base.uncounted) === undefined ? {} : { uncounted: over.uncounted ?? base.uncounted }),
    ...(places === undefined ? {} : { places: { ...places, columns: Object.fromEntries(Object.entries(places.columns).filter(([c]) => c in columns)) } }),
    ...hiddenValues(base, over),
  };
}

/** The canonical columns undone by `over` (a `columns:` source of ""), or by a layer under it and not named again. */
function undoneUnder(base: ColumnMapping, over: ColumnMapping): Pick<ColumnMapping, "undone"> {
  const undone = new Set([...(base.undone ?? [])].filter((c) => over.columns[c] === undefined));
  for (const [canonical, source] of Object.entries(over.columns)) if (source === "") undone.add(canonical as Canonical);
  return undone.size === 0 ? {} : { undone };
}

/**
 * The unit of the timestamps: the mapping's own, or the one below it where it is of the column read. A layout's is of
 * its own time column: Lago's seconds are its `timestamp`'s, and `--layout lago --map timestamp=created_at` read Lago's
 * ISO `created_at` as seconds, a unit no mapping could undo (red65 M1).
 */
function timestampUnitUnder(base: ColumnMapping, over: ColumnMapping, column: string | undefined): Pick<ColumnMapping, "timestampUnit" | "timestampUnitOf"> {
  if (over.timestampUnit !== undefined) return { timestampUnit: over.timestampUnit };
  if (base.timestampUnit === undefined || (base.timestampUnitOf !== undefined && column !== base.timestampUnitOf)) return {};
  return { timestampUnit: base.timestampUnit, ...(base.timestampUnitOf === undefined ? {} : { timestampUnitOf: base.timestampUnitOf }) };
}

/**
 * The columns passed over: a layout's that the mapping on top does not read, and the mapping's own; but a `skip_rows:`
 * column, which is read to skip the rows it names whatever else is said of it. JSON Lines' reader dropped such a field
 * before its skip was looked at, and billed the failed calls its mapping skips (red65 H1: `ignore_columns: [status]`
 * beside `skip_rows: { status: [failure] }`, or Lago's `lago_customer_id`), where CSV and Parquet skipped them.
 */
function passedOver(base: ColumnMapping, over: ColumnMapping): ReadonlySet<string> {
  const skips = new Set([...(base.skipRows?.keys() ?? []), ...(over.skipRows?.keys() ?? [])]);
  return new Set([...[...base.ignore].filter((source) => !readByLayout(source, base, over)), ...over.ignore].filter((source) => !skips.has(source)));
}

/**
 * A column a layout passes over (Lago's `created_at`, its own time being `timestamp`) that a mapping on top reads
 * (`columns: { timestamp: created_at }`, or a rename): the mapping's reading wins, as every key of it does. Ignored
 * too, the column was refused as read two ways, at the mapping's line, for an `ignore_columns:` it does not have
 * (newcomer64b M4). An entry a user wrote (it has a place) stays, for readTwoWays to refuse beside the reading.
 */
function readByLayout(source: string, base: ColumnMapping, over: ColumnMapping): boolean {
  if (base.places?.ignore?.get(source) !== undefined) return false;
  return over.rename.has(source) || Object.values(over.columns).includes(source);
}

/**
 * A layout's preferred sources, but those a mapping on top renames itself: a `--map dim:team=team_id` reads the id. A
 * mapping file that names its layout (`layout: openrouter`) holds them already, under its own keys: a folder's exports
 * read through it lost them, and OpenRouter's two counts of the prompt were refused as two columns of one name
 * (newcomer56 M3).
 */
function preferredUnder(base: ColumnMapping, over: ColumnMapping): Pick<ColumnMapping, "preferred"> {
  if (over.preferred !== undefined) return { preferred: over.preferred };
  if (base.preferred === undefined) return {};
  const kept = [...base.preferred].filter(([, sources]) => !sources.some((s) => over.rename.has(s)));
  return kept.length === 0 ? {} : { preferred: new Map(kept) };
}

/** What `dimension_values:` layers, in a usage mapping and a bill mapping alike: its entries, where each is written, and those a more specific mapping gave another value. */
export type ValueEntries = Pick<ColumnMapping, "dimensionValues" | "hidden"> & { places?: Pick<MappingPlaces, "dimensions" | "dimensionValues"> };

/** `over`'s `dimension_values:` on top of `base`'s, entry by entry, as layered() does for a usage mapping: a bill mapping's `--bill-map value:` over its file. */
export function layeredValueEntries(base: ValueEntries, over: ValueEntries): ValueEntries {
  return {
    ...(base.dimensionValues === undefined && over.dimensionValues === undefined ? {} : { dimensionValues: layeredValues(base.dimensionValues, over.dimensionValues) }),
    ...hiddenValues(base, over),
    places: {
      dimensions: new Map([...(base.places?.dimensions ?? []), ...(over.places?.dimensions ?? [])]),
      dimensionValues: new Map([...(base.places?.dimensionValues ?? []), ...(over.places?.dimensionValues ?? [])]),
    },
  };
}

/**
 * The entry of `value:DIMENSION:VALUE=EXPORTED` (`--map`, `--bill-map`), given the part before the
 * `=` and the export's value after it: the dimension ends at the first colon, the card's value at the `=`.
 */
export function valueEntry(name: string, exported: string): { dimension: string; value: string } | undefined {
  const split = name.indexOf(":");
  const [dimension, value] = [name.slice(0, Math.max(split, 0)), name.slice(split + 1)];
  return split <= 0 || value === "" || exported === "" ? undefined : { dimension, value };
}

/** The `dimension_values:` entries of `base` that `over` maps onto another value, with those `base` hid already. */
function hiddenValues(base: ValueEntries, over: ValueEntries): Pick<ColumnMapping, "hidden"> {
  const hidden = new Map([...(base.hidden ?? []), ...(over.hidden ?? [])]);
  for (const [dim, values] of over.dimensionValues ?? []) {
    const under = base.dimensionValues?.get(dim);
    for (const [exported, value] of values) {
      const was = under?.get(exported);
      if (was !== undefined && was !== value) hidden.set(valueKey(dim, exported), { value: was, at: base.places?.dimensionValues?.get(valueKey(dim, exported)) });
    }
  }
  return hidden.size === 0 ? {} : { hidden };
}

/** Dimension by dimension, value by value: a `--map value:` adds to the file's entries for that dimension, and wins on its own value. */
function layeredValues(base: ColumnMapping["dimensionValues"], over: ColumnMapping["dimensionValues"]): ReadonlyMap<string, ReadonlyMap<string, string>> {
  const out = new Map<string, ReadonlyMap<string, string>>(base);
  for (const [dim, values] of over ?? []) out.set(dim, new Map([...(out.get(dim) ?? []), ...values]));
  return out;
}

function layeredPlaces(base: MappingPlaces | undefined, over: MappingPlaces | undefined): MappingPlaces {
  return {
    columns: { ...base?.columns, ...over?.columns },
    meterKeys: new Map([...(base?.meterKeys ?? []), ...(over?.meterKeys ?? [])]),
    meterValues: new Map([...(base?.meterValues ?? []), ...(over?.meterValues ?? [])]),
    ...(over?.meter ?? base?.meter) === undefined ? {} : { meter: over?.meter ?? base?.meter },
    rename: new Map([...(base?.rename ?? []), ...(over?.rename ?? [])]),
    renameKeys: new Map([...(base?.renameKeys ?? base?.rename ?? []), ...(over?.renameKeys ?? over?.rename ?? [])]),
    ignore: new Map([...(base?.ignore ?? []), ...(over?.ignore ?? [])]),
    skipRows: new Map([...(base?.skipRows ?? []), ...(over?.skipRows ?? [])]),
    countsInside: new Map([...(base?.countsInside ?? []), ...(over?.countsInside ?? [])]),
    constants: new Map([...(base?.constants ?? []), ...(over?.constants ?? [])]),
    dimensions: new Map([...(base?.dimensions ?? []), ...(over?.dimensions ?? [])]),
    dimensionValues: new Map([...(base?.dimensionValues ?? []), ...(over?.dimensionValues ?? [])]),
  };
}

/** A mapping's groups over a layout's or another mapping's: the same total and parts declared twice are one group (red48 #5). */
function layeredWithin(base: readonly PartsOf[] | undefined, over: readonly PartsOf[] | undefined): Pick<ColumnMapping, "within"> {
  if (base === undefined && over === undefined) return {};
  const key = (g: PartsOf) => JSON.stringify([g.total, [...new Set(g.parts)].sort()]);
  const seen = new Set((base ?? []).map(key));
  return { within: [...(base ?? []), ...(over ?? []).filter((g) => !seen.has(key(g)))] };
}
