import type { Statement } from "../engine/types.js";
import type { RateCard } from "../ratecard/types.js";
import type { AccountSettings } from "../account/account.js";
import { grantOnlyAccounts, grantOnlyNote, idleIn, lookalikeAccounts, lookalikeWarnings, unnamedAccountsNote } from "../account/lookalikes.js";
import { limitKeyMisses, limitKeyWarning } from "../account/limit-keys.js";
import type { SkippedRows } from "../usage/skipped-rows.js";
import { visibleLines } from "../render/shared/escape.js";
import { noRowsNote } from "./no-rows-note.js";
import { noValueIdWarnings, repeatsNote } from "./repeats-note.js";
import { quotaRefusalsNote } from "./quota-note.js";
import { spilloverNote } from "./spillover-note.js";
import { exportEndNote } from "./export-end-note.js";
import { ownAccountNote, unnamedChangesNote } from "./own-account-note.js";
import { lateChangesNote } from "./late-changes-note.js";
import { waitingNotes } from "./waiting-note.js";
import { fallbackWarnings } from "./fallback-warnings.js";
import { freeEventsWarnings } from "./free-events-warning.js";
import type { Period } from "../render/statement/period.js";
import type { Told } from "./told.js";

/** A statement's replay and what it was of: what the notes and warnings about it read. */
export interface Replayed {
  card: RateCard;
  settings: AccountSettings;
  result: Statement;
  usage: readonly string[];
  skipped: SkippedRows;
  /** --cycle's text and period, where one was asked. */
  cycle?: { asked: string; period: Period };
  /** What the report is: the statement, or its ledger (--ledger). */
  report: "statement" | "ledger";
}

/**
 * What `statement` says about its replay, the same whether it writes the statement or its ledger: the ledger's JSON and
 * CSV, written as the replay goes, said none of the statement's warnings, so `--ledger --strict` passed a customer id
 * typo the statement fails on (red71a M1). Said in two parts, around --cycle's check that the period holds cycles:
 * `replay` of the whole replay, `shown` of the cycles the period shows (`shown`, the statement cut to them).
 */
export class ReplayNotes {
  private readonly idle: (name: string) => boolean;
  private readonly lookalikes: ReturnType<typeof lookalikeAccounts>;

  constructor(private readonly told: Told, private readonly run: Replayed) {
    // A named account's cycles are read only where a usage account is a character from its name.
    this.idle = idleIn(run.result.accounts);
    this.lookalikes = lookalikeAccounts(run.settings, run.result.accounts.map((a) => a.account), this.idle);
  }

  replay(): void {
    const { told, idle, lookalikes } = this;
    const { card, settings, result, usage, skipped, cycle } = this.run;
    // Through visibleLines as every other: a usage account's name is the data's, control characters and all (red71a L4).
    for (const warning of lookalikeWarnings(settings, lookalikes)) told.say(visibleLines(warning));
    const grantOnly = grantOnlyAccounts(settings, lookalikes, idle, result.accounts.some((a) => !idle(a.account)));
    const notes = [
      unnamedAccountsNote(settings, result.accounts, lookalikes, grantOnly),
      quotaRefusalsNote(settings, result),
      grantOnlyNote(settings, grantOnly),
      spilloverNote(result, settings, { cycle: cycle?.asked }),
      exportEndNote(result, settings, cycle?.period),
      noRowsNote(result, usage, `the ${this.run.report} holds the plans' fees and the grants, without usage`),
      repeatsNote(result),
      ...noValueIdWarnings(result),
      ...fallbackWarnings(card, result),
      ...freeEventsWarnings(card, result),
      ...waitingNotes(settings, result),
      ...limitKeyMisses(card, settings, result, skipped.fallbacks.values()).map(limitKeyWarning),
    ];
    for (const note of notes) if (note !== undefined) told.say(visibleLines(note));
  }

  shown(shown: Statement): void {
    const { card, settings, result } = this.run;
    for (const note of [ownAccountNote(card, settings, shown, this.lookalikes, this.idle), unnamedChangesNote(settings, result), lateChangesNote(settings, result)]) {
      if (note !== undefined) this.told.say(visibleLines(note));
    }
  }
}
