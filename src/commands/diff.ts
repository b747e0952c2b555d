import { effectiveInside, effectiveInsideText } from "../costdiff/single-effective.js";
import { replayBoth } from "../costdiff/replay-both.js";
import { swappedWarning } from "../costdiff/card-order.js";
import { renamedPlanHint } from "../costdiff/plan-rename.js";
import { atBasePrices } from "../costdiff/row-worth.js";
import { addedMeters, withMetersAtZero } from "../costdiff/added-meters.js";
import { withPricesAtZero } from "../costdiff/added-prices.js";
import { accountWarnings, cardPathOf, resolveAccount, type AccountFile, type AccountFlags, type AccountSettings } from "../account/account.js";
import { compareStatements, delta, lineName, refusalsMoved, type PricedLine, type RefusedRow } from "../costdiff/compare.js";
import { GATE_FLAGS, type GateFlag, type GateResult } from "../costdiff/gates.js";
import { costDiff, largestRefused, type LineGate, type RefusedMore } from "../costdiff/diff.js";
import { beforeAnchorNote } from "./before-anchor-note.js";
import { markRenames, renamedMeters, type CardChange } from "../costdiff/card-changes.js";
import { pricedBy } from "../costdiff/priced-by.js";
import { unmeasuredChange, unmeasuredWhy } from "../costdiff/unmeasured.js";
import { compareMoney, gatePercent, moneyItemName, type MoneyChange } from "../costdiff/money.js";
import type { Totals } from "../costdiff/compare.js";
import type { CreditsLost } from "../costdiff/expired.js";
import { versionChanges } from "../costdiff/version-changes.js";
import { Finding, formatLocation, shown, UserError, UserErrors } from "../errors.js";
import { checkRereadable, loadAccount, loadCardFor, readText, type ReplayInputOptions } from "../inputs.js";
import type { Io } from "../io.js";
import { Decimal, formatExact, formatFixed } from "../money.js";
import type { Zone } from "../time.js";
import { checkDestination, emit } from "../output.js";
import type { RunInput } from "../output-target.js";
import type { RateCard } from "../ratecard/types.js";
import { chooseFormat, colorFor, FORMATS, formatNameWarning } from "../render/shared/format.js";
import { replayFiles } from "../replay/replay-files.js";
import { SkippedRows } from "../usage/skipped-rows.js";
import { progressFor } from "../progress/progress.js";
import type { Statement } from "../engine/types.js";
import { report } from "../render/shared/reporters.js";
import { visibleLines } from "../render/shared/escape.js";
import { replayRunInputs } from "./run-inputs.js";
import { fallbackWarnings } from "./fallback-warnings.js";
import { spilloverNote } from "./spillover-note.js";
import { DIFF_NO_ROWS, noRowsNote } from "./no-rows-note.js";
import { askedPeriod, checkWithin } from "./statement-period.js";
import { periodStatement } from "../render/statement/period.js";
import { Told } from "./told.js";
import { noValueIdWarnings } from "./repeats-note.js";
import { idleIn, lookalikeAccounts, lookalikeWarnings } from "../account/lookalikes.js";
import { limitKeyMisses, limitKeyWarning } from "../account/limit-keys.js";
import { worthAt, worthAtAll } from "../render/diff/report.js";

export interface DiffOptions extends ReplayInputOptions {
  /** The card before the change, or a set of its versions (`--base` repeated). */
  base: string[];
  failOver?: Decimal;
  failOverLine?: Decimal;
  /** A price rise the usage never exercises is a finding, not only a warning: a CI gate fails closed. */
  failOnUnmeasured?: boolean;
  failOverMeter?: Decimal;
  failOverAmount?: Decimal;
  failUnderMeter?: Decimal;
  failUnderAmount?: Decimal;
  format?: string;
  output?: string;
  bom?: boolean;
  color?: boolean;
  /** Compare only the cycle holding this date, or the cycles FROM..THROUGH (statement-period.ts), as statement shows them. */
  cycle?: string;
  /** Every warning fails the run (exit 1), not only those --fail-on-unmeasured makes findings. */
  strict?: boolean;
}

/** The account's terms under one card: a plan the other card lacks is an error that says which card. */
function settingsFor(card: RateCard, account: AccountFile | undefined, flags: AccountFlags, role: string, base?: RateCard): AccountSettings {
  try {
    return resolveAccount(card, account, flags);
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof UserErrors) throw e;
    const plan = /^unknown plan "([^"]+)"/.exec(e.problem)?.[1];
    const renamed = plan === undefined || base === undefined ? "" : renamedPlanHint(plan, base, card, account?.file);
    throw new UserError(`${e.problem} in the ${role} card ${card.file}${renamed}`, e.location, e.expected, e.found);
  }
}

/**
 * Both cards and each replay's settings, the account file's warnings said. The account file is let go here, not held
 * through both replays (account-inputs.ts).
 */
function cardsAndSettings(options: DiffOptions, flags: AccountFlags, told: Told): { base: RateCard; card: RateCard; baseAsReplayed: RateCard; baseSettings: AccountSettings; cardSettings: AccountSettings; inputs: RunInput[]; renamed: ReadonlyMap<string, string> } {
  const account = loadAccount(options.account);
  const base = loadCardFor(options.base, undefined, "--base");
  const card = loadCardFor(options.card, account);
  // Meters the change renames, written alike: between two cards, not sets of versions, whose renames are by version.
  const renamed = base.versions === undefined && card.versions === undefined ? renamedMeters(readText(base.file), base.file, readText(card.file), card.file) : new Map<string, string>();
  // The base replays with the meters and the price table values (a model, a provider) the change adds at 0 (a renamed
  // meter at its old price); the card changes and priced lines read the cards as written.
  const baseAsReplayed = withPricesAtZero(withMetersAtZero(base, addedMeters(base, card), card, renamed), card);
  const inputs = replayRunInputs(options, account === undefined ? undefined : cardPathOf(account), { "--base": options.base });
  // Refused before two replays, which may take long; checked again when the report is written.
  checkDestination({ path: options.output, inputs });
  const baseSettings = settingsFor(baseAsReplayed, account, flags, "base");
  const cardSettings = settingsFor(card, account, flags, "new", base);
  for (const warning of accountWarnings(account, flags, card, cardSettings)) told.say(visibleLines(warning));
  for (const [key, old] of renamed) told.say(visibleLines(`burnrate: note: meter ${shown(key)} of the new card is ${shown(old)} of the base card renamed, written alike (${card.file}): the base card prices its rows as ${shown(old)}'s, so the rename alone costs nothing\n`));
  const swapped = swappedWarning(base, card);
  if (swapped !== undefined) told.say(visibleLines(swapped));
  return { base, card, baseAsReplayed, baseSettings, cardSettings, inputs, renamed };
}

/** Replay one usage log through two versions of a card, with the one engine, and show what changes. */
export async function diff(options: DiffOptions, io: Io): Promise<void> {
  checkRereadable(options.usage, "a regular usage file (it is replayed once per card), not a pipe: diff cannot take one, nor standard input (--usage -), so save it to a file first");
  const given: Record<GateFlag, Decimal | undefined> = {
    "--fail-over-meter": options.failOverMeter,
    "--fail-over-amount": options.failOverAmount,
    "--fail-under-meter": options.failUnderMeter,
    "--fail-under-amount": options.failUnderAmount,
  };
  const gates = GATE_FLAGS.flatMap((flag) => (given[flag] === undefined ? [] : [{ flag, limit: given[flag]! }]));
  const format = chooseFormat(options.format, options.output, FORMATS, io);
  // Every flag the account reads, for both replays: --dedupe-window was once dropped here, and diff priced repeats the statement billed.
  const flags: AccountFlags = { plan: options.plan, anchor: options.anchor, timezone: options.timezone, through: options.through, dedupeWindow: options.dedupeWindow, skipBeforeAnchor: options.skipBeforeAnchor };
  const told = new Told(io);
  const { base, card, baseAsReplayed, baseSettings, cardSettings, inputs, renamed } = cardsAndSettings(options, flags, told);
  told.say(options.format === undefined ? undefined : formatNameWarning(format, options.output));
  // One log read through both cards: a column either card reads is read.
  const progress = progressFor(io, options.usage, { progress: options.progress, replays: 2 });
  // The rows a mapping's skip_rows: leaves out are said on stderr, once: the second replay counts them again.
  const skipped = new SkippedRows([options.account, options.card, options.base, options.mapping], options.usage);
  const input = { files: options.usage, mappingFile: options.mapping, mapFlags: options.map, layout: options.layout, alsoReadBy: [baseAsReplayed, card], progress, maxLateness: options.maxLateness, skipped };

  let before: Statement, after: Statement;
  try {
    // Both cards' refused rows weighed at the base card's prices, row by row (row-worth.ts).
    const weighed = (c: RateCard) => ({ ...(c === baseAsReplayed ? baseSettings : cardSettings), refusalWorth: atBasePrices(baseAsReplayed, card, c === baseAsReplayed ? "base" : "new") });
    [before, after] = await replayBoth((c) => replayFiles(c, weighed(c), input), baseAsReplayed, card);
  } catch (e) {
    throw e instanceof UserError ? renameHint(e, renamed) : e;
  } finally {
    progress.end();
  }
  for (const note of skipped.notes(card)) told.say(visibleLines(note));
  const noRows = noRowsNote(after, options.usage, DIFF_NO_ROWS);
  if (noRows !== undefined) told.say(visibleLines(noRows));
  // Both replays leave out the same rows: said once, from the new card's.
  const beforeNote = beforeAnchorNote(after, cardSettings);
  if (beforeNote !== undefined) told.say(beforeNote);
  for (const warning of fallbackWarnings(card, after)) told.say(visibleLines(warning));
  // The account file read as statement reads it, once, from the new card's replay: ACME-Corp beside a named acme-corp is
  // a customer of its own under both cards, and diff --strict passed it (red71a H1).
  for (const warning of lookalikeWarnings(cardSettings, lookalikeAccounts(cardSettings, after.accounts.map((a) => a.account), idleIn(after.accounts)))) told.say(visibleLines(warning));
  for (const miss of limitKeyMisses(card, cardSettings, after, skipped.fallbacks.values())) told.say(visibleLines(limitKeyWarning(miss)));
  for (const warning of noValueIdWarnings(after)) told.say(visibleLines(warning));
  // A month's few rows past its end run a cycle further, billing every account its fee under both cards (newcomer56 M4):
  // said as statement says it, and --cycle compares the month alone, each replay's cycles of the period.
  const spillover = spilloverNote(after, cardSettings, { cycle: options.cycle });
  if (spillover !== undefined) told.say(spillover);
  const period = options.cycle === undefined ? undefined : askedPeriod(options.cycle, cardSettings);
  if (period !== undefined) {
    checkWithin(period, after, cardSettings, options.cycle!);
    [before, after] = [periodStatement(before, period), periodStatement(after, period)];
  }
  const changes = markRenames(versionChanges(base, card, cardSettings.zone), renamed);
  const inside = effectiveInside({ base, card }, after, cardSettings.zone);
  if (inside !== undefined) told.say(visibleLines(`burnrate: note: ${formatLocation(inside.location)}: ${effectiveInsideText(inside)}\n`));
  // The money first: the comparison, the statements' last reader, lets each account's cycles go once compared (at
  // 10,000 accounts, both statements held 120 MB of a 265 MB heap beside the report's rows).
  const money = compareMoney({ statement: before, card: baseAsReplayed }, { statement: after, card }, io.heapCheck);
  const result = costDiff({ base, card, usage: options.usage, zone: cardSettings.zone, effectiveInside: inside, money, comparison: compareStatements(before, after, pricedBy([base, card]), { between: io.heapCheck, release: true }), cardChanges: changes }, { failOver: options.failOver, gates, failOverLine: options.failOverLine, failOnUnmeasured: options.failOnUnmeasured === true });

  await emit(report("diff", format, result, { color: colorFor(options, io), bom: options.bom }), options.output, io, inputs);
  // Money in two currencies has no rate between them: a warning, and with --fail-on-unmeasured a finding, as any change
  // the gates cannot measure fails closed there (red team, stop 36: USD 9 to EUR 90 passed).
  const otherCurrency = result.money.otherCurrency;
  const unpricedCredits = result.money.unpricedCredits;
  if (unpricedCredits !== undefined && !options.failOnUnmeasured) {
    told.say(visibleLines(`burnrate: warning: ${unpricedCredits === "base" ? "the base card" : "the new card"} has no credit_price for the credits the usage buys: the money totals are not compared, and no gate judges them; credit_price: in it, what a credit bought costs in its currency, compares them\n`));
  }
  // Neither card prices the credits some cycle buys: the totals are unknown under both, as the statement's are. No
  // price changed to measure, so not a --fail-on-unmeasured finding; said, as no money gate judges the totals.
  const unpricedBoth = unpricedCredits === undefined && otherCurrency === undefined && !result.money.unpricedBought.old.isZero();
  if (unpricedBoth) {
    told.say(visibleLines(`burnrate: warning: neither card has a credit_price for the credits the usage buys: the money totals are unknown under both and not compared (the plan fees and overage are, cycle by cycle); credit_price: in both cards, what a credit bought costs in their currency, compares them\n`));
  }
  if (otherCurrency !== undefined && !options.failOnUnmeasured) {
    told.say(visibleLines(`burnrate: warning: the base card prices money in ${otherCurrency}, the new card in ${result.money.currency}: their money is not compared, and no gate judges it\n`));
  }
  // Worth at the base card's prices, to its display places at most (a meter's average price has more).
  const refusedUnits: RefusedUnits = { unit: card.unit, zone: cardSettings.zone, worth: (v) => formatExact(new Decimal(formatFixed(v, base.precision.display, base.precision.rounding))) };
  // Also on standard error: a CI log shows it whatever the report's format and destination.
  const unmeasured = (c: CardChange) => `${formatLocation(c.location)}: ${unmeasuredChange(c)}, ${unmeasuredWhy(c)}`;
  if (!options.failOnUnmeasured) {
    for (const c of result.unmeasured) told.say(visibleLines(`burnrate: warning: ${unmeasured(c)}: no gate measured it\n`));
    const more = result.refusedMore;
    if (more !== undefined) told.say(visibleLines(`burnrate: warning: ${refusedText(more, refusedUnits)}: charged nothing, ${options.failOver === undefined ? "no gate measured it" : "--fail-over judges its worth"}\n`));
  }
  // Said on standard error whatever the gates: credits customers lose are charged nothing, and a log read for "no change" misses them.
  const lost = result.money.lost;
  if (lost !== undefined && !result.failOver?.expired) {
    told.say(visibleLines(`burnrate: warning: ${lostText(lost, { unit: card.unit, currency: result.money.currency, zone: cardSettings.zone })}: ${options.failOver === undefined ? "no --fail-over to judge it" : `within --fail-over ${formatExact(options.failOver)}%`}\n`));
  }
  const findings = [
    ...(result.failOver?.credits ? [`total ${card.unit} rise by more than --fail-over ${options.failOver}%`] : []),
    ...(result.failOver?.money ? [`total money (${result.money.currency}) rises by more than --fail-over ${options.failOver}%: ${formatExact(result.money.total!.old)} → ${formatExact(result.money.total!.new)}`] : []),
    ...(result.failOver?.paidCredits ? [`${card.unit} drawn from paid grants rise by more than --fail-over ${options.failOver}% of the ${card.unit} charged: ${formatExact(result.money.paidDrawn.old)} → ${formatExact(result.money.paidDrawn.new)}, ${paidShare({ ...result.money.paidDrawn, percentOf: result.money.baseCredits }, card.unit, options.failOver)}`] : []),
    ...(result.failOver?.refused ? [refusedFinding(result.refusedMore!, { ...refusedUnits, percent: options.failOver!, base: result.comparison.total.old })] : []),
    ...(result.failOver?.expired ? [`${card.unit} customers lose to a changed expiry rise by more than --fail-over ${formatExact(options.failOver!)}% of the ${formatExact(result.comparison.total.old)} ${card.unit} the base card charged: ${lostText(lost!, { unit: card.unit, currency: result.money.currency, zone: cardSettings.zone })}`] : []),
    ...(result.failOver?.prices ? [`total ${card.unit} on the usage both cards serve rise by more than --fail-over ${options.failOver}%, by the prices: ${formatExact(result.comparison.served.old)} → ${formatExact(result.comparison.served.new)} (the events the new card refuses, charged nothing, left out)`] : []),
    ...result.gates.filter((g) => g.tripped.length > 0).map((g) => gateFinding(g, card.unit, cardSettings.zone)),
    ...result.gates.filter((g) => g.money.length > 0).map((g) => moneyGateFinding(g, { unit: card.unit, currency: result.money.currency, zone: cardSettings.zone })),
    ...(result.failOverLine && result.failOverLine.tripped.length > 0 ? [lineFinding(result.failOverLine, card.unit)] : []),
    ...(result.failOverLine?.rates ?? []).map((c) => `${formatLocation(c.location)}: ${c.path} rises from ${c.old} to ${c.new}, past --fail-over-line ${options.failOverLine}%`),
    ...(options.failOnUnmeasured ? result.unmeasured.map((c) => `${unmeasured(c)}, past --fail-on-unmeasured (add usage that exercises it to the corpus, so the gates can measure it)`) : []),
    ...(options.failOnUnmeasured && result.refusedMore !== undefined ? [`${refusedText(result.refusedMore, refusedUnits)}: charged nothing, past --fail-on-unmeasured`] : []),
    ...(options.failOnUnmeasured && otherCurrency !== undefined ? [`the base card prices money in ${otherCurrency}, the new card in ${result.money.currency}: no gate can compare their money, past --fail-on-unmeasured`] : []),
    ...(options.failOnUnmeasured && unpricedCredits !== undefined ? [`${unpricedCredits === "base" ? "the base card" : "the new card"} has no credit_price for the credits the usage buys: no gate can compare the money totals, past --fail-on-unmeasured`] : []),
    ...(options.strict && told.warnings.length > 0 ? [`diff gave ${told.warnings.length} warning(s) (--strict)`] : []),
  ];
  if (findings.length > 0) throw new Finding(findings.join("\nburnrate: "));
}

function signedChange(t: PricedLine | GateResult["tripped"][number] | MoneyChange, unit: string, limit?: Decimal): string {
  const change = delta(t);
  const percent = gatePercent({ old: t.old, new: t.new }, limit);
  return `${change.gt(0) ? "+" : ""}${formatExact(change)} ${unit}${percent === undefined ? ", from 0" : ` (${percent.gt(0) ? "+" : ""}${formatExact(percent)}%)`}`;
}

/** `--fail-over-line`: how many priced lines, and the largest rise, with its old and new cost over the corpus. */
function lineFinding(gate: LineGate, unit: string): string {
  const first = gate.tripped[0]!;
  return `${gate.tripped.length} priced line(s) past --fail-over-line ${formatExact(gate.percent)}%; largest: ${lineName(first)} ${formatExact(first.old)} → ${formatExact(first.new)} ${unit}, ${signedChange(first, unit, gate.percent)} over the usage`;
}

/** Paid credits drawn: the rise, and the share of the base card's credits it is, which the percentage gates judge. */
function paidShare(t: Totals & { percentOf: Decimal }, unit: string, limit?: Decimal): string {
  const share = gatePercent(t, limit);
  return `${delta(t).gt(0) ? "+" : ""}${formatExact(delta(t))} ${unit}${share === undefined ? ", from 0" : ` (${share.gt(0) ? "+" : ""}${formatExact(share)}% of the ${formatExact(t.percentOf)} ${unit} charged)`}`;
}

/** One line per gate a money item tripped: how many, and the largest, with its old and new amount. */
function moneyGateFinding(g: GateResult, units: { unit: string; currency: string; zone: Zone }): string {
  const first = g.money[0]!;
  const limitText = g.flag.endsWith("-amount") ? `${formatExact(g.limit)} ${units.unit}` : `${formatExact(g.limit)}%`;
  return `${g.money.length} money change(s) past ${g.flag} ${limitText}; largest: ${moneyItemName(first.item, units)} ${formatExact(first.old)} → ${formatExact(first.new)}, ${first.percentOf === undefined ? signedChange(first, units.currency, percentLimit(g)) : paidShare({ ...first, percentOf: first.percentOf }, units.unit, percentLimit(g))} in the cycle from ${units.zone.localDate(first.start)}, account ${first.account}`;
}

/**
 * How refused usage is told on standard error: its worth in the card's unit to the base card's display places at most
 * (red59b F10: a worth at a meter's average price read `17324.967879 → 31919.559679 credits`), the cycles in the
 * account's zone.
 */
interface RefusedUnits {
  unit: string;
  zone: Zone;
  worth: (credits: Decimal) => string;
}

/** A refused row: how much of the meter each card refused, and what that is worth at the base card's prices. */
function refusedRowText(r: RefusedRow, units: RefusedUnits): string {
  const worth = r.priced ? `worth ${units.worth(r.old)} → ${units.worth(r.new)} ${units.unit} ${worthAt(r)}` : "worth unknown (neither card charged anything for the meter to price it by)";
  return `${r.meter} ${formatExact(r.quantity.old)} → ${formatExact(r.quantity.new)} refused (${r.events.old} → ${r.events.new} events), ${worth}, in the cycle from ${units.zone.localDate(r.start)}, account ${r.account}`;
}

/**
 * The usage the new card refuses more of, by quantity and worth, not by events alone: one 10,000-fetch row refused
 * where the old card refused one of 1,000 is as many events and ten times the usage (red team, stop 38).
 */
function refusedText(more: RefusedMore, units: RefusedUnits): string {
  return `more usage refused under the new card, in ${more.rows.length} meter(s) of the accounts' cycles that refuse more of it (${more.old} → ${more.new} events, worth ${units.worth(more.worth.old)} → ${units.worth(more.worth.new)} ${units.unit} ${worthAtAll(more.rows)}); largest: ${refusedRowText(largestRefused(more), units)}`;
}

/** The credits lost to a changed expiry: how many, of which the paid and their money, and the largest account's cycle. */
function lostText(lost: CreditsLost, units: { unit: string; currency: string; zone: Zone }): string {
  const largest = [...lost.rows].sort((a, b) => delta(b).comparedTo(delta(a)))[0]!;
  const worth = lost.worth === undefined ? "" : `, worth ${formatExact(delta(lost.worth))} ${units.currency}`;
  const paid = delta(lost.paid).isZero() ? "" : `; ${formatExact(delta(lost.paid))} of them paid${worth}`;
  const rule = (r: string | undefined) => r ?? "none";
  return `customers lose ${formatExact(delta(lost.credits))} ${units.unit} that did not expire before (${formatExact(lost.credits.old)} → ${formatExact(lost.credits.new)}${paid}); largest: ${largest.kind} (expiry ${rule(largest.rule.old)} → ${rule(largest.rule.new)}) ${formatExact(largest.old)} → ${formatExact(largest.new)} ${units.unit} lost in the cycle from ${units.zone.localDate(largest.start)}, account ${largest.account}`;
}

/** `--fail-over` on the refused usage's worth, as a share of the credits the base card charged. */
function refusedFinding(more: RefusedMore, limit: RefusedUnits & { percent: Decimal; base: Decimal }): string {
  const share = gatePercent({ ...more.worth, percentOf: limit.base }, limit.percent);
  const size = share === undefined ? "from 0" : `${share.gt(0) ? "+" : ""}${formatExact(share)}% of the ${formatExact(limit.base)} ${limit.unit} it charged`;
  const unpriced = more.rows.some((r) => !r.priced) ? ", and some of it has no price to be worth anything at (fail closed)" : "";
  return `usage refused under the new card rises by more than --fail-over ${formatExact(limit.percent)}%: worth ${limit.worth(more.worth.old)} → ${limit.worth(more.worth.new)} ${limit.unit} ${worthAtAll(more.rows)} (${size})${unpriced}, in ${more.rows.length} meter(s) of the accounts' cycles; largest: ${refusedRowText(largestRefused(more), limit)}`;
}

/** A percentage gate's limit, which its findings' shares are said beside; none for an -amount gate's. */
const percentLimit = (g: GateResult): Decimal | undefined => (g.flag.endsWith("-amount") ? undefined : g.limit);

/** One line per tripped gate: how many meters, and the largest of them. */
function gateFinding(g: GateResult, unit: string, zone: Zone): string {
  const first = g.tripped[0]!;
  const size = signedChange(first, unit, percentLimit(g));
  const moved = refusalsMoved(first);
  const limitText = g.flag.endsWith("-amount") ? `${formatExact(g.limit)} ${unit}` : `${formatExact(g.limit)}%`;
  return `${g.tripped.length} meter change(s) past ${g.flag} ${limitText}; largest: ${first.meter} ${size} in the cycle from ${zone.localDate(first.start)}, account ${first.account}`
    + (moved ? ` (credits ran out ${moved})` : "");
}

/**
 * A row of a meter the new card renamed, written alike: the new card cannot price it under its old name, as a log of
 * the old name would fail in production. Said, with the way to measure the rename: the corpus renamed too (newcomer58b
 * M1: `unknown meter "page_ocr"` gave no hint of the new card's `ocr_page`).
 */
function renameHint(e: UserError, renamed: ReadonlyMap<string, string>): UserError {
  if (e instanceof UserErrors) return new UserErrors(e.errors.map((x) => renameHint(x, renamed)));
  const to = [...renamed].find(([, old]) => e.problem.startsWith(`unknown meter ${shown(old)} in the new card`))?.[0];
  if (to === undefined) return e;
  return new UserError(e.problem, e.location, `${e.expected}; the new card renames it ${shown(to)}, written alike: rename it in the usage too (its rows cost alike under both cards, the base card pricing them as ${shown(renamed.get(to)!)}'s), or keep the old name beside the new`, e.found);
}
