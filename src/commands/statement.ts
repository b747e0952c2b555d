import { visibleLines } from "../render/shared/escape.js";
import type { LedgerEntry } from "../engine/types.js";
import type { ReplayInputOptions } from "../inputs.js";
import { accountInputs } from "./account-inputs.js";
import { replayRunInputs } from "./run-inputs.js";
import type { Io } from "../io.js";
import { checkDestination, emit, ReportFile } from "../output.js";
import { BurnLedger } from "../render/charts/ledger.js";
import type { BurnEntries } from "../render/charts/series.js";
import { chartsLeftOut, MOST_CHARTED_ACCOUNTS, terminalChart } from "../render/charts/settings.js";
import { statementCharts, type TerminalChartSettings } from "../render/charts/terminal.js";
import type { RenderContext } from "../render/shared/context.js";
import { markdownChunks, terminalChunks, toMarkdown, toTerminal } from "../render/shared/document.js";
import { chooseFormat, colorFor, FORMATS, WITH_HTML, type Format, type PlainFormat, formatNameWarning } from "../render/shared/format.js";
import { render, type Reporters } from "../render/shared/reporters.js";
import { statementHtml } from "../render/statement/html.js";
import { ledgerBlocks, ledgerCsvFormat, ledgerJsonFormat, ledgerText, type LedgerFormat } from "../render/ledger/report.js";
import { statementCsv } from "../render/statement/csv.js";
import { statementJsonText } from "../render/statement/json-text.js";
import { statementBlocks } from "../render/statement/report.js";
import type { LedgerOutput } from "../replay/replay-events.js";
import { replayFiles } from "../replay/replay-files.js";
import { beforeAnchorNote } from "./before-anchor-note.js";
import { progressFor } from "../progress/progress.js";
import { SkippedRows } from "../usage/skipped-rows.js";
import { accountSpans, burnEntriesShown, entriesShown, inSpan, periodStatement, widestSpan, type Period, type Span } from "../render/statement/period.js";
import { askedPeriod, checkWithin } from "./statement-period.js";
import { Told } from "./told.js";
import { ReplayNotes } from "./replay-notes.js";
import { cycleDays, missingDays } from "../usage/missing-days.js";
import { saidBlocks, type Said } from "../render/statement/said.js";

export interface StatementOptions extends ReplayInputOptions {
  format?: string;
  output?: string;
  ledger?: boolean;
  chart?: boolean;
  bom?: boolean;
  color?: boolean;
  /** Show only the cycle holding this date, or the cycles FROM..THROUGH (statement-period.ts). */
  cycle?: string;
  /** Warnings fail the run (exit 1), once the report is written. */
  strict?: boolean;
}

export async function statement(options: StatementOptions, io: Io): Promise<void> {
  const format = chooseFormat(options.format, options.output, options.ledger ? FORMATS : WITH_HTML, io);
  const { card, settings, warnings, accountCard } = accountInputs(options);
  // Refused before the replay where it can be (a bad date, FROM after THROUGH, a date before the anchor).
  const period = options.cycle === undefined ? undefined : askedPeriod(options.cycle, settings);
  const told = new Told(io);
  for (const warning of warnings) told.say(visibleLines(warning));
  const inputs = replayRunInputs(options, accountCard);
  const ctx: RenderContext = { card, zone: settings.zone, color: colorFor(options, io) };
  // Refused before the replay, which may take long; checked again when the report is written.
  checkDestination({ path: options.output, inputs });
  told.say(options.format === undefined ? undefined : formatNameWarning(format, options.output));
  const progress = progressFor(io, options.usage, options);
  // The rows a mapping's skip_rows: leaves out are said on stderr, the statement being of usage alone.
  const skipped = new SkippedRows([options.account, options.card, options.mapping], options.usage);
  const input = { files: options.usage, mappingFile: options.mapping, mapFlags: options.map, layout: options.layout, stdin: io.stdin, progress, maxLateness: options.maxLateness, skipped };
  if (options.ledger && (format === "json" || format === "csv")) {
    // One entry per event: written as the replay makes them, never held.
    const file = new ReportFile({ path: options.output, flag: "-o", inputs });
    try {
      const writer = new LedgerWriter(format === "json" ? ledgerJsonFormat(ctx, period) : ledgerCsvFormat({ bom: options.bom }), file, period);
      const replayed = await replayFiles(card, settings, input, writer).finally(() => progress.end());
      if (period !== undefined) checkWithin(period, replayed, settings, options.cycle!);
      for (const note of [...skipped.notes(card), ...(await skipped.datedNotes(settings.zone, replayed))]) told.say(visibleLines(note));
      const before = beforeAnchorNote(replayed, settings);
      if (before !== undefined) told.say(before);
      const notes = new ReplayNotes(told, { card, settings, result: replayed, usage: options.usage, skipped, cycle: period === undefined ? undefined : { asked: options.cycle!, period }, report: "ledger" });
      notes.replay();
      notes.shown(period === undefined ? replayed : periodStatement(replayed, period));
      writer.end(period === undefined ? undefined : accountSpans(replayed, period));
      await file.commit(io);
    } catch (e) {
      file.abort();
      throw e;
    }
    told.failIfStrict(options.strict, "statement");
    return;
  }
  const charting = options.ledger ? undefined : terminalChart(options, format, io);
  // An account file of more accounts than a terminal charts keeps no ledger for charts: its log may be replayed in parts.
  const chart = charting !== undefined && settings.accounts.size > MOST_CHARTED_ACCOUNTS ? "left out" : charting;
  // The charts need the balance over time: the ledger, thinned to what a chart can show.
  const entries = options.ledger ? new LedgerEntries() : undefined;
  const burn = !options.ledger && ((chart !== undefined && chart !== "left out") || format === "html") ? new BurnLedger() : undefined;
  const result = await replayFiles(card, settings, input, entries ?? burn).finally(() => progress.end());
  for (const note of [...skipped.notes(card), ...(await skipped.datedNotes(settings.zone, result))]) told.say(visibleLines(note));
  const before = beforeAnchorNote(result, settings);
  if (before !== undefined) told.say(before);
  const cycle = period === undefined ? undefined : { asked: options.cycle!, period };
  const notes = new ReplayNotes(told, { card, settings, result, usage: options.usage, skipped, cycle, report: options.ledger ? "ledger" : "statement" });
  notes.replay();
  if (period !== undefined) checkWithin(period, result, settings, options.cycle!);
  // The cycles of the period, and the transactions in them (the charts' too); the replay ran whole.
  const shown = period === undefined ? result : periodStatement(result, period);
  notes.shown(shown);
  const spans = period === undefined ? undefined : accountSpans(result, period);
  const shownEntries = entries === undefined ? [] : spans === undefined ? entries.entries : entriesShown(entries.entries, spans);
  const burns = burn === undefined ? NO_BURNS : spans === undefined ? burn : burnEntriesShown(burn, spans);
  // With --cycle, the days of the cycles shown: a day skipped in October is not missing from November's (red71a L3).
  const said: Said = { warnings: told.warnings, usageGaps: missingDays(options.usage, period === undefined ? undefined : cycleDays(shown.accounts.flatMap((a) => a.cycles), settings.zone)) };
  const ledgerReport: Reporters<PlainFormat> = {
    json: () => ledgerText(ledgerJsonFormat(ctx, period), shownEntries),
    csv: () => ledgerText(ledgerCsvFormat({ bom: options.bom }), shownEntries),
    markdown: () => toMarkdown([...saidBlocks(said), ...ledgerBlocks(shownEntries, ctx)]),
    table: () => toTerminal([...saidBlocks(said), ...ledgerBlocks(shownEntries, ctx)], ctx.color),
  };
  const statementReport: Reporters<Format> = {
    // Each account's cycles let go once written: the statement is read no more.
    json: () => statementJsonText(shown, card, { release: true, said }),
    csv: () => statementCsv(shown, { bom: options.bom, card }),
    // Drawn account by account as they are written: a log of many accounts is never one document in memory.
    markdown: () => markdownChunks(statementBlocks(shown, ctx, said)),
    // Each account's cycles and points let go once drawn, as json's.
    html: () => statementHtml(shown, burns, ctx, { release: true, said }),
    table: () => withCharts(terminalChunks(statementBlocks(shown, ctx, said), ctx.color), () => chartsOf(shown, chart, (c) => statementCharts(shown, burns, ctx, c))),
  };
  // With --ledger the format was chosen among the ledger's formats, which html is not.
  await emit(options.ledger ? render(format as PlainFormat, ledgerReport) : render(format, statementReport), options.output, io, inputs);
  told.failIfStrict(options.strict, "statement");
}

/** No ledger: no chart or page asks for one. */
const NO_BURNS: BurnEntries = { of: () => [] };

/** The charts a terminal draws under the table: none where it asks none, a line in their place past MOST_CHARTED_ACCOUNTS. */
function chartsOf(statement: { accounts: readonly unknown[] }, chart: TerminalChartSettings | "left out" | undefined, draw: (chart: TerminalChartSettings) => string): string {
  if (chart === undefined) return "";
  return chart === "left out" || statement.accounts.length > MOST_CHARTED_ACCOUNTS ? chartsLeftOut(statement.accounts.length) : draw(chart);
}

/** The statement's table, then its charts, drawn once the table is written. */
function* withCharts(table: Iterable<string>, charts: () => string): Generator<string> {
  yield* table;
  yield charts();
}

/** The whole ledger, for the formats that lay it out by account. */
class LedgerEntries implements LedgerOutput {
  entries: LedgerEntry[] = [];

  push(entry: LedgerEntry): void {
    this.entries.push(entry);
  }

  restart(): void {
    this.entries = [];
  }
}

/**
 * The ledger written to its report in batches as the replay makes it; a restart cuts the report back to its start.
 * With a period (--cycle), the transactions that may be in it are held instead, and written at the end, once each
 * account's cycles shown are known (a plan change may move them while the replay runs); their balances are the whole
 * replay's.
 */
class LedgerWriter implements LedgerOutput {
  private batch: LedgerEntry[] = [];
  private written = 0;
  private readonly start: number;
  private readonly widest: Span | undefined;

  constructor(private readonly format: LedgerFormat, private readonly file: ReportFile, period?: Period) {
    file.write(format.start);
    this.start = file.mark();
    this.widest = period === undefined ? undefined : widestSpan(period);
  }

  push(entry: LedgerEntry): void {
    if (this.widest !== undefined) {
      if (inSpan(entry, this.widest)) this.batch.push(entry);
      return;
    }
    this.batch.push(entry);
    if (this.batch.length >= 1024) this.flush();
  }

  restart(): void {
    this.batch = [];
    this.written = 0;
    this.file.truncate(this.start);
  }

  /** With a period, each account's span of the cycles shown (accountSpans). */
  end(spans?: ReadonlyMap<string, Span>): void {
    if (spans !== undefined) this.batch = entriesShown(this.batch, spans);
    this.flush();
    this.file.write(this.format.end(this.written === 0));
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    this.file.write(this.format.entries(this.batch, this.written === 0));
    this.written += this.batch.length;
    this.batch = [];
  }
}
