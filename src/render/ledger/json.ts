import type { LedgerEntry } from "../../engine/types.js";
import { formatExact } from "../../money.js";
import { formatInstant } from "../../time.js";
import type { RenderContext } from "../shared/context.js";
import type { LedgerFormat } from "./format.js";

/** `burnrate.ledger/v1`, exactly as JSON.stringify(document, null, 2) writes it. */
export function ledgerJsonFormat(ctx: RenderContext): LedgerFormat {
  const empty = JSON.stringify({ schema: "burnrate.ledger/v1", card: { provider: ctx.card.provider, version: ctx.card.version }, entries: [] }, null, 2);
  return {
    start: empty.slice(0, empty.length - "]\n}".length),
    entries: (batch, first) => batch.map((e, i) => `${first && i === 0 ? "\n    " : ",\n    "}${JSON.stringify(entryJson(e), null, 2).replaceAll("\n", "\n    ")}`).join(""),
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
