import { resolveAccount } from "../account/account.js";
import type { LedgerEntry } from "../engine/types.js";
import { loadAccount, loadCardFor } from "../inputs.js";
import { emit } from "../output.js";
import type { RenderContext } from "../render/context.js";
import { toMarkdown, toTerminal } from "../render/document.js";
import { chooseFormat, colorFor, json } from "../render/format.js";
import { ledgerBlocks, ledgerCsv, ledgerJson } from "../render/ledger.js";
import { statementCsv } from "../render/statement-csv.js";
import { statementJson } from "../render/statement-json.js";
import { statementBlocks } from "../render/statement-report.js";
import { replayFiles } from "../usage/replay-files.js";

export interface StatementOptions {
  card?: string;
  usage: string[];
  account?: string;
  plan?: string;
  anchor?: string;
  timezone?: string;
  through?: string;
  mapping?: string;
  map: string[];
  format?: string;
  output?: string;
  ledger?: boolean;
  bom?: boolean;
  color?: boolean;
}

export async function statement(options: StatementOptions): Promise<void> {
  const format = chooseFormat(options.format, options.output);
  const account = loadAccount(options.account);
  const card = loadCardFor(options.card, account);
  const settings = resolveAccount(card, account, options);
  const ledger: LedgerEntry[] | undefined = options.ledger ? [] : undefined;
  const result = await replayFiles(card, settings, { files: options.usage, mappingFile: options.mapping, mapFlags: options.map }, ledger);
  const ctx: RenderContext = { card, zone: settings.zone, color: colorFor(options) };

  let text: string;
  if (ledger) {
    text = format === "json" ? json(ledgerJson(ledger, ctx))
      : format === "csv" ? ledgerCsv(ledger, { bom: options.bom })
      : format === "markdown" ? toMarkdown(ledgerBlocks(ledger, ctx))
      : toTerminal(ledgerBlocks(ledger, ctx), ctx.color);
  } else {
    text = format === "json" ? json(statementJson(result))
      : format === "csv" ? statementCsv(result, { bom: options.bom })
      : format === "markdown" ? toMarkdown(statementBlocks(result, ctx))
      : toTerminal(statementBlocks(result, ctx), ctx.color);
  }
  emit(text, options.output);
}
