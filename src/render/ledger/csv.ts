import { formatExact } from "../../money.js";
import { formatInstant } from "../../time.js";
import { csvRows, csvText, NumberCell } from "../shared/csv.js";
import { dimensionText } from "../shared/summary.js";
import type { LedgerFormat } from "./format.js";

const CSV_HEADER = ["at", "account", "type", "meter", "grant", "dimensions", "quantity", "amount", "uncovered", "balance"];

export function ledgerCsvFormat(options: { bom?: boolean } = {}): LedgerFormat {
  return {
    start: csvText(CSV_HEADER, [], options),
    entries: (batch) => csvRows(batch.map((e) => [
      formatInstant(e.at), e.account, e.type, e.meter ?? "", e.grant ?? "", dimensionText(e.dimensions),
      new NumberCell(e.quantity === undefined ? "" : formatExact(e.quantity)), new NumberCell(formatExact(e.amount)), new NumberCell(formatExact(e.uncovered)), new NumberCell(formatExact(e.balance)),
    ])),
    end: () => "",
  };
}
