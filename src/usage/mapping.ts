import { atFlag, UserError, shown } from "../errors.js";
import { decodeYaml, dictionary, list, record, text } from "../yaml/codec.js";
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
}

export const NO_MAPPING: ColumnMapping = { columns: {}, rename: new Map(), meter: undefined, meterValues: new Map(), ignore: new Set() };

export const mappingCodec = record({}, {
  columns: record({}, Object.fromEntries(CANONICAL.map((c) => [c, text({ description: `the source column holding ${c}` })])) as Record<Canonical, ReturnType<typeof text>>),
  rename: dictionary(text(), { keyPattern: /^.+$/, description: "source column -> dimension or component name" }),
  meter: text({ description: "the meter of every row, for a log of one activity" }),
  meter_values: dictionary(text(), { keyPattern: /^.+$/, description: "the provider's activity name -> meter key" }),
  ignore_columns: list(text(), { description: "source columns that are not read: neither canonical nor a column the card reads" }),
}, "how a usage or bill layout maps onto burnrate's canonical columns");

export function parseMapping(source: string, file: string): ColumnMapping {
  const doc = decodeYaml(source, file, mappingCodec).value;
  return { columns: { ...(doc.columns ?? {}) } as ColumnMapping["columns"], rename: doc.rename ?? new Map(), meter: doc.meter, meterValues: doc.meter_values ?? new Map(), ignore: new Set(doc.ignore_columns ?? []) };
}

/** `--map timestamp=created_at` flags, applied over a mapping file. */
export function withFlags(base: ColumnMapping, flags: readonly string[]): ColumnMapping {
  const columns = { ...base.columns };
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    const name = flag.slice(0, eq);
    if (eq < 1 || !(CANONICAL as readonly string[]).includes(name)) {
      throw new UserError("bad column mapping", atFlag("--map"), `CANONICAL=SOURCE with CANONICAL one of ${CANONICAL.join(", ")}`, shown(flag));
    }
    columns[name as Canonical] = flag.slice(eq + 1);
  }
  return { ...base, columns };
}
