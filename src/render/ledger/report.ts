import type { Decimal } from "../../money.js";
import type { LedgerEntry } from "../../engine/types.js";
import { localDateTime, type RenderContext } from "../shared/context.js";
import type { Block } from "../shared/document.js";
import { credits, exactGrouped } from "../shared/numbers.js";
import { dimensionValues } from "../shared/summary.js";

export function ledgerBlocks(entries: readonly LedgerEntry[], ctx: RenderContext): Block[] {
  const dp = ctx.card.precision.display;
  const money = (v: Decimal) => credits(v, dp, ctx.card.precision.rounding);
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
