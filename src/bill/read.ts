import { mappingNamed } from "../mapping-files.js";
import { formatLocation, UserError, shown, type Location } from "../errors.js";
import { nearest } from "../nearest.js";
import { readText } from "../inputs.js";
import type { RateCard } from "../ratecard/types.js";
import { parseInstant, type Zone } from "../time.js";
import { BillRows, type Cell } from "./bill-rows.js";
import { TOTALS_LEFT_OUT, totalsActivity, totalsWord } from "./totals-row.js";
import { readCsvTable, type CsvTable } from "./csv-rows.js";
import { adjustsLine, focusRow, focusTagDimensions, type Adjustment } from "./focus.js";
import { DEFAULT_BILL_MAPPING, billDimensions, columnsOf, parseBillMapping, withBillFlags, type BillColumn, type BillMapping } from "./mapping.js";
import { versionAtPeriod } from "./period-price.js";
import { parsePeriodText } from "./period-text.js";
import type { Bill } from "./types.js";
import { cardValue } from "../usage/mapping-names.js";
import { likelyCanonical } from "../usage/near-miss.js";

export interface BillInput {
  file: string;
  /** A mapping file; without it, `BILL.csv.mapping.yaml` beside the bill is used when present. */
  mappingFile: string | undefined;
  layout: string | undefined;
  mapFlags: readonly string[];
}

function billMappingFor(input: BillInput, card: RateCard): BillMapping {
  const file = input.mappingFile ?? (input.file === "-" ? undefined : mappingNamed(input.file));
  const base = file === undefined ? DEFAULT_BILL_MAPPING : parseBillMapping(readText(file), file, card);
  return withBillFlags(base, input.layout, input.mapFlags, card);
}

/** Read a bill in any layout, checking every row against the card; timestamps without an offset are read in `zone`. */
export function readBill(input: BillInput, card: RateCard, zone: Zone): Bill {
  const mapping = billMappingFor(input, card);
  const table = readCsvTable(input.file);
  const columns = locateColumns(table, input.file, mapping);
  // A column read as the account beside account: in the mapping: one of them would decide in silence (red60b F2: a
  // column named account, read without columns:, won over account: NAME, and its empty cells billed "default").
  if (mapping.account !== undefined && columns.account !== undefined) {
    throw new UserError(`bill column ${shown(table.header[columns.account]!)} says whose each row is, and the bill mapping's account: names ${shown(mapping.account)} for them all`, { file: input.file, line: 1, column: columns.account + 1 }, "one of the two: account: NAME for a bill of one account (the column under ignore_columns:), or the column for a bill of several (account: left out)", `both`);
  }
  const rows = new BillRows(card, mapping, versionAtPeriod(card, zone));
  const dimensions = mapping.layout === "canonical" ? dimensionColumns(table, input.file, card, mapping, columns) : [];
  const tagDimensions = new Set<string>();
  for (const row of table.rows) {
    if (row.cells.length !== table.header.length) {
      throw new UserError("wrong number of cells", { file: input.file, line: row.line, column: Math.min(row.cells.length, table.header.length) + 1 }, `${table.header.length} cells as in the header`, String(row.cells.length));
    }
    const at = (column: BillColumn): Location => ({ file: input.file, line: row.line, column: columns[column]! + 1 });
    const cell = (column: BillColumn): Cell | undefined => (columns[column] === undefined ? undefined : { text: row.cells[columns[column]!]!, at: at(column) });
    const origin: Location = { file: input.file, line: row.line, column: 1 };
    if (mapping.layout === "focus") {
      const focused = focusRow(cell, { card, mapping, zone, origin });
      const read = mapping.account === undefined ? focused : { ...focused, account: mapping.account };
      for (const d of Object.keys(read.dimensions)) tagDimensions.add(d);
      rows.add(read);
      continue;
    }
    const ledger = mapping.layout === "ledger";
    const periodCell = cell(ledger ? "timestamp" : "period_start")!;
    if (periodCell.text.trim() === "" || totalsWord(periodCell.text)) {
      // A cell of no column read that says "Total" (a description beside the amount): its header's name, to say where.
      // A dimension's too: with no period and no activity the row is no line of a project named Total, and a totals row
      // is the likelier (red70d L1, after red70c L3 left `,,Total,,32.269` a bare "empty period").
      const saidAt = row.cells.findIndex((c, i) => !Object.values(columns).includes(i) && totalsWord(c));
      const other = saidAt < 0 ? undefined : { column: table.header[saidAt]!, text: row.cells[saidAt]! };
      const cells = { period: periodCell.text, activity: cell(ledger ? "type" : "activity")?.text ?? "", account: cell("account")?.text ?? "", first: row.cells[0] ?? "", other, blank: row.cells.every((c) => c.trim() === "") };
      throw emptyPeriod(periodCell, cells, ledger, (text) => totalsActivity(text, card, mapping));
    }
    const dims: Record<string, string> = {};
    for (const d of dimensions) if (row.cells[d.index] !== "") dims[d.name] = cardValue(mapping.values ?? {}, d.name, row.cells[d.index]!);
    rows.add({
      origin,
      amount: cell("amount")!,
      activities: [cell(ledger ? "type" : "activity")!],
      period: ledger ? ledgerInstant(periodCell, zone) : parsePeriodText(periodCell.text, zone, periodCell.at),
      periodCell: periodCell.at,
      quantity: cell("quantity"),
      unitPrice: cell("unit_price"),
      account: cell("account")?.text ?? mapping.account,
      dimensions: dims,
      ...(ledger || columns.currency === undefined ? {} : { currency: cell("currency")! }),
      ...(!ledger && columns.charge_category !== undefined ? adjustmentOf(cell("charge_category")!) : {}),
    });
  }
  const billDimensions = mapping.layout === "focus" ? focusTagDimensions(tagDimensions) : dimensions.map((d) => d.name);
  return { file: input.file, layout: mapping.layout, dimensions: billDimensions, byAccount: columns.account !== undefined || mapping.account !== undefined, ...rows.result(), credits: mapping.credits, boundaryShift: mapping.boundaryShift, cut: mapping.cut };
}

/**
 * A row of no period or time: most often the bill's totals row, kept when the bill was saved from a spreadsheet
 * (newcomer66 M6: told "bad period" with an example date, and not as a totals row).
 */
function emptyPeriod(cell: Cell, row: { period: string; activity: string; account: string; first: string; other: { column: string; text: string } | undefined; blank: boolean }, ledger: boolean, activityTotals: (text: string) => boolean): UserError {
  const what = ledger ? "time" : "period";
  if (row.blank) return new UserError("a blank row: every cell of it is empty", cell.at, "the row left out of the bill", "an empty row");
  const found = row.period.trim() === "" ? "an empty cell" : shown(row.period.trim());
  // The word where the period, the activity, the account of no activity (a customer's subtotal, red68c L2) or the row's
  // first cell (a ledger's id) is written: a dimension's value of "Total" is a project's name (red66b, red66c), as an
  // account's is beside an activity, and a card's meter named Total is that meter's line (red68c L1).
  if (totalsWord(row.period)) return new UserError(`a totals row: its ${what} says ${shown(row.period.trim())}`, cell.at, TOTALS_LEFT_OUT, found);
  const said = ([["activity", row.activity, activityTotals], ["account", row.account, (text: string) => row.activity.trim() === "" && totalsWord(text)], ["first cell", row.first, activityTotals]] as const).find(([, text, is]) => is(text));
  if (said !== undefined) return new UserError(`a totals row: its ${what} is empty, and its ${said[0]} says ${shown(said[1].trim())}`, cell.at, TOTALS_LEFT_OUT, found);
  // A column the mapping does not read (an invoice's description beside the amount, newcomer70 L1), where the activity
  // is empty too: a line of the bill names its activity.
  if (row.other !== undefined && row.activity.trim() === "") return new UserError(`a totals row: its ${what} and activity are empty, and its column ${shown(row.other.column)} says ${shown(row.other.text.trim())}`, cell.at, TOTALS_LEFT_OUT, found);
  return new UserError(`empty ${what}`, cell.at, ledger ? "an ISO-8601 instant such as 2026-11-03T09:30:00Z" : "the first day of one of the account's cycles, its start instant, a month or a date range", "an empty cell");
}

/** A canonical row's charge_category, where it adjusts its line. */
function adjustmentOf(category: Cell): { adjustment?: Adjustment } {
  const kind = adjustsLine(category);
  return kind === undefined ? {} : { adjustment: kind };
}

function ledgerInstant(cell: Cell, zone: Zone): { kind: "within"; at: number } {
  const parsed = parseInstant(cell.text.trim(), zone);
  if (!parsed.ok) throw new UserError("bad timestamp", cell.at, "an ISO-8601 instant such as 2026-11-03T09:30:00Z", shown(cell.text));
  return { kind: "within", at: parsed.at };
}

type ColumnIndex = Partial<Record<BillColumn, number>>;

const REQUIRED: Record<BillMapping["layout"], readonly BillColumn[]> = {
  canonical: ["period_start", "activity", "amount"],
  ledger: ["timestamp", "type", "amount"],
  focus: ["BillingPeriodStart", "BilledCost"],
};

/**
 * Whether a header name was probably meant for a required column: the same but for case, spaces, `-` or `.`,
 * a typo or two away, or a short form of it (its letters in order, from the first: `amt`, `qty`).
 */
function meantFor(header: string, column: string): boolean {
  const h = header.trim().toLowerCase().replace(/[\s.-]+/g, "_");
  const c = column.toLowerCase();
  if (h === c || nearest(h, [c]) !== undefined) return true;
  if (h.length < 2 || h[0] !== c[0]) return false;
  let at = 0;
  for (const letter of h) {
    at = c.indexOf(letter, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

/** Bills exported for a spreadsheet in a locale with decimal commas come separated by `;` (or by tabs): one column to a comma reader. */
const OTHER_SEPARATOR: readonly [string, string][] = [[";", "semicolons"], ["\t", "tabs"]];

/** What invoices call the canonical bill columns, by name: a period, a line item, an amount. */
const BILL_NAMES: Partial<Record<BillColumn, RegExp>> = {
  period_start: /^(billing|invoice|usage|service|charge)?[ _-]?(period|month|date)([ _-]?start)?$/,
  activity: /^(line[ _-]?item|item|description|service|product|sku|charge[ _-]?(name|type)|usage[ _-]?type|meter)$/,
  amount: /^(cost|total|subtotal|charge|spend|amount[ _-]?(usd|due)|billed[ _-]?amount|line[ _-]?total)$/,
};

/** `--bill-map COLUMN=SOURCE`, quoted for a shell where the source holds a space or a quote (red54b #4). */
function billMapFlag(column: string, source: string): string {
  return /^[\w.:@/-]+$/.test(source) ? `--bill-map ${column}=${source}` : `--bill-map '${column}=${source.replace(/'/g, "'\\''")}'`;
}

function locateColumns(table: CsvTable, file: string, mapping: BillMapping): ColumnIndex {
  const only = table.header.length === 1 ? table.header[0]! : undefined;
  const separator = only === undefined ? undefined : OTHER_SEPARATOR.find(([c]) => only.includes(c));
  if (separator !== undefined) throw new UserError(`bill header is one column, separated by ${separator[1]}`, { file, line: 1, column: 1 }, "comma-separated CSV (export or save the bill with commas)", shown(only!));
  const index: ColumnIndex = {};
  for (const c of columnsOf(mapping.layout)) {
    const source = mapping.columns[c] ?? c;
    const i = table.header.indexOf(source);
    if (i >= 0) index[c] = i;
    else if (REQUIRED[mapping.layout].includes(c)) {
      const taken = new Set(columnsOf(mapping.layout).map((k) => mapping.columns[k] ?? k));
      const near = table.header.findIndex((h) => !taken.has(h) && meantFor(h, source));
      const found = near >= 0 ? table.header[near]! : undefined;
      // A source the mapping names is the mapping's mistake: said at its entry, with the column meant (newcomer, stop 40).
      const place = mapping.columns[c] === undefined ? undefined : mapping.columnsAt?.[c];
      if (place !== undefined) {
        const guess = found === undefined ? "" : `; did you mean ${shown(found)}?`;
        throw new UserError(`the bill mapping's column for ${c}, ${shown(source)}, is not in the header of ${file}${guess}`, place, `a column the bill's header has${found === undefined ? "" : ` (${c}: ${found})`}`, table.header.map((h) => shown(h)).join(", "));
      }
      if (found !== undefined) {
        throw new UserError(`bill header missing required column ${shown(source)}; did you mean ${shown(found)}?`, { file, line: 1, column: near + 1 }, `the column ${shown(source)} (rename it, or --bill-map ${c}=${found})`, shown(found));
      }
      // A column named as invoices name it (billing_period, line_item, cost): the flag written out, as the usage's errors write theirs (newcomer54 M7).
      // One such column is offered, at its cell; several are named, none chosen: invoice_date beside billing_period_start, or subtotal beside total, would compare the wrong figure (red54b #2).
      const likely = source === c ? table.header.flatMap((h, i) => (!taken.has(h) && BILL_NAMES[c]?.test(h.trim().toLowerCase()) === true ? [i] : [])) : [];
      const hint = likely.length === 1 ? `; ${shown(table.header[likely[0]!]!)} looks like it: ${billMapFlag(c, table.header[likely[0]!]!)}` : likely.length > 1 ? `; ${likely.map((i) => shown(table.header[i]!)).join(" or ")} may hold it: --bill-map ${c}=COLUMN` : "";
      throw new UserError(`bill header missing required column ${shown(source)}${hint}`, { file, line: 1, column: likely.length === 1 ? likely[0]! + 1 : 1 }, `the column ${shown(source)}${source === c ? ` (or a mapping for it: columns: { ${c}: COLUMN } in the bill mapping, --bill-map ${c}=COLUMN)` : ""}`, table.header.map((h) => shown(h)).join(", "));
    }
  }
  if (mapping.layout === "focus" && index.SkuId === undefined && index.ChargeDescription === undefined) {
    throw new UserError("bill header has neither SkuId nor ChargeDescription", { file, line: 1, column: 1 }, "a SkuId or ChargeDescription column (or a mapping for one)", table.header.map((h) => shown(h)).join(", "));
  }
  return index;
}

/**
 * Two header cells that are one dimension, at least one of them through the mapping's dimensions:
 * (two cells named alike are refused as a duplicate column before this). Both are named, each with
 * its cell and the entry that renamed it; the place is the last entry, where the fix most likely is.
 */
function twoColumns(name: string, indexes: [number, number], bill: { table: CsvTable; file: string; mapping: BillMapping }): UserError {
  const { table, file, mapping } = bill;
  const entries = indexes.map((i) => mapping.dimensionsAt?.get(table.header[i]!));
  const said = indexes.map((i, k) => {
    const entry = entries[k];
    return `${shown(table.header[i]!)} (${file}:1:${i + 1}${entry === undefined ? "" : `, renamed at ${formatLocation(entry)}`})`;
  });
  const at = entries[1] ?? entries[0] ?? { file, line: 1, column: indexes[1] + 1 };
  return new UserError(`two bill columns hold dimension ${shown(name)}: ${said.join(" and ")}`, at, "each dimension in one column: one of the dimensions: entries removed, or one column under ignore_columns:", `${shown(table.header[indexes[0]]!)} and ${shown(table.header[indexes[1]]!)}`);
}

/**
 * Every canonical bill column that is not canonical or ignored is a dimension,
 * under its own name or the one the mapping's `dimensions:` gives it, and must
 * be one the card's meters carry.
 */
function dimensionColumns(table: CsvTable, file: string, card: RateCard, mapping: BillMapping, columns: ColumnIndex): { name: string; index: number }[] {
  const used = new Set(Object.values(columns));
  const known = billDimensions(card);
  const out: { name: string; index: number }[] = [];
  table.header.forEach((column, index) => {
    if (used.has(index) || mapping.ignoreColumns.includes(column)) return;
    const name = mapping.dimensions.get(column) ?? column;
    if (!known.has(name)) {
      // A canonical column written otherwise (FOCUS's ChargeCategory, "Unit Price"): read as that column is the likelier
      // fix (red team, stop 36: no hint that charge_category reads FOCUS's ChargeCategory).
      const canonical = mapping.dimensions.has(column) ? undefined : canonicalSpelling(column, mapping.layout);
      // A dimension misspelt (`resoluton`): the card's name offered, as a usage header's near miss is (newcomer66 L11).
      const near = canonical === undefined ? nearest(name, [...known]) : undefined;
      const hint = canonical !== undefined ? `; did you mean the column ${shown(canonical)}? (--bill-map ${canonical}=${column})` : near !== undefined ? `; did you mean ${shown(near)}?` : "";
      const where = { file, line: 1, column: index + 1 };
      const dimension = `a dimension (${[...known].sort().join(", ")}), a dimensions: entry renaming it, or ignore_columns: in the bill mapping`;
      // The customer billed, where the bill has no account column: ignored, every customer's lines were summed into one, and a 20% overcharge of one read as 0.42% of all (newcomer54 H1).
      if (columns.account === undefined && canonical === undefined && likelyCanonical(column) === "account") {
        throw new UserError(`bill column ${shown(column)} is not a dimension of any meter; it is likely the account`, where, `the account where the usage's rows name theirs, columns: { account: ${column} } in the bill mapping (${billMapFlag("account", column)}), so that each account's lines are compared with its usage, which ignore_columns: would sum into one line a charge; or ${dimension}`, shown(column));
      }
      throw new UserError(`bill column ${shown(column)} is not a dimension of any meter${hint}`, where, dimension, shown(column));
    }
    const first = out.find((d) => d.name === name);
    if (first !== undefined) throw twoColumns(name, [first.index, index], { table, file, mapping });
    out.push({ name, index });
  });
  return out;
}

/** The layout's canonical column a header name spells otherwise: case, spaces, `-` and `_` aside (ChargeCategory, Unit-Price). */
function canonicalSpelling(column: string, layout: BillMapping["layout"]): BillColumn | undefined {
  const fold = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, "");
  return columnsOf(layout).find((c) => fold(c) === fold(column));
}
