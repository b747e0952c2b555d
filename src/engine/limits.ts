import type { Decimal } from "../money.js";
import type { Meter } from "../ratecard/types.js";
import type { Instant } from "../time.js";
import { min, NO_CREDITS, type Credits } from "./credits.js";
import type { UsageEvent } from "./types.js";
import { TimelineApplication } from "./timeline-application.js";
import type { AccountRun, Dimensions } from "./replay-state.js";
import { BALANCE_RULES, CHARGE_CHECKS, PAYING_RULES, type RuleContext, type UsageCharge } from "./rules.js";
import { CheckRooms } from "./check-rooms.js";
import { endedReason, isEndedReason, planServes } from "./subscription-end.js";

/** A charge refused: by a check (rules.ts), or for want of credits. */
export interface Refused {
  readonly meter: Meter;
  readonly reason: string;
  readonly quantity: Decimal;
  readonly at: Instant;
  /** None for a cycle-start charge, which no check refuses and no count of events counts, and for a known row's (knownRow). */
  readonly event: UsageEvent | undefined;
  /** A row priced on the known path, without an event: counted as an event's refusal. */
  readonly knownRow?: true;
  /** The quantity in millionths, where the known path has it as a safe count. */
  readonly count?: number;
  readonly outOfCredits: boolean;
  /** What it would have been charged; none where it was not priced whole (a split row's rest). */
  readonly credits?: Credits;
}


const CREDITS_EXHAUSTED = "credits exhausted";
const GRACE_EXHAUSTED = "grace buffer exhausted";

/** Whether a refusal's reason is one exhaustedReason gives: refused for want of credits, as opposed to a quota, a limit or a gate. */
export const refusedForCredits = (reason: string): boolean => reason === CREDITS_EXHAUSTED || reason === GRACE_EXHAUSTED || isEndedReason(reason);
/** The rules of rules.ts applied to the replay's runs: what refuses a charge the credits could pay, what an accepted one records, what its balance sets off. */
export abstract class Limits extends TimelineApplication {
  /** What the rules read of the replay. */
  protected readonly rules: RuleContext = ((replay: Limits): RuleContext => ({
    get card() {
      return replay.card;
    },
    scale: replay.scale,
    dayOf: (at) => replay.setup.calendar.zone.localDate(at),
    nextDay: (at) => replay.setup.calendar.zone.nextLocalDay(at),
    limitCredits: (limit) => replay.limitCredits(limit),
    runOf: (account) => replay.runs.get(account),
    runAt: (account, at) => {
      // The account nothing names (ReplaySetup.unnamed) is no more a customer than any other name (red61 F2).
      if (!replay.runs.has(account) && (!replay.setup.accounts.has(account) || account === replay.setup.unnamed)) {
        replay.rewardMade.add(account);
        // Its plan's entries are not a creator's, unless a row or a purchase of its makes it a customer (red62b F7).
        if (!replay.setup.purchases.some((p) => p.account === account)) replay.ledger?.hold(account);
      }
      const run = replay.run(account);
      replay.advance(run, at);
      return run;
    },
  }))(this);

  /**
   * The rooms the checks declare (rules.ts), numbered for the known path: a charge target's list of them
   * (CheckRooms.of) is empty where no check applies (then nothing but the credits can refuse it and nothing
   * but its line counts it, and neither refusal() nor account() needs to run), undefined where one has none.
   */
  protected readonly checkRooms = new CheckRooms(this.rules, this.units);

  /** The rooms are numbered afresh with the targets that list them (CheckRooms.clear). */
  protected override dropCaches(): void {
    super.dropCaches();
    this.checkRooms.clear();
  }

  /** Why a charge that credits could pay for is still refused: the first check that applies and refuses. */
  protected refusal(charge: UsageCharge): string | undefined {
    for (const check of CHARGE_CHECKS) {
      if (!check.applies(this.rules, charge.run, charge.meter, charge.dims)) continue;
      const reason = check.refuses(this.rules, charge);
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  /** What the checks note of usage that is charged or refused as a charge is, on either path (ChargeCheck.sees). */
  protected seen(run: AccountRun, dims: Dimensions): void {
    for (const check of CHARGE_CHECKS) check.sees?.(this.rules, run, dims);
  }

  /** What an accepted charge records: its quota, day and budget spend, its creator's reward. */
  protected account(charge: UsageCharge): void {
    for (const check of CHARGE_CHECKS) if (check.applies(this.rules, charge.run, charge.meter, charge.dims)) check.records(this.rules, charge);
  }

  /** What a paid charge's new balance sets off: exhausted credits, warning levels crossed, a low balance. */
  protected override afterCharge(run: AccountRun, paid: { amount: Credits; at: Instant }): void {
    for (const rule of BALANCE_RULES) rule.after(this.rules, run, paid);
  }

  /** What the balance a charge is about to be paid from sets: the low-balance alert re-armed. */
  protected beforePay(run: AccountRun): void {
    for (const rule of PAYING_RULES) rule.paying(this.rules, run);
  }

  /** How far the run's balance may fall in charges with no balance rule set off; below zero when one is due already. */
  protected headroom(run: AccountRun): Credits {
    let room: Credits | undefined;
    for (const rule of BALANCE_RULES) {
      const r = rule.headroom(this.rules, run);
      if (r !== undefined) room = room === undefined ? r : min(room, r);
    }
    return room ?? NO_CREDITS;
  }

  protected limitCredits(limit: Decimal): Credits {
    let credits = this.limits.get(limit);
    if (credits === undefined) this.limits.set(limit, (credits = this.scale.of(limit)));
    return credits;
  }

  protected exhaustedReason(run: AccountRun, pool: string): string {
    if (!planServes(run)) return endedReason(run);
    return run.cycle.graceLimit(pool) > NO_CREDITS ? GRACE_EXHAUSTED : CREDITS_EXHAUSTED;
  }

  protected reject(run: AccountRun, refused: Refused): void {
    if (refused.event !== undefined || refused.knownRow === true) this.counts.rejected++;
    const credits = this.worthOf === undefined ? refused.credits : this.weighed(refused);
    run.cycle.reject({ meter: refused.meter.key, reason: refused.reason, quantity: refused.quantity, count: refused.count, at: refused.at, origin: refused.event?.origin, credits });
    if (refused.outOfCredits) run.cycle.markExhausted(refused.at);
  }

  /** Where the setup weighs refused rows at other prices (ReplaySetup.refusalWorth): the known path leaves them to the full one, which has their rows. */
  protected readonly worthOf = this.setup.refusalWorth?.on(this.setup.calendar);

  /** A refused row at the prices the setup weighs refusals at; where they cannot weigh it (a charge no row made, a cycle start's), its own charge or none. */
  private weighed({ event, quantity, credits }: Refused): Credits | undefined {
    const worth = event === undefined ? undefined : this.worthOf!(event, quantity);
    if (worth !== undefined) return this.scale.of(worth);
    return this.setup.refusalWorth!.ownElse ? credits : undefined;
  }
}
