import { formatExact } from "../money.js";
import type { LedgerEntry } from "../engine/types.js";
import { formatInstant } from "../time.js";
import { localDateTime, type RenderContext } from "./context.js";
import { csvText, Exact } from "./csv.js";
import type { Block } from "./document.js";
import { credits, exactGrouped } from "./numbers.js";
import { dimensionText, dimensionValues } from "./summary.js";

export function ledgerJson(entries: readonly LedgerEntry[], ctx: RenderContext): object {
  return {
    schema: "burnrate.ledger/v1",
    card: { provider: ctx.card.provider, version: ctx.card.version },
    entries: entries.map((e) => ({
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
    })),
  };
}

export function ledgerCsv(entries: readonly LedgerEntry[], options: { bom?: boolean } = {}): string {
  return csvText(
    ["at", "account", "type", "meter", "grant", "dimensions", "quantity", "amount", "uncovered", "balance"],
    entries.map((e) => [
      formatInstant(e.at), e.account, e.type, e.meter ?? "", e.grant ?? "", dimensionText(e.dimensions),
      new Exact(e.quantity === undefined ? "" : formatExact(e.quantity)), new Exact(formatExact(e.amount)), new Exact(formatExact(e.uncovered)), new Exact(formatExact(e.balance)),
    ]),
    options,
  );
}

export function ledgerBlocks(entries: readonly LedgerEntry[], ctx: RenderContext): Block[] {
  const dp = ctx.card.precision.display;
  const money = (v: import("../money.js").Decimal) => credits(v, dp, ctx.card.precision.rounding);
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
        align: ["left", "left", "left", "right", "right", "right", "right"],
        maxWidths: [null, null, 24, null, null, null, null],
        rows: own.map((e) => [
          localDateTime(ctx, e.at), e.type, [e.meter ?? e.grant ?? "", dimensionValues(e.dimensions)].filter(Boolean).join(" "),
          e.quantity === undefined ? "" : exactGrouped(e.quantity), money(e.amount), money(e.balance), ...(graced ? [money(e.uncovered)] : []),
        ]),
      },
    ];
  });
}
