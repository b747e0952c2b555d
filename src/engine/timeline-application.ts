import { formatLocation, UserError } from "../errors.js";
import { ZERO, type Decimal } from "../money.js";
import { INCLUDED, type GrantKind, type RateCard } from "../ratecard/types.js";
import { PURCHASE_KINDS, sells } from "../ratecard/purchases.js";
import { Calendar, formatInstant, type Instant } from "../time.js";
import { NO_CREDITS, type Credits } from "./credits.js";
import { PriceBook } from "./pricing.js";
import type { AccountChange, AccountTerms, GrantPurchase, Statement, TimelineEntry, WaitingChange } from "./types.js";
import type { AccountRun } from "./replay-state.js";
import { changeDirection, changedTerms, describeChange, lapsedByCap, termsOnVersion, upgradeGrant, waitingChange, waitingText, type TimelineItem } from "./timeline.js";
import { AccountRuns, outlivesCycle } from "./account-runs.js";
import { FAR_CYCLES } from "./replay-state.js";
import { endsWithSubscription } from "./subscription-end.js";

/**
 * An account's latest change that waited for a cycle's end: where it was written and when due, its row (`entry`), the
 * re-statements since that say it still waits (`said`), and what ended its wait before it applied, if anything did.
 */
interface Waited {
  waiting: WaitingChange;
  entry: TimelineEntry;
  said: TimelineEntry[];
  ended?: string;
}

const NO_SWITCHES: readonly { card: RateCard; at: Instant }[] = [];

/** Purchases and timeline changes (card versions, terms) applied in time order among the events. */
export abstract class TimelineApplication extends AccountRuns {
  /** Apply the purchases and timeline changes due by `at`, in time order (a change before a purchase at one instant). */
  protected applyDueUntil(at: Instant): void {
    for (;;) {
      const purchaseAt = this.purchases[this.nextPurchase]?.at ?? Infinity;
      const changeAt = this.timeline.nextAt();
      if (changeAt === Infinity && purchaseAt === Infinity) break;
      if (changeAt <= at && changeAt <= purchaseAt) {
        // After the last cycle, with no purchase left to extend the statement, a change has nothing to show.
        if (changeAt >= this.setup.calendar.start(this.lastCycle + 1) && purchaseAt === Infinity) this.timeline.drop();
        else this.applyTimeline(this.timeline.take());
      } else if (purchaseAt <= at) {
        this.applyPurchase();
      } else break;
      this.nextDueAt = Math.min(this.purchases[this.nextPurchase]?.at ?? Infinity, this.timeline.nextAt());
    }
  }

  protected applyPurchase(): void {
    const p = this.purchases[this.nextPurchase++]!;
    if (p.at >= this.farFrom) throw new UserError(`grant more than ${FAR_CYCLES} cycles after the anchor ${formatInstant(this.setup.calendar.start(0))}`, p.origin, `an instant before ${formatInstant(this.farFrom)}, or --through a date in its cycle`, formatInstant(p.at));
    const index = this.setup.calendar.indexOf(p.at);
    if (index < 0) throw new UserError("grant before the first cycle", p.origin, "an instant on or after the anchor", formatInstant(p.at));
    this.lastCycle = Math.max(this.lastCycle, index);
    this.lastInstant = Math.max(this.lastInstant, p.at);
    // Another part's account (ReplaySetup.part): its purchase reaches the statement's last cycle here as there, and is billed there.
    if (this.setup.part?.has(p.account) === false) return;
    const run = this.run(p.account);
    this.advance(run, p.at);
    if (!p.asGiven && !sells(run.terms.plan, p.kind)) this.refuseUnsold(p, run.terms.plan.key);
    // After the subscription's end no plan is in force to sell credits (red team, stop 37: top-ups were sold to an ended account).
    const end = run.subscriptionEnd;
    // Whatever plan a what-if asks about (--plan, whose purchases are kept as given): the end is the account's.
    if (end !== undefined && p.at >= end && PURCHASE_KINDS.includes(p.kind)) {
      throw new UserError(`${p.kind} bought after the subscription ended`, p.origin, `a purchase before the subscription's end (${formatInstant(end)}): after it no plan is in force to sell ${p.kind}`, formatInstant(p.at));
    }
    const kind = this.card.grantKinds.get(p.kind)!;
    const expiry = this.expiryOf(kind, p.at, run.cycle.end, run);
    run.wallet.add(kind, this.scale.of(p.amount), p.at, p.until !== undefined && (expiry === undefined || p.until < expiry) ? p.until : expiry);
    run.cycle.granted(p.kind, p.amount);
    this.log(run, { at: p.at, type: "payment", grant: p.kind, amount: p.amount });
  }

  /**
   * A purchase recorded while the plan in force sells none (`topups: false`) is a
   * fact the account file gets wrong: the purchase's instant or the plan change
   * before it. Credits bought earlier on a plan that sold them stay usable.
   */
  private refuseUnsold(p: GrantPurchase, plan: string): never {
    const change = [...(this.setup.changes ?? [])].reverse().find((c) => c.account === p.account && c.at <= p.at && c.change.kind === "plan" && c.change.plan.key === plan);
    const since = change === undefined ? "from the anchor" : `since the change at ${formatLocation(change.origin)}`;
    throw new UserError(`${p.kind} bought while the account is on plan ${plan} (${since}), which sells none`, p.origin, `a purchase while the plan in force sells ${p.kind} (${plan} has topups: false in the card)`, formatInstant(p.at));
  }

  protected applyTimeline(item: TimelineItem): void {
    if (item.kind === "change" && this.setup.part?.has(item.change.account) === false) return;
    // What the known rows deferred is taken at the terms they were priced at.
    this.settleDeferred();
    if (item.kind === "version") this.switchVersion(item.card, item.at);
    else this.changeTerms(item.change);
    this.dropCaches();
  }

  /**
   * A new card version prices everything from `at` on. Every account's clock
   * is first brought to just before it, so that cycles it closes and opens
   * on the way (and their cycle-start charges) are priced by the old one.
   */
  protected switchVersion(card: RateCard, at: Instant): void {
    for (const run of this.runList) this.advance(run, at - 1);
    this.inForce(card);
    this.switchedAt.set(card.version, at);
    this.switches.push({ card, at });
    for (const run of this.runList) this.switchRun(run, card, at);
  }

  /** The versions switched in, in order: a run made later is brought through those after the anchor (run). */
  private readonly switches: { card: RateCard; at: Instant }[] = [];

  /** Each version's price book, kept: a run made late is brought through the versions again (run), a book each. */
  private readonly books = new Map<RateCard, PriceBook>();

  private inForce(card: RateCard): void {
    this.card = card;
    this.book = this.books.get(card) ?? new PriceBook(this.namedValues);
    this.books.set(card, this.book);
    this.version = card.version;
  }

  /** A run's clock, just before `at`, on the version switching in then. */
  private switchRun(run: AccountRun, card: RateCard, at: Instant): void {
    const before = run.terms;
    run.terms = termsOnVersion(run.terms, card, run.id);
    if (run.pending !== undefined) run.pending = termsOnVersion(run.pending, card, run.id);
    // A version from the instant a cycle ends prices the next cycle, which opens on it: the ending cycle's money is
    // its own version's (red team, stop 36: November's fee at December's price).
    if (at < run.cycle.end) run.cycle.version = card.version;
    // A grandfathered version (`applies: next_cycle`) switches at a cycle start of the anchor's calendar: inside the
    // cycle of a run whose upgrade started its own (`new_cycle`), where it resizes as one at once does (red62 F1).
    if (at < run.cycle.end) this.resizeAtSwitch(run, before, at);
  }

  /**
   * An account's run made once versions have switched in after the anchor (a row, change or purchase of an account the
   * account file does not name): opened at the anchor on the version in force then, and brought through each switch
   * since, as a run made at the start is (red62b F2: it opened on the version in force at its first row, with that
   * version's allowance from the anchor, and a plan no version at the anchor had). The version in force is put back
   * as it was, its price book the same object, so that what the other runs' shapes learnt of it stands.
   */
  protected override run(account: string): AccountRun {
    // Asked a row on the full path: an account's run found is returned before anything else is worked out.
    const made = this.runs.get(account);
    if (made !== undefined) return made;
    const anchor = this.setup.calendar.start(0);
    const since = this.switches.length === 0 ? NO_SWITCHES : this.switches.filter((s) => s.at > anchor);
    if (since.length === 0) return super.run(account);
    const now = { card: this.card, book: this.book, version: this.version };
    this.inForce(this.switches.filter((s) => s.at <= anchor).at(-1)?.card ?? this.setup.versions![0]!.card);
    const run = super.run(account);
    for (const { card, at } of since) {
      this.advance(run, at - 1);
      this.inForce(card);
      this.switchRun(run, card, at);
    }
    this.card = now.card;
    this.book = now.book;
    this.version = now.version;
    return run;
  }

  /**
   * A version that changes the plan in force inside a cycle: its allowance, grace share and warning levels apply
   * from the switch, as the version's price is the whole cycle's (red team, stop 37: November billed 12 USD for
   * 1,500 credits, with 1,000 granted). An allowance raised grants the difference at once (prorated where the card
   * prorates upgrades; a version restarts no cycle, so `new_cycle` grants the difference too); an allowance lowered
   * removes the included credits above the new one at once, whatever `plan_changes.downgrade` says: a grandfathered
   * version (`applies: next_cycle`) is the way to keep a cycle's terms. Shown as an allowance change at the switch.
   */
  private resizeAtSwitch(run: AccountRun, before: AccountTerms, at: Instant): void {
    const after = run.terms;
    if (after === before) return;
    // After the subscription's end the plan gives nothing: a version's allowance grants or removes nothing then, as a
    // plan or allowance change does not (red team, stop 37: July showed 60 granted beside "no included credits").
    // At the end's own instant too, before the end is applied there (red team, stop 37: a version and the end at one midnight).
    const end = run.subscriptionEnd;
    if (run.ended !== undefined || (end !== undefined && at >= end)) return;
    run.cycle.retarget(after.plan, after.allowance, at);
    const direction = after.allowance.cmp(before.allowance);
    if (direction === 0) return;
    const entry: TimelineEntry = { at, change: "allowance", from: before.allowance.toFixed(), to: after.allowance.toFixed(), granted: ZERO, removed: ZERO, appliesAt: undefined };
    if (direction > 0) {
      const prorated = this.card.planChanges.upgrade === "prorated";
      entry.granted = prorated ? upgradeGrant(this.card, before.allowance, after.allowance, run.cycle, at) : after.allowance.minus(before.allowance);
      this.grantIncluded(run, entry.granted, at);
    } else {
      entry.removed = this.removeIncluded(run, before.allowance.minus(after.allowance), at);
    }
    run.cycle.note(entry);
    this.afterCharge(run, { amount: NO_CREDITS, at });
  }

  /** Included credits granted at once (an upgrade, a version's larger allowance): they reset with the cycle. */
  private grantIncluded(run: AccountRun, amount: Decimal, at: Instant): void {
    if (!amount.gt(0)) return;
    const included = this.card.grantKinds.get(INCLUDED)!;
    run.wallet.add(included, this.scale.of(amount), at, this.expiryOf(included, at, run.cycle.end, run));
    run.cycle.granted(INCLUDED, amount);
    this.log(run, { at, type: "allowance", grant: INCLUDED, amount });
  }

  /** Included credits taken away at once, at most those left (a downgrade at once, a version's smaller allowance): shown as expired; returns what was taken. */
  private removeIncluded(run: AccountRun, amount: Decimal, at: Instant): Decimal {
    const removed = run.wallet.remove(INCLUDED, this.scale.of(amount));
    run.cycle.expired(INCLUDED, removed);
    const taken = this.scale.decimal(removed);
    if (removed > NO_CREDITS) this.log(run, { at, type: "expiry", grant: INCLUDED, amount: taken.neg() });
    return taken;
  }

  /**
   * An account's terms change at `change.at`. At a cycle start the new cycle
   * simply opens on them. Inside a cycle, an overage switch or a new
   * subscription end applies at once; a plan or allowance change follows the
   * card's plan_changes: an upgrade grants included credits now, a downgrade
   * waits for the next cycle or removes included credits now.
   */
  protected changeTerms(c: AccountChange): void {
    if (c.change.kind === "cancel_scheduled") return this.cancelScheduled(c);
    if (this.opensFirstCycle(c)) return;
    const run = this.run(c.account);
    this.advance(run, c.at - 1);
    const before = run.terms;
    const after = this.termsAfter(before, c);
    if (after !== before && (c.change.kind === "plan" || c.change.kind === "allowance")) this.checkBeforeEnd(run, c);
    const values = describeChange(before, c.change, run.subscriptionEnd);
    const entry: TimelineEntry = { at: c.at, change: c.change.kind, ...values, granted: ZERO, removed: ZERO, appliesAt: undefined };
    const newCycle = c.at >= run.cycle.end;
    if (c.change.kind === "subscription_end") {
      const earlier = run.subscriptionEnd;
      run.subscriptionEnd = c.change.end;
      run.endChange = entry;
      // An end moved later releases what an earlier end capped (not yet lapsed): back to its own expiry, then capped at the
      // new end. Capped by a change (run.capped) or at their grant by the account's own end (expiryOf): both expire at it.
      const released = new Set([...(run.capped?.keys() ?? []), ...(earlier === undefined ? [] : run.wallet.expiringAt(earlier, endsWithSubscription))]);
      if (released.size > 0) {
        run.capped?.clear();
        run.wallet.setExpiry(released, (g) => this.ownExpiry(g.kind, g.grantedAt, run.cycle.end));
      }
      const moved = run.wallet.capExpiry(c.change.end, endsWithSubscription);
      run.capped ??= new Map();
      for (const grant of moved) run.capped.set(grant, entry);
      entry.capped = moved.reduce((sum, g) => sum.plus(this.scale.decimal(g.remaining)), ZERO);
      if (!newCycle && run.ended !== undefined && c.change.end > c.at) this.restorePlan(run, entry);
    }
    const sizing = c.change.kind === "plan" || c.change.kind === "allowance";
    // The plan in force named again changes nothing, a change waiting for the cycle's end included (red team, stop 37:
    // a restated plan cancelled a pending allowance cut).
    const restated = sizing && after === before;
    // An allowance agreed for the plan in force replaces an allowance waiting for it, not a change of plan waiting
    // (red team, stop 37: an allowance restated after a downgrade was asked cancelled the downgrade).
    const otherPlanWaits = run.pending !== undefined && run.pending.plan.key !== before.plan.key;
    // The plan in force named again re-states it, at a cycle's start too, where a downgrade waited for: a CRM export
    // states the plan each night at 00:00, and the one of 1 November still says yesterday's (red72d H1: naming it there
    // took back the downgrade, and an allowance cut with it, +320 USD in November). cancel_scheduled takes them back.
    const replaces = c.change.kind === "plan" ? !restated : c.change.kind === "allowance" && !otherPlanWaits;
    const waited = this.waited.get(run.id);
    if (replaces && run.pending !== undefined && waited !== undefined) this.endWait(waited, `was replaced by the change at ${formatLocation(c.origin)}`);
    if (replaces) run.pending = undefined;
    else if (!restated && !(c.change.kind === "allowance" && otherPlanWaits) && run.pending !== undefined) run.pending = changedTerms(run.pending, c.change);
    // A plan named again (or an allowance agreed beside a downgrade waiting) leaves what waits: said with the change, as
    // "at once" alone read as if the downgrade were undone (newcomer72a H2).
    if (run.pending !== undefined && waited !== undefined && (restated || (c.change.kind === "allowance" && otherPlanWaits))) {
      entry.stillWaits = { ...waited.waiting, restatedAt: c.origin };
      waited.said.push(entry);
    }
    if (newCycle) {
      run.terms = after;
      this.advance(run, c.at);
      run.cycle.note(entry);
      return;
    }
    const cycle = run.cycle;
    // After the subscription's end the plan gives nothing: a plan or allowance change then grants or removes nothing.
    const direction = sizing && run.ended === undefined ? changeDirection(before, after) : 0;
    // At the start of the first cycle (already open) the next cycle is this one: a downgrade applies at once.
    if (direction < 0 && this.card.planChanges.downgrade === "next_cycle" && c.at !== cycle.start) {
      // An allowance cut beside a downgrade waiting is the plan in force's: the downgrade opens the next cycle on its own
      // plan's allowance, so the cut changes nothing and the downgrade still waits (docs/timelines.md; red72c H1: the cut
      // took the downgrade's place, and November was billed scale 349 under a note saying starter still applied).
      if (c.change.kind === "allowance" && otherPlanWaits) return cycle.note(entry);
      run.pending = after;
      const waits = { ...entry, appliesAt: cycle.end };
      this.waited.set(run.id, { waiting: waitingChange(before, after, cycle.end, c.origin), entry: waits, said: [] });
      cycle.note(waits);
      return;
    }
    if (direction > 0 && this.card.planChanges.upgrade === "new_cycle" && c.at !== cycle.start) {
      run.terms = after;
      this.startCycleAt(run, entry);
      return;
    }
    run.terms = after;
    cycle.retarget(after.plan, run.ended === "cycle" ? ZERO : after.allowance, c.at);
    if (direction > 0) {
      entry.granted = upgradeGrant(this.card, before.allowance, after.allowance, cycle, c.at);
      this.grantIncluded(run, entry.granted, c.at);
    } else if (direction < 0) {
      entry.removed = this.removeIncluded(run, before.allowance.minus(after.allowance), c.at);
    }
    cycle.note(entry);
    // A smaller allowance (or credits removed) may put the cycle past warning levels, or below the low-balance
    // level, with no charge: they are reached at the change, not at the next charge paid (if any is).
    this.afterCharge(run, { amount: NO_CREDITS, at: c.at });
  }

  /**
   * Each account's latest change that waited for a cycle's end, and, where something ended its wait before it applied
   * (a change that replaced it, a cancellation), what: a cancellation that finds nothing waiting says what became of it.
   */
  private readonly waited = new Map<string, Waited>();

  /**
   * What waited ends before it applies (replaced, taken back): the re-statements that said it still waits no longer
   * say so, nor does the note made of them (red72c M1: "the downgrade to starter still applies" beside a cancellation).
   * Only those in the open cycle are changed: a closed cycle's statement is kept as it closed (it may be spilled).
   */
  private endWait(waited: Waited, ended: string): void {
    waited.ended = ended;
    for (const said of waited.said) delete said.stillWaits;
    waited.said.length = 0;
  }

  /**
   * `cancel_scheduled: true` takes back what waits for the cycle's end, and the terms in force stay (newcomer72a H2: a
   * customer who changed their mind about a downgrade could not say so, as a plan named again changes nothing by
   * design). At a cycle's start it is taken back before the cycle opens on it, as a change there opens the cycle.
   * With nothing waiting it is refused, saying what became of the last change that waited.
   */
  private cancelScheduled(c: AccountChange): void {
    const run = this.run(c.account);
    this.advance(run, c.at - 1);
    // After the end no plan is in force, nor a change waiting for it, as for a plan or allowance change (red72c M3: a
    // cancel after the end was taken, and changed the plan a later end restored).
    this.checkBeforeEnd(run, c);
    const waited = this.waited.get(run.id);
    if (run.pending === undefined || waited === undefined) {
      const last = waited === undefined ? "no downgrade or allowance cut waited before it" : `${waitingText(waited.waiting)} (${formatLocation(waited.waiting.origin)}) ${waited.ended ?? `applied at ${formatInstant(waited.waiting.appliesAt)}`}, before this`;
      throw new UserError("cancel_scheduled with nothing waiting for the cycle's end", c.origin, "a change waiting at this instant (a downgrade under plan_changes.downgrade: next_cycle, or an allowance cut), or no cancel_scheduled entry", last);
    }
    const entry: TimelineEntry = { at: c.at, change: c.change.kind, ...describeChange(run.terms, c.change, run.subscriptionEnd, waited.waiting), granted: ZERO, removed: ZERO, appliesAt: undefined, tookBack: waited.waiting };
    run.pending = undefined;
    this.endWait(waited, `was taken back at ${formatInstant(c.at)} (${formatLocation(c.origin)})`);
    if (c.at >= run.cycle.end) this.advance(run, c.at);
    run.cycle.note(entry);
  }

  /**
   * After the subscription's end no plan is in force to change, nor its allowance: a plan or allowance change then is
   * refused (red62 F3: the cycle was billed a plan that never served; red62b F4: it showed an allowance never granted).
   */
  private checkBeforeEnd(run: AccountRun, c: AccountChange): void {
    const end = run.subscriptionEnd;
    if (end === undefined || c.at < end) return;
    throw new UserError(`${c.change.kind} change after the subscription ended`, c.origin, `a change before the subscription's end (${formatInstant(end)}), or a subscription_end change before it that moves the end later: after the end no plan is in force to change`, formatInstant(c.at));
  }

  /**
   * An end moved later, made after the plan ended, restores it from the change on: it serves again (grace, overage).
   * A cycle that opened after the earlier end (no fee, no credits) is the subscription's again, so it owes its fee
   * (planBilled: the end at its close is past its start) and gets its allowance now, in full as the fee is. Credits
   * that lapsed at the earlier end stay lapsed: what is given back is what had not yet (docs/timelines.md).
   */
  private restorePlan(run: AccountRun, entry: TimelineEntry): void {
    const opened = run.ended === "cycle";
    run.ended = undefined;
    if (!opened) return;
    run.cycle.endedAt = undefined;
    const { plan, allowance } = run.terms;
    run.cycle.retarget(plan, allowance, entry.at);
    if (!allowance.gt(0)) return;
    const included = this.card.grantKinds.get(INCLUDED)!;
    run.wallet.add(included, this.scale.of(allowance), entry.at, this.expiryOf(included, entry.at, run.cycle.end, run));
    run.cycle.granted(INCLUDED, allowance);
    this.log(run, { at: entry.at, type: "allowance", grant: INCLUDED, amount: allowance });
    entry.granted = allowance;
  }

  /** What a paid charge's new balance sets off (limits.ts): asked with nothing paid once terms change at once. */
  protected abstract afterCharge(run: AccountRun, paid: { amount: Credits; at: Instant }): void;

  /**
   * An upgrade that starts a new cycle (plan_changes.upgrade: new_cycle): the
   * open cycle closes early at the upgrade, its credits that end with the
   * cycle lapse as at any boundary, and a new cycle opens there on the new
   * terms; the run's later cycles follow a calendar anchored at that instant.
   * The change is shown in the new cycle: granted its allowance, removed what lapsed.
   */
  private startCycleAt(run: AccountRun, entry: TimelineEntry): void {
    const at = entry.at;
    run.cycle.end = at;
    run.calendar = { calendar: new Calendar(at, this.setup.calendar.zone), index: run.cycle.index + 1 };
    // A downgrade waiting (beside an allowance raised) waits for the end of the cycle the upgrade opens, which opens on
    // the upgrade (red72c H2: it opened on the downgrade, a raise to 9,000 billed starter's 500, and a cancel before
    // it was refused as "applied"). What said when it applies says so before the cycle closes.
    const waiting = run.pending;
    const waited = this.waited.get(run.id);
    if (waiting !== undefined && waited !== undefined) this.moveWait(waited, this.cycleStart(run, run.cycle.index + 2));
    run.pending = undefined;
    const endsWithCycle = (kind: GrantKind) => kind.expires.kind === "cycle_end";
    // Bought or given credits that end with their cycle end with this one, closed early: expired in it, as at any
    // cycle's end (outlivesCycle), not carried as closing into a cycle that never holds them (red team, stop 38: a
    // pack's 500 credits shown closing at a new_cycle upgrade, and a diff that made them expire saw no loss).
    run.wallet.capExpiry(at, (kind) => endsWithCycle(kind) && outlivesCycle(kind));
    this.expire(run, at, false, outlivesCycle);
    this.closedCycles.add(run.ordinal, this.close(run));
    run.wallet.capExpiry(at, endsWithCycle);
    const gone = run.wallet.expire(at, true);
    this.logExpiries(run, gone);
    const lapsed = gone.filter((g) => endsWithCycle(g.kind)).reduce((sum, g) => sum.plus(this.scale.decimal(g.remaining)), ZERO);
    this.openCycle(run, run.cycle.index + 1);
    run.pending = waiting;
    // The closed cycle's re-statements stay as they closed; this entry (noted in the open one) is the one said now.
    if (waited !== undefined) waited.said = entry.stillWaits === undefined ? [] : [entry];
    entry.granted = run.terms.allowance;
    entry.removed = lapsed;
    run.cycle.note(entry);
    for (const lapse of lapsedByCap(run, gone, (c) => this.scale.decimal(c))) run.cycle.note(lapse);
  }

  /** What waits applies at `at` now (a cycle an upgrade opened ends there): the change's row and what re-stated it say so. */
  private moveWait(waited: Waited, at: Instant): void {
    waited.waiting = { ...waited.waiting, appliesAt: at };
    waited.entry.appliesAt = at;
    for (const said of waited.said) said.stillWaits = { ...said.stillWaits!, appliesAt: at };
  }

  /**
   * A plan or allowance change at the anchor says what the first cycle is:
   * the account's run opened on the new terms (allowance, one-time credits,
   * cycle-start charges; see run()), so nothing is granted or removed, and
   * the change is shown at the cycle's start.
   */
  private opensFirstCycle(c: AccountChange): boolean {
    if (this.anchorChange(c.account) !== c) return false;
    const run = this.run(c.account);
    const initial = this.initialTerms(c.account);
    // A subscription ended by the anchor has no plan to change there either (red62c F3); the plan in force named again
    // changes nothing, and an allowance is an agreement of its own, even the one in force, as after the anchor (red62e F3).
    if (c.change.kind === "plan" ? c.change.plan.key !== initial.plan.key : c.change.kind === "allowance") this.checkBeforeEnd(run, c);
    run.cycle.note({ at: c.at, change: c.change.kind, ...describeChange(initial, c.change, run.subscriptionEnd), granted: ZERO, removed: ZERO, appliesAt: undefined });
    return true;
  }

  /** Shapes and targets remember prices, plans and checks: after a change of card or terms they are worked out again. */
  protected dropCaches(): void {
    this.shapes.length = 0;
    this.targetsByDimensions.clear();
    this.targetGroups.clear();
    this.targetDimensions.clear();
    this.epoch++;
  }

  /** The versions that priced a line, each with the instant it switched in. */
  /** The versions given that priced a line (`used`, noted as cycles closed). */
  protected versionsUsed(used: ReadonlySet<string>): Statement["versions"] {
    const given = this.setup.versions;
    if (given === undefined) return undefined;
    return given.filter((v) => used.has(v.card.version)).map((v) => ({
      version: v.card.version,
      effective: v.card.effective,
      from: this.switchedAt.get(v.card.version) ?? v.effective,
      applies: v.card.applies,
    }));
  }
}
