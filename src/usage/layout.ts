import { UserError, shown } from "../errors.js";
import { ONE, parsePlainDecimal, type Decimal } from "../money.js";
import type { MeterEvent } from "../ratecard/types.js";
import type { ColumnMapping } from "./mapping.js";

// What every usage reader shares: the header's layout, the dimensions a meter
// needs, quantities. Kept apart from the readers so that the row scanner's worker
// thread loads only this, not csv-parse and the YAML reader.

/** The canonical usage columns of SPEC 1; every other column is a dimension. */
export const CANONICAL = ["timestamp", "meter", "quantity", "event_id", "account"] as const;
export type Canonical = (typeof CANONICAL)[number];

export interface Layout {
  index: Record<Canonical, number>;
  header: string[];
  dimensions: { name: string; index: number }[];
  /** Each dimension's 1-based column, shared by every row's origin. */
  columns: ReadonlyMap<string, number>;
}

export function readHeader(header: string[], file: string, mapping: ColumnMapping): Layout {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (name.trim() === "") throw new UserError("empty column name in header", { file, line: 1, column: i + 1 }, "a column name", "nothing");
    const first = seen.get(name);
    if (first !== undefined) throw new UserError(`duplicate column ${shown(name)}`, { file, line: 1, column: i + 1 }, "each column named once", `also column ${first + 1}`);
    seen.set(name, i);
  });
  const index = {} as Record<Canonical, number>;
  const used = new Set<number>();
  for (const c of CANONICAL) {
    const source = mapping.columns[c] ?? c;
    const i = seen.get(source) ?? -1;
    index[c] = i;
    if (i >= 0) used.add(i);
  }
  const missing = index.timestamp < 0 ? "timestamp" : index.meter < 0 && mapping.meter === undefined ? "meter" : undefined;
  if (missing) {
    const source = mapping.columns[missing] ?? missing;
    throw new UserError(`header missing required column ${shown(source)}`, { file, line: 1, column: 1 }, `a ${shown(source)} column${source === missing ? " (or a mapping for it)" : ""}`, header.map((h) => shown(h)).join(", "));
  }
  const dimensions = header.map((name, i) => ({ name: mapping.rename.get(name) ?? name, index: i })).filter((d) => !used.has(d.index));
  return { index, header, dimensions, columns: new Map(dimensions.map((d) => [d.name, d.index + 1])) };
}

/** The dimensions a row of this meter event must carry, worked out once per meter event. */
const needed = new WeakMap<MeterEvent, readonly string[]>();
export function neededDimensions(event: MeterEvent): readonly string[] {
  let dims = needed.get(event);
  if (!dims) {
    const meter = event.meter;
    const keyBy = "keyBy" in meter ? meter.keyBy : [];
    needed.set(event, (dims = event.role === "charge" ? [...new Set([...meter.dimensions, ...keyBy])] : keyBy));
  }
  return dims;
}

/** Quantities repeat (1, 2, 50...): each distinct text is parsed once. Bounded, so a log of all-different values costs no memory. */
const quantities = new Map<string, Decimal | undefined>([["1", ONE]]);
export function quantityOf(cell: string): Decimal | undefined {
  let q = quantities.get(cell);
  if (q === undefined && !quantities.has(cell)) {
    q = parsePlainDecimal(cell.trim());
    if (quantities.size < 4096) quantities.set(cell, q);
  }
  return q;
}
