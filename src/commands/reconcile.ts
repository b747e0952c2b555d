import { feesOnlyNotes, overageNotComparedNotes, summedAccountsNotes, periodCopyNotes, sparseCycleNotes } from "../reconcile/sparse-cycle.js";
import { visibleLines } from "../render/shared/escape.js";
import { atFlag, Finding, shown, UserError } from "../errors.js";
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { checkRereadable, type ReplayInputOptions } from "../inputs.js";
import { accountInputs } from "./account-inputs.js";
import { replayRunInputs } from "./run-inputs.js";
import { beforeAnchorNote } from "./before-anchor-note.js";
import { idleIn, lookalikeAccounts, lookalikeWarnings } from "../account/lookalikes.js";
import type { Io } from "../io.js";
import { formatExact, ZERO, type Decimal } from "../money.js";
import { besideMappings, checkDestination, emit } from "../output.js";
import { reconcile } from "../reconcile/reconcile.js";
import { meterName, summarize } from "../reconcile/summary.js";
import type { Difference, Reconciliation } from "../reconcile/types.js";
import type { RateCard } from "../ratecard/types.js";
import type { RenderContext } from "../render/shared/context.js";
import { terminalWidth, toMarkdown, toTerminal } from "../render/shared/document.js";
import { chooseFormat, colorFor, json, WITH_HTML, formatNameWarning } from "../render/shared/format.js";
import { reconcileHtml } from "../render/reconcile/html.js";
import { reconcileCsv } from "../render/reconcile/csv.js";
import { reconcileJson } from "../render/reconcile/json.js";
import { reconcileBlocks } from "../render/reconcile/report.js";
import { formatInstant } from "../time.js";
import { render } from "../render/shared/reporters.js";
import { SkippedRows } from "../usage/skipped-rows.js";
import { cycleDays, missingDays } from "../usage/missing-days.js";
import { blendedDrift } from "../reconcile/blended-drift.js";
import { progressFor } from "../progress/progress.js";
import { fallbackMissWarnings } from "./fallback-warnings.js";
import { Told } from "./told.js";
import { noValueIdWarnings } from "./repeats-note.js";

export interface ReconcileOptions extends ReplayInputOptions {
  bill: string;
  billMapping?: string;
  billLayout?: string;
  billMap: string[];
  tolerance?: Decimal;
  tolerancePercent?: Decimal;
  format?: string;
  output?: string;
  bom?: boolean;
  color?: boolean;
  allLines?: boolean;
  everyAccount?: boolean;
  /** Warnings fail the run (exit 1), as findings do. */
  strict?: boolean;
}

export async function reconcileCommand(given: ReconcileOptions, io: Io): Promise<void> {
  const options = { ...given, usage: usageBesideTheBill(given) };
  const format = chooseFormat(options.format, options.output, WITH_HTML, io);
  checkRereadable(options.usage, "a regular usage file (a boundary check reads it again), not a pipe: reconcile cannot take one, nor standard input (--usage -), so save it to a file first");
  const tolerance = { absolute: options.tolerance ?? ZERO, percent: options.tolerancePercent ?? ZERO };
  const { card, settings, warnings, accountCard } = accountInputs(options);
  const told = new Told(io);
  for (const warning of warnings) told.say(visibleLines(warning));
  const inputs = replayRunInputs(options, accountCard, { "--bill": options.bill, "--bill-mapping": options.billMapping, "bill mapping": besideMappings([options.bill]) });
  // Refused before the replay, which may take long; checked again when the report is written.
  checkDestination({ path: options.output, inputs });
  told.say(options.format === undefined ? undefined : formatNameWarning(format, options.output));
  const progress = progressFor(io, options.usage, options);
  // The rows a mapping's skip_rows: leaves out are said on stderr (usage/mapping.ts).
  const skipped = new SkippedRows([options.account, options.card, options.mapping, options.bill, options.billMapping], options.usage);
  const usage = { files: options.usage, mappingFile: options.mapping, mapFlags: options.map, layout: options.layout, progress, maxLateness: options.maxLateness, skipped };
  const result = await reconcile({
    card,
    settings,
    usage,
    bill: { file: options.bill, mappingFile: options.billMapping, layout: options.billLayout, mapFlags: options.billMap },
    tolerance,
    between: io.heapCheck,
    everyAccount: options.everyAccount === true,
  }).finally(() => progress.end());
  // The bill's cycles: a day of dated rows may straddle their boundaries.
  for (const note of [...skipped.notes(card), ...(await skipped.datedNotes(settings.zone, { accounts: [{ cycles: result.cycles }] }))]) told.say(visibleLines(note));
  const before = beforeAnchorNote(result.replayed, settings);
  if (before !== undefined) told.say(before);
  // A customer spelled two ways in the usage is said as statement says it: a bill line short of it reads as unexplained (newcomer53 M2).
  const used = result.replayed.accounts.map((a) => a.account);
  for (const warning of lookalikeWarnings(settings, lookalikeAccounts(settings, used, idleIn(result.replayed.accounts)))) told.say(visibleLines(warning));
  for (const warning of noValueIdWarnings(result.replayed)) told.say(visibleLines(warning));
  for (const warning of fallbackMissWarnings(result.fallbacks)) told.say(visibleLines(warning));
  const blended = blendedDrift(result);
  for (const note of [...sparseCycleNotes(result), ...periodCopyNotes(result), ...feesOnlyNotes(result), ...overageNotComparedNotes(result), ...summedAccountsNotes(result), ...(blended === undefined ? [] : [`burnrate: note: ${blended}\n`])]) told.say(visibleLines(note));
  const ctx: RenderContext = { card, zone: settings.zone, color: colorFor(options, io) };
  const view = { allLines: options.allLines === true };
  // Days the daily files skip are in the report as well as on stderr: a difference there may be usage missing from the log (newcomer70 M2).
  // Only the days of the bill's cycles: a day skipped in a month the bill does not cover is no word on it (red70d M1).
  const gaps = missingDays(options.usage, cycleDays(result.cycles, settings.zone));
  const report: Reconciliation = { ...result, ...(gaps.length === 0 ? {} : { usageGaps: gaps }), ...(told.warnings.length === 0 ? {} : { warnings: told.warnings }) };
  await emit(render(format, {
    json: () => json(reconcileJson(report)),
    csv: () => reconcileCsv(report, { bom: options.bom }),
    markdown: () => toMarkdown(reconcileBlocks(report, ctx, view)),
    html: () => reconcileHtml(report, ctx),
    table: () => toTerminal(reconcileBlocks(report, ctx, view), ctx.color, terminalWidth(io.stdoutTerminal)),
  }), options.output, io, inputs);

  const { attention, paymentsDiffer, failingCredits, unbilled } = summarize(result);
  // Each finding said, one a line: the first alone hid the others (red68c M6: the accounts off the bill behind a difference).
  const findings: string[] = [];
  if (attention.length > 0) {
    const named = (d: Difference) => `${formatInstant(d.cycleStart)} ${meterName(d)}${d.line.account === undefined ? "" : ` (${d.line.account})`} ${d.class}${d.withinTolerance ? "" : ", over tolerance"}`;
    // Without a credit price, credits and money have no common measure: the largest of each is named (newcomer66 L10:
    // a 20 USD pack named the largest beside a 0.9-credit drift).
    const inCredits = attention.filter((d) => !d.line.money);
    const inMoney = attention.filter((d) => d.line.money);
    const apart = card.creditPrice === undefined && inCredits.length > 0 && inMoney.length > 0;
    const which = attention.length === 1 ? `first: ${named(attention[0]!)}` : apart ? `largest in ${card.unit}: ${named(largest(inCredits, card))}; in ${card.currency}: ${named(largest(inMoney, card))}` : `largest: ${named(largest(attention, card))}`;
    findings.push(`${attention.length} bill difference(s) need attention; ${which}`);
  }
  if (paymentsDiffer) {
    // What each side holds, the grants by kind: which purchase is missing was found by hand (newcomer66 L9).
    const p = result.payments!;
    const kinds = p.byKind.length === 0 ? "" : ` (${p.byKind.map((k) => `${k.kind} ${formatExact(k.credits)}`).join(", ")})`;
    // A kind the card gives free is no payment, said apart: which grants the ledger's payments were compared with.
    const free = p.free.length === 0 ? "" : `; not compared, given free by the card (paid: false): ${p.free.map((k) => `${k.kind} ${formatExact(k.credits)}`).join(", ")}`;
    findings.push(`the bill's payments differ from the grants in the account file: ${p.rows} payment row(s) of ${formatExact(p.bill)} ${card.unit} on the bill; ${formatExact(p.granted)} granted by the account file in these cycles${kinds}${free}`);
  }
  if (failingCredits > 0) {
    const first = result.credits[0]!;
    findings.push(`${failingCredits} credit(s) on the bill need attention (the bill mapping's credits: fail); first: ${first.origin.file}:${first.origin.line} ${first.activity}`);
  }
  // Asked for: a reseller's invoice run of every customer, where one left off is revenue not billed (red68 M2: a bill of
  // 1,000 of 20,003 customers read "the bill agrees", exit 0, and the CSV sheet had no row for the others).
  if (unbilled.length > 0) findings.push(unbilledText(unbilled, card));
  if (options.strict && told.warnings.length > 0) findings.push(`reconcile gave ${told.warnings.length} warning(s) (--strict)`);
  if (findings.length > 0) throw new Finding(findings.join("\nburnrate: "));
}

/** The accounts with usage the bill names no line of, under --every-account: how many, what they come to, the largest three. */
function unbilledText(unbilled: readonly { account: string; amount: Decimal }[], card: RateCard): string {
  const total = unbilled.reduce((sum, a) => sum.plus(a.amount), ZERO);
  const largest = [...unbilled].sort((a, b) => b.amount.comparedTo(a.amount) || (a.account < b.account ? -1 : 1)).slice(0, 3);
  // Quoted as every name in a message is: "Acme, Inc." and "," ran into the list's own commas (red69 L1).
  const named = largest.map((a) => `${shown(a.account)} (${formatExact(a.amount)} ${card.unit})`).join(", ");
  const more = unbilled.length > 3 ? `, and ${(unbilled.length - 3).toLocaleString("en-US")} more` : "";
  return `${unbilled.length.toLocaleString("en-US")} account(s) with usage in the bill's cycles are not on the bill (--every-account): their usage came to ${formatExact(total)} ${card.unit} (plan fees not counted); ${unbilled.length > 3 ? "the largest " : ""}${named}${more} (--format json lists each: other_accounts)`;
}

/**
 * The usage files but the bill: a month's bill kept in its usage folder (as evidence is filed together) was read as
 * usage, and refused as a log without timestamps, or its mapping as a usage mapping.
 */
function usageBesideTheBill(options: ReconcileOptions): string[] {
  const bill = realOf(options.bill);
  const usage = options.usage.filter((file) => file === "-" || realOf(file) !== bill);
  if (usage.length === 0) throw new UserError("no usage but the bill", atFlag("--usage"), "usage files besides the --bill file", shown(options.bill));
  return usage;
}

/** A file's path with its links resolved: a bill named through a link into the usage folder is the same file. */
function realOf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

/**
 * The difference of most money, its credits at the card's credit price beside fees and overage in its currency (by
 * credits alone where the card has no price): the one a reviewer looks at first, where the first in the report's order
 * was a 0.83-cent cut beside a 5,729-cent line (newcomer63b L5).
 */
function largest(differences: readonly Difference[], card: RateCard): Difference {
  const worth = (d: Difference) => (d.line.money || card.creditPrice === undefined ? d.delta.abs() : d.delta.abs().mul(card.creditPrice));
  return differences.reduce((best, d) => (worth(d).gt(worth(best)) ? d : best));
}
