import { resolveAccount } from "../account/account.js";
import type { LedgerEntry } from "../engine/types.js";
import { loadAccount, loadCardFor, type ReplayInputOptions } from "../inputs.js";
import { emit } from "../output.js";
import { BurnLedger } from "../render/chart-ledger.js";
import { terminalChart } from "../render/chart-settings.js";
import { statementCharts } from "../render/chart-terminal.js";
import type { RenderContext } from "../render/context.js";
import { toMarkdown, toTerminal } from "../render/document.js";
import { chooseFormat, colorFor, FORMATS, json, WITH_HTML, type Format, type PlainFormat } from "../render/format.js";
import { render, type Reporters } from "../render/reporters.js";
import { statementHtml } from "../render/html-statement.js";
import { ledgerBlocks, ledgerCsv, ledgerJson } from "../render/ledger.js";
import { statementCsv } from "../render/statement-csv.js";
import { statementJson } from "../render/statement-json.js";
import { statementBlocks } from "../render/statement-report.js";
import { replayFiles } from "../usage/replay-files.js";

export interface StatementOptions extends ReplayInputOptions {
  format?: string;
  output?: string;
  ledger?: boolean;
  chart?: boolean;
  bom?: boolean;
  color?: boolean;
}

export async function statement(options: StatementOptions): Promise<void> {
  const format = chooseFormat(options.format, options.output, options.ledger ? FORMATS : WITH_HTML);
  const account = loadAccount(options.account);
  const card = loadCardFor(options.card, account);
  const settings = resolveAccount(card, account, options);
  const chart = options.ledger ? undefined : terminalChart(options, format);
  // The charts need the balance over time: the ledger, thinned to what a chart can show.
  const ledger: LedgerEntry[] | undefined = options.ledger ? [] : chart || format === "html" ? new BurnLedger() : undefined;
  const result = await replayFiles(card, settings, { files: options.usage, mappingFile: options.mapping, mapFlags: options.map }, ledger);
  const ctx: RenderContext = { card, zone: settings.zone, color: colorFor(options) };

  const entries = ledger ?? [];
  const ledgerReport: Reporters<PlainFormat> = {
    json: () => json(ledgerJson(entries, ctx)),
    csv: () => ledgerCsv(entries, { bom: options.bom }),
    markdown: () => toMarkdown(ledgerBlocks(entries, ctx)),
    table: () => toTerminal(ledgerBlocks(entries, ctx), ctx.color),
  };
  const statementReport: Reporters<Format> = {
    json: () => json(statementJson(result)),
    csv: () => statementCsv(result, { bom: options.bom }),
    markdown: () => toMarkdown(statementBlocks(result, ctx)),
    html: () => statementHtml(result, entries, ctx),
    table: () => toTerminal(statementBlocks(result, ctx), ctx.color) + (chart ? statementCharts(result, entries, ctx, chart) : ""),
  };
  // With --ledger the format was chosen among the ledger's formats, which html is not.
  emit(options.ledger ? render(format as PlainFormat, ledgerReport) : render(format, statementReport), options.output);
}
