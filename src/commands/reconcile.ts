import { resolveAccount } from "../account/account.js";
import { Finding, UserError, shown } from "../errors.js";
import { loadAccount, loadCardFor, type ReplayInputOptions } from "../inputs.js";
import { parsePlainDecimal, type Decimal } from "../money.js";
import { emit } from "../output.js";
import { reconcile } from "../reconcile/reconcile.js";
import { meterName, summarize } from "../reconcile/summary.js";
import type { RenderContext } from "../render/context.js";
import { terminalWidth, toMarkdown, toTerminal } from "../render/document.js";
import { chooseFormat, colorFor, json, WITH_HTML } from "../render/format.js";
import { reconcileHtml } from "../render/html-reconcile.js";
import { reconcileCsv } from "../render/reconcile-csv.js";
import { reconcileJson } from "../render/reconcile-json.js";
import { reconcileBlocks } from "../render/reconcile-report.js";
import { formatInstant } from "../time.js";
import { render } from "../render/reporters.js";

export interface ReconcileOptions extends ReplayInputOptions {
  bill: string;
  billMapping?: string;
  billLayout?: string;
  billMap: string[];
  tolerance?: string;
  tolerancePercent?: string;
  format?: string;
  output?: string;
  bom?: boolean;
  color?: boolean;
  allLines?: boolean;
}

export async function reconcileCommand(options: ReconcileOptions): Promise<void> {
  const format = chooseFormat(options.format, options.output, WITH_HTML);
  if (options.usage.includes("-")) {
    throw new UserError("reconcile cannot read usage from standard input", { file: "--usage", line: 1, column: 1 }, "a usage file (a boundary check reads it again)", "-");
  }
  const tolerance = {
    absolute: nonNegative(options.tolerance, "--tolerance"),
    percent: nonNegative(options.tolerancePercent, "--tolerance-percent"),
  };
  const account = loadAccount(options.account);
  const card = loadCardFor(options.card, account);
  const settings = resolveAccount(card, account, options);
  const result = await reconcile({
    card,
    settings,
    usage: { files: options.usage, mappingFile: options.mapping, mapFlags: options.map },
    bill: { file: options.bill, mappingFile: options.billMapping, layout: options.billLayout, mapFlags: options.billMap },
    tolerance,
  });
  const ctx: RenderContext = { card, zone: settings.zone, color: colorFor(options) };
  const view = { allLines: options.allLines === true };
  emit(render(format, {
    json: () => json(reconcileJson(result)),
    csv: () => reconcileCsv(result, { bom: options.bom }),
    markdown: () => toMarkdown(reconcileBlocks(result, ctx, view)),
    html: () => reconcileHtml(result, ctx),
    table: () => toTerminal(reconcileBlocks(result, ctx, view), ctx.color, terminalWidth(process.stdout)),
  }), options.output);

  const { attention, paymentsDiffer } = summarize(result);
  if (attention.length > 0) {
    const first = attention[0]!;
    throw new Finding(`${attention.length} bill difference(s) need attention; first: ${formatInstant(first.cycleStart)} ${meterName(first)} ${first.class}${first.withinTolerance ? "" : ", over tolerance"}`);
  }
  if (paymentsDiffer) throw new Finding("the bill's payments differ from the grants in the account file");
}

function nonNegative(text: string | undefined, flag: string): Decimal {
  const value = parsePlainDecimal((text ?? "0").trim());
  if (!value || value.isNegative()) throw new UserError("bad tolerance", { file: flag, line: 1, column: 1 }, "a plain decimal of 0 or more", shown(text ?? ""));
  return value;
}
