import { existsSync } from "node:fs";
import { UserError, shown, type Location } from "../errors.js";
import { readText } from "../inputs.js";
import { ZERO, parsePlainDecimal, type Decimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { parseInstant, type Zone } from "../time.js";
import { readCsvTable, type CsvTable } from "./csv-rows.js";
import { DEFAULT_BILL_MAPPING, OVERAGE, columnsOf, parseBillMapping, resolveActivity, withBillFlags, type BillColumn, type BillMapping } from "./mapping.js";
import type { Bill, BillCharge, BillPayment, BillPeriod, IgnoredRows } from "./types.js";

export interface BillInput {
  file: string;
  /** A mapping file; without it, `BILL.csv.mapping.yaml` beside the bill is used when present. */
  mappingFile: string | undefined;
  layout: string | undefined;
  mapFlags: readonly string[];
}

function billMappingFor(input: BillInput, card: RateCard): BillMapping {
  const beside = `${input.file}.mapping.yaml`;
  const file = input.mappingFile ?? (existsSync(beside) ? beside : undefined);
  const base = file === undefined ? DEFAULT_BILL_MAPPING : parseBillMapping(readText(file), file, card);
  return withBillFlags(base, input.layout, input.mapFlags);
}

/** Read a bill in either layout, checking every row against the card; timestamps without an offset are read in `zone`. */
export function readBill(input: BillInput, card: RateCard, zone: Zone): Bill {
  const mapping = billMappingFor(input, card);
  const table = readCsvTable(input.file);
  const columns = locateColumns(table, input.file, mapping);
  const rows = new BillRows(input.file, card, zone, mapping, columns);
  const dimensions = mapping.layout === "canonical" ? dimensionColumns(table, input.file, card, mapping, columns) : [];
  for (const row of table.rows) {
    if (row.cells.length !== table.header.length) {
      throw new UserError("wrong number of cells", { file: input.file, line: row.line, column: Math.min(row.cells.length, table.header.length) + 1 }, `${table.header.length} cells as in the header`, String(row.cells.length));
    }
    rows.add(row.cells, row.line, dimensions);
  }
  return { file: input.file, layout: mapping.layout, dimensions: dimensions.map((d) => d.name), byAccount: columns.account !== undefined, ...rows.result() };
}

type ColumnIndex = Partial<Record<BillColumn, number>>;

const REQUIRED: Record<BillMapping["layout"], readonly BillColumn[]> = {
  canonical: ["period_start", "activity", "amount"],
  ledger: ["timestamp", "type", "amount"],
};

function locateColumns(table: CsvTable, file: string, mapping: BillMapping): ColumnIndex {
  const index: ColumnIndex = {};
  for (const c of columnsOf(mapping.layout)) {
    const source = mapping.columns[c] ?? c;
    const i = table.header.indexOf(source);
    if (i >= 0) index[c] = i;
    else if (REQUIRED[mapping.layout].includes(c)) {
      throw new UserError(`bill header missing required column ${shown(source)}`, { file, line: 1, column: 1 }, `a ${shown(source)} column${source === c ? " (or a mapping for it)" : ""}`, table.header.map((h) => shown(h)).join(", "));
    }
  }
  return index;
}

/** Every canonical bill column that is not canonical or ignored is a dimension, and must be one the card's meters carry. */
function dimensionColumns(table: CsvTable, file: string, card: RateCard, mapping: BillMapping, columns: ColumnIndex): { name: string; index: number }[] {
  const used = new Set(Object.values(columns));
  const known = new Set([...card.meters.values()].flatMap((m) => m.dimensions));
  const out: { name: string; index: number }[] = [];
  table.header.forEach((name, index) => {
    if (used.has(index) || mapping.ignoreColumns.includes(name)) return;
    if (!known.has(name)) {
      throw new UserError(`bill column ${shown(name)} is not a dimension of any meter`, { file, line: 1, column: index + 1 }, `a dimension (${[...known].sort().join(", ")}), or ignore_columns: in the bill mapping`, shown(name));
    }
    out.push({ name, index });
  });
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

class BillRows {
  private readonly charges: BillCharge[] = [];
  private readonly payments: BillPayment[] = [];
  private readonly ignored = new Map<string, IgnoredRows>();

  constructor(
    private readonly file: string,
    private readonly card: RateCard,
    private readonly zone: Zone,
    private readonly mapping: BillMapping,
    private readonly columns: ColumnIndex,
  ) {}

  result(): Pick<Bill, "charges" | "payments" | "ignored"> {
    return { charges: this.charges, payments: this.payments, ignored: [...this.ignored.values()] };
  }

  add(cells: string[], line: number, dimensions: readonly { name: string; index: number }[]): void {
    const at = (column: BillColumn): Location => ({ file: this.file, line, column: this.columns[column]! + 1 });
    const cell = (column: BillColumn): string | undefined => (this.columns[column] === undefined ? undefined : cells[this.columns[column]!]);
    const ledger = this.mapping.layout === "ledger";
    const activityColumn: BillColumn = ledger ? "type" : "activity";
    const periodColumn: BillColumn = ledger ? "timestamp" : "period_start";

    const amount = this.decimal(cell("amount")!, at("amount"), "amount");
    const word = cell(activityColumn)!;
    const target = resolveActivity(word, this.card, this.mapping);
    if (!target) {
      throw new UserError(`unknown activity ${shown(word)}`, at(activityColumn), `a meter key or label of ${this.card.provider} ${this.card.version}, or an activities: entry in the bill mapping`, shown(word));
    }
    const period = this.period(cell(periodColumn)!, at(periodColumn), ledger);
    const accountCell = cell("account");
    const account = accountCell === undefined || accountCell === "" ? undefined : accountCell;
    const origin: Location = { file: this.file, line, column: 1 };

    switch (target.kind) {
      case "ignore": {
        const seen = this.ignored.get(word) ?? { activity: word, rows: 0, amount: ZERO };
        this.ignored.set(word, { ...seen, rows: seen.rows + 1, amount: seen.amount.plus(amount) });
        return;
      }
      case "payments":
        if (period.kind !== "within") throw new UserError("payments are only read from a ledger", at(activityColumn), "a charge activity", shown(word));
        this.payments.push({ at: period.at, amount, account, origin });
        return;
      case "meters":
      case "overage":
        break;
    }
    const quantityCell = cell("quantity");
    const priceCell = cell("unit_price");
    const dims: Record<string, string> = {};
    for (const d of dimensions) if (cells[d.index] !== "") dims[d.name] = cells[d.index]!;
    this.charges.push({
      period,
      periodCell: at(periodColumn),
      activity: word,
      meters: target.kind === "overage" ? [OVERAGE] : target.meters,
      money: target.kind === "overage",
      account,
      dimensions: dims,
      quantity: quantityCell === undefined || quantityCell.trim() === "" ? undefined : this.decimal(quantityCell, at("quantity"), "quantity"),
      amount: ledger && this.mapping.deductions === "negative" ? amount.neg() : amount,
      unitPrice: priceCell === undefined || priceCell.trim() === "" ? undefined : this.decimal(priceCell, at("unit_price"), "unit price"),
      origin,
    });
  }

  private decimal(text: string, where: Location, what: string): Decimal {
    const value = parsePlainDecimal(text.trim());
    if (!value) throw new UserError(`${what} is not a number`, where, "a plain decimal such as 12 or -0.5 (no currency sign or thousands separator)", shown(text));
    return value;
  }

  private period(text: string, where: Location, ledger: boolean): BillPeriod {
    const trimmed = text.trim();
    const parsed = parseInstant(trimmed, this.zone);
    if (!parsed.ok) {
      const expected = ledger ? "an ISO-8601 instant such as 2026-11-03T09:30:00Z" : "the cycle's first day (2026-11-01) or its start instant";
      throw new UserError(ledger ? "bad timestamp" : "bad period", where, expected, shown(text));
    }
    if (ledger) return { kind: "within", at: parsed.at };
    return DATE.test(trimmed) ? { kind: "start-date", date: trimmed } : { kind: "start-instant", at: parsed.at };
  }
}
