import { atFlag, formatLocation, formatPlace, UserError, shown, type Place } from "../errors.js";
import { nearest } from "../nearest.js";
import { CANONICAL, fixName, flagToo, inFix, type ReadColumns } from "./layout.js";
import type { ColumnMapping } from "./mapping.js";
import type { ValueEntries } from "./mapping-layers.js";

// Kept apart from mapping.ts, which loads the YAML reader: the row scanner's worker thread reads
// headers through layout.ts, and so through this.

/**
 * Two header columns read under one name, found once the header is known: two `rename:` entries onto
 * one name, or a rename onto a name the header already has. The reader would keep the last column's
 * value for every row without a word. A layout's renames onto one name are alternatives (one export
 * has `tokens_prompt`, another `prompt_tokens`): only those the header holds both of clash. Said at
 * the rename the user wrote last (a `--map` over a file's line), else at the later header cell.
 */
export function readUnderOneName(dimensions: readonly { name: string; index: number }[], header: readonly string[], mapping: ColumnMapping, file: string): UserError | undefined {
  const twice = readTwoWays(header, mapping);
  if (twice) return twice;
  const first = new Map<string, number>();
  for (const { name, index } of dimensions) {
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, index);
      continue;
    }
    const renamed = (i: number) => mapping.rename.has(header[i]!) && mapping.rename.get(header[i]!) !== header[i];
    const cell = (i: number) => `${file}:1:${i + 1}`;
    const placeOf = (i: number): Place => mapping.places?.rename.get(header[i]!) ?? { file, line: 1, column: i + 1 };
    const [a, b] = [earlier, index];
    if (renamed(a) && renamed(b)) {
      const [atA, atB] = [placeOf(a), placeOf(b)];
      return new UserError(
        `two columns renamed to ${shown(name)}: ${shown(header[a]!)} (${cell(a)}) and ${shown(header[b]!)} (${cell(b)})`,
        later(atA, atB),
        `one column read as ${shown(name)}: one of the two renamed to another name, or left out under ignore_columns:`,
        `${shown(header[a]!)} and ${shown(header[b]!)}`,
      );
    }
    const [kept, moved] = renamed(a) ? [b, a] : [a, b];
    const fix = fixName(name, "COLUMN");
    const ignored = flagToo(fix.map("ignore:")) || ` [${fix.yaml}]`;
    return new UserError(
      `column ${shown(header[moved]!)} (${cell(moved)}) is renamed to ${shown(name)}, a column the header already has (${cell(kept)})`,
      placeOf(moved),
      `one column read as ${shown(name)}: the rename of ${shown(header[moved]!)} removed or to another name, or the header's ${shown(name)} under ignore_columns:${ignored}`,
      `${shown(header[moved]!)} renamed to ${shown(name)}`,
    );
  }
  return undefined;
}

function lastOf(a: Place, b: Place | undefined): Place {
  return b === undefined ? a : later(a, b);
}

/** Of two places a mapping key was written, the one written last: a flag over a file's line, a later line over an earlier one. */
function later(a: Place, b: Place): Place {
  if ("flag" in b) return b;
  if ("flag" in a) return a;
  return b.file !== a.file || b.line > a.line || (b.line === a.line && b.column > a.column) ? b : a;
}

/**
 * One header column the mapping reads two ways, where one way silently wins: a canonical column's
 * source (`columns:`) also renamed, or also under `ignore_columns:` (the canonical reading won
 * either way), or a renamed column also ignored (ignoring won). Only keys the user wrote (a mapping
 * file's line, `--map`) are checked: a layout's own keys are alternatives, not mistakes.
 */
function readTwoWays(header: readonly string[], mapping: ColumnMapping): UserError | undefined {
  const places = mapping.places;
  if (places === undefined) return undefined;
  const present = new Set(header);
  const canonical = new Map<string, string>();
  for (const [c, source] of Object.entries(mapping.columns)) if (source !== undefined && present.has(source)) canonical.set(source, c);
  for (const [source, name] of mapping.rename) {
    const at = places.rename.get(source);
    if (at === undefined || !present.has(source)) continue;
    const c = canonical.get(source);
    if (c !== undefined && name !== source) {
      return new UserError(`column ${shown(source)} is both the canonical ${c} (columns: ${c}: ${inFix(source, "COLUMN")}) and renamed to ${shown(name)}`, lastOf(at, places.columns[c as keyof typeof places.columns]), `one reading of ${shown(source)}: as ${c}, or renamed to ${shown(name)}`, `${shown(source)} mapped twice`);
    }
    if (mapping.ignore.has(source)) {
      return new UserError(`column ${shown(source)} is both renamed to ${shown(name)} and under ignore_columns:`, lastOf(at, places.ignore?.get(source)), `one of the two: the rename, or ${shown(source)} under ignore_columns:`, `${shown(source)} mapped twice`);
    }
  }
  for (const [source, c] of canonical) {
    const at = places.columns[c as keyof typeof places.columns];
    if (at === undefined || !mapping.ignore.has(source)) continue;
    return new UserError(`column ${shown(source)} is both the canonical ${c} (columns: ${c}: ${inFix(source, "COLUMN")}) and under ignore_columns:`, lastOf(at, places.ignore?.get(source)), `one of the two: ${shown(source)} read as ${c}, or under ignore_columns:`, `${shown(source)} mapped twice`);
  }
  return undefined;
}

/** What a `dimension_values:` entry is checked with: a usage mapping, or a bill mapping (its `dimensions:` as `rename`). */
type ValueMapping = ValueEntries & Pick<ColumnMapping, "rename"> & { columns?: ColumnMapping["columns"] };

/** A cell's value as the card names it, through the mapping's `dimension_values:` (a value it does not list is read as written). */
export function cardValue(mapping: Pick<ColumnMapping, "dimensionValues">, dimension: string, value: string): string {
  return mapping.dimensionValues?.get(dimension)?.get(value) ?? value;
}

const folds = new WeakMap<ReadonlyMap<string, string>, Map<string, string>>();
/** Each values map's verdicts by cell (the plain reader asks a row at a time), as many as a log has distinct cells up to a bound. */
const verdicts = new WeakMap<ReadonlyMap<string, string>, Map<string, string | undefined>>();
const MAX_VERDICTS = 1 << 16;
const fold = (value: string) => value.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();

/**
 * The `dimension_values:` key a cell is written otherwise than, in case or spaces alone (`Customer` for `customer`,
 * `y` for `Y`), where the cell is no key itself: the entry maps nothing, and a surcharge or an exemption that reads the
 * mapped value would price its rows in silence (newcomer59 H1: a call on the customer's own key charged 9.248 credits).
 */
export function valueKeyWrittenOtherwise(values: ReadonlyMap<string, string>, cell: string): string | undefined {
  if (values.has(cell)) return undefined;
  let known = verdicts.get(values);
  if (known === undefined) verdicts.set(values, (known = new Map()));
  if (known.has(cell)) return known.get(cell);
  const verdict = keyFolded(values, cell);
  if (known.size < MAX_VERDICTS) known.set(cell, verdict);
  return verdict;
}

function keyFolded(values: ReadonlyMap<string, string>, cell: string): string | undefined {
  let folded = folds.get(values);
  if (folded === undefined) folds.set(values, (folded = new Map([...values.keys()].map((k) => [fold(k), k]))));
  const key = folded.get(fold(cell));
  // A cell that is already what a key maps to (`true` beside `True: "true"`) is written as the card names it.
  return key === undefined || [...values.values()].includes(cell) ? undefined : key;
}

/** The error of a cell written otherwise than its `dimension_values:` key (valueKeyWrittenOtherwise), at the cell. */
export function valueKeyMiss(mapping: Pick<ColumnMapping, "dimensionValues" | "places">, dimension: string, cell: string, key: string, at: Place): UserError {
  const entry = mapping.places?.dimensionValues?.get(valueKey(dimension, key));
  const where = entry === undefined ? "" : ` (${formatPlace(entry)})`;
  const mapped = mapping.dimensionValues?.get(dimension)?.get(key) ?? key;
  return new UserError(
    `${dimension} ${shown(cell)} is not ${shown(key)}, which dimension_values: maps to ${shown(mapped)}${where}: its rows would be read as ${shown(cell)}; did you mean ${shown(key)}?`,
    at,
    `${shown(key)} exactly, as the mapping writes it; or an entry for ${shown(cell)} of its own`,
    shown(cell),
  );
}

/** The key of a `dimension_values:` entry's place: its dimension and the export's value. */
export function valueKey(dimension: string, value: string): string {
  return `${dimension}\u0000${value}`;
}

/**
 * A `dimension_values:` entry that would misprice or be read by nothing, said at the entry: a
 * dimension no meter of the card reads (its near miss named), a canonical column or a component (a
 * quantity, not a value), or a value mapped onto one the card does not name where a price or lookup
 * table of the dimension has no "*" for any other (the row would be refused, far from the mapping
 * that caused it), or onto a near miss of one where every table has one (`gpt4o` for `gpt-4o`
 * would be priced by the "*" entry, in silence).
 */
export function dimensionValueMistake(mapping: ValueMapping, read: ReadColumns): UserError | undefined {
  for (const [dimension, values] of mapping.dimensionValues ?? []) {
    const at = mapping.places?.dimensions?.get(dimension) ?? atFlag("--layout");
    const entry = `dimension_values: ${shown(dimension)}`;
    // The account's values are the export's spellings of a customer, not the card's: any name is an account.
    if (dimension === "account") continue;
    if ((CANONICAL as readonly string[]).includes(dimension)) {
      const fix = dimension === "meter" ? "the export's meter names under meter_values: { EXPORTED: KEY } (--map meter:KEY=EXPORTED)" : "a dimension the card reads";
      return new UserError(`${entry} is the canonical column ${shown(dimension)}, not a dimension`, at, fix, shown(dimension));
    }
    if (read.components?.has(dimension)) {
      return new UserError(`${entry} is a component of a meter of ${read.card}: a quantity, whose cells are numbers, not values`, at, "a dimension the card prices or keys by", shown(dimension));
    }
    const renamed = mapping.rename.get(dimension);
    if (!read.names.has(dimension) && renamed !== undefined && renamed !== dimension && read.names.has(renamed)) {
      // The export's column name, which a user reads off the export: its values are mapped under the dimension it is read as.
      return new UserError(`${entry} is the export's column, read as the dimension ${shown(renamed)}`, at, `dimension_values: { ${inFix(renamed, "DIMENSION")}: { ... } }, the dimension's name (--map value:${inFix(renamed, "DIMENSION")}:VALUE=EXPORTED)`, shown(dimension));
    }
    if (!read.names.has(dimension) && mapping.columns?.account === dimension) {
      // The export's customer column (columns: { account: customer }): its spellings are mapped under the canonical name (red54).
      return new UserError(`${entry} is the export's account column`, at, `dimension_values: { account: { ... } }, the export's spellings of an account under account: (--map value:account:NAME=EXPORTED)`, shown(dimension));
    }
    if (!read.names.has(dimension)) {
      const dimensions = [...read.names].filter((n) => !read.components?.has(n)).sort();
      const near = nearest(dimension, dimensions);
      return new UserError(`${entry}: no meter of ${read.card} reads dimension ${shown(dimension)}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`, at, `a dimension the card reads (${dimensions.join(", ") || "none"})`, shown(dimension));
    }
    const named = read.values?.get(dimension);
    if (named === undefined) continue;
    const closed = read.closed?.has(dimension) ?? false;
    for (const [exported, value] of values) {
      if (named.has(value)) continue;
      const place = mapping.places?.dimensionValues?.get(valueKey(dimension, exported)) ?? at;
      if (named.has(exported)) {
        // The card's value on the export's side: the entry written the other way round.
        const fix = "flag" in place ? `the card's value before the = and the export's after it (${place.flag} value:${dimension}:${exported}=${value})` : `the export's value as the key and the card's as its value (${shown(value)}: ${shown(exported)})`;
        return new UserError(`${shown(exported)} is mapped onto ${dimension} ${shown(value)}, but ${shown(exported)} is the card's own ${dimension} and ${shown(value)} is not: the entry is the wrong way round`, place, fix, shown(value));
      }
      const near = nearest(value, [...named]);
      if (!closed && near === undefined) {
        const hid = mapping.hidden?.get(valueKey(dimension, exported));
        if (hid === undefined || !named.has(hid.value)) continue;
        // A more specific mapping's entry over a less specific one's: the value the card prices would give way to the "*" entry's price in silence.
        const under = hid.at === undefined ? "" : ` (${"flag" in hid.at ? hid.at.flag : formatLocation(hid.at)})`;
        return new UserError(
          `${shown(exported)} is mapped onto ${dimension} ${shown(value)}, which ${read.card} prices only by its "*" entry, in place of ${shown(hid.value)}${under}, which it prices`,
          place,
          `the entry removed, so that ${shown(exported)} is read as ${shown(hid.value)}, or onto a ${dimension} the card names`,
          shown(value),
        );
      }
      return new UserError(
        `${shown(exported)} is mapped onto ${dimension} ${shown(value)}, which ${read.card} ${closed ? "does not price" : `prices only by its "*" entry`}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`,
        place,
        `a ${dimension} the card names: ${[...named].sort().join(", ")}${closed ? "" : `, or a value far from them for the "*" entry's price`}`,
        shown(value),
      );
    }
  }
  return undefined;
}

/**
 * An entry of `dimension_values: { account: ... }` that contradicts the account file, said at the entry: one that maps
 * an account the file names onto a name it does not (written the wrong way round, it moves the customer onto the
 * top-level terms), or onto another name it has (the entry it merges away would be billed its plan with no usage).
 */
export function accountValueMistake(mapping: ValueMapping, named: { has(name: string): boolean }): UserError | undefined {
  for (const [exported, account] of mapping.dimensionValues?.get("account") ?? []) {
    if (!named.has(exported)) continue;
    const place = mapping.places?.dimensionValues?.get(valueKey("account", exported)) ?? mapping.places?.dimensions?.get("account") ?? atFlag("--layout");
    if (!named.has(account)) {
      const fix = "flag" in place ? `the account's name before the = and the export's after it (${place.flag} value:account:${exported}=${account})` : `the export's spelling as the key and the account's name as its value (${shown(account)}: ${shown(exported)})`;
      return new UserError(`${shown(exported)} is mapped onto account ${shown(account)}, but ${shown(exported)} is an account the account file names and ${shown(account)} is not: the entry is the wrong way round`, place, fix, shown(account));
    }
    return new UserError(`${shown(exported)} is mapped onto account ${shown(account)}, and the account file names both: the entry of ${shown(exported)} would be billed its plan with no usage`, place, `one of them: the entry under accounts: removed where the two are one customer, or the mapping's entry where they are two`, shown(exported));
  }
  return undefined;
}
