import { formatExact } from "../../money.js";
import type { LedgerEntry } from "../../engine/types.js";
import { formatInstant } from "../../time.js";
import { localDateTime, type RenderContext } from "../shared/context.js";
import { csvRows, csvText, NumberCell } from "../shared/csv.js";
import { jsonVisible } from "../shared/escape.js";
import type { Block } from "../shared/document.js";
import { credits, exactGrouped } from "../shared/numbers.js";
import { dimensionText, dimensionValues } from "../shared/summary.js";
import { periodInstants } from "../statement/json.js";
import type { Period } from "../statement/period.js";

/**
 * A ledger format written entry by entry, so a ledger of millions of events is
 * written as the replay makes it instead of held whole: the text before the
 * first entry, each batch of entries, and the text after the last.
 */
export interface LedgerFormat {
  start: string;
  entries(batch: readonly LedgerEntry[], first: boolean): string;
  end(empty: boolean): string;
}

/** `burnrate.ledger/v1`, exactly as JSON.stringify(document, null, 2) writes it. */
/** With a period (statement --cycle), the ledger says the instants asked for, before its transactions. */
export function ledgerJsonFormat(ctx: RenderContext, period?: Period): LedgerFormat {
  const span = period === undefined ? {} : { period: periodInstants(period) };
  const empty = jsonVisible(JSON.stringify({ schema: "burnrate.ledger/v1", card: { provider: ctx.card.provider, version: ctx.card.version }, ...span, entries: [] }, null, 2));
  return {
    start: empty.slice(0, empty.length - "]\n}".length),
    entries: (batch, first) => batch.map((e, i) => `${first && i === 0 ? "\n    " : ",\n    "}${jsonVisible(JSON.stringify(entryJson(e), null, 2)).replaceAll("\n", "\n    ")}`).join(""),
    end: (none) => (none ? "]\n}\n" : "\n  ]\n}\n"),
  };
}

function entryJson(e: LedgerEntry): object {
  return {
    at: formatInstant(e.at),
    account: e.account,
    type: e.type,
    meter: e.meter ?? null,
    grant: e.grant ?? null,
    dimensions: e.dimensions,
    quantity: e.quantity === undefined ? null : formatExact(e.quantity),
    amount: formatExact(e.amount),
    uncovered: formatExact(e.uncovered),
    balance: formatExact(e.balance),
  };
}

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

/** A whole ledger in one of those formats. */
export function ledgerText(format: LedgerFormat, entries: readonly LedgerEntry[]): string {
  return `${format.start}${entries.length > 0 ? format.entries(entries, true) : ""}${format.end(entries.length === 0)}`;
}

export function ledgerBlocks(entries: readonly LedgerEntry[], ctx: RenderContext): Block[] {
  const dp = ctx.card.precision.display;
  const money = (v: import("../../money.js").Decimal) => credits(v, dp, ctx.card.precision.rounding);
  const accounts = [...new Set(entries.map((e) => e.account))];
  return accounts.flatMap((account): Block[] => {
    const own = entries.filter((e) => e.account === account);
    // Uncovered charges (grace) only get a column in an account that had some.
    const graced = own.some((e) => !e.uncovered.isZero());
    return [
      { kind: "heading", level: 1, text: `Ledger · ${ctx.card.provider} ${ctx.card.version} · account ${account} · ${ctx.zone.name}` },
      {
        kind: "table",
        head: ["At", "Type", "Entry", "Quantity", "Amount", "Balance", ...(graced ? ["Uncovered"] : [])],
        // As many as the head has: a Markdown separator of seven cells under six is no table on GitHub (red62f F3).
        align: ["left", "left", "left", "right", "right", "right", ...(graced ? ["right" as const] : [])],
        maxWidths: [null, null, 24, null, null, null, ...(graced ? [null] : [])],
        rows: own.map((e) => [
          localDateTime(ctx, e.at), e.type, [e.meter ?? e.grant ?? "", dimensionValues(e.dimensions)].filter(Boolean).join(" "),
          e.quantity === undefined ? "" : exactGrouped(e.quantity), money(e.amount), money(e.balance), ...(graced ? [money(e.uncovered)] : []),
        ]),
      },
    ];
  });
}
