import { UserError } from "../errors.js";
import { ZERO } from "../money.js";
import { INCLUDED, type RateCard } from "../ratecard/types.js";
import { formatInstant, type Instant } from "../time.js";
import { NO_CREDITS } from "./credits.js";
import { PriceBook } from "./pricing.js";
import type { AccountChange, AccountStatement, Statement, TimelineEntry } from "./types.js";
import { changedTerms, describeChange, termsOnVersion, upgradeGrant, type TimelineItem } from "./timeline.js";
import { KnownShapes } from "./fast/known-shapes.js";
import { AccountRuns } from "./account-runs.js";
import { FAR_CYCLES } from "./replay-state.js";

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
    const run = this.run(p.account);
    this.advance(run, p.at);
    const kind = this.card.grantKinds.get(p.kind)!;
    run.wallet.add(kind, this.scale.of(p.amount), p.at, this.expiryOf(kind, p.at, this.setup.calendar.start(index + 1), run));
    run.cycle.granted(p.kind, p.amount);
    this.log(run, p.at, "payment", undefined, p.kind, {}, undefined, p.amount);
  }

  protected applyTimeline(item: TimelineItem): void {
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
    this.card = card;
    this.book = new PriceBook();
    this.version = card.version;
    this.switchedAt.set(card.version, at);
    for (const run of this.runList) {
      run.terms = termsOnVersion(run.terms, card, run.id);
      if (run.pending !== undefined) run.pending = termsOnVersion(run.pending, card, run.id);
      run.cycle.version = card.version;
    }
  }

  /**
   * An account's terms change at `change.at`. At a cycle start the new cycle
   * simply opens on them. Inside a cycle, an overage switch or a new
   * subscription end applies at once; a plan or allowance change follows the
   * card's plan_changes: an upgrade grants included credits now, a downgrade
   * waits for the next cycle or removes included credits now.
   */
  protected changeTerms(c: AccountChange): void {
    const run = this.run(c.account);
    this.advance(run, c.at - 1);
    const before = run.terms;
    const after = changedTerms(before, c.change);
    const values = describeChange(before, c.change, run.subscriptionEnd);
    const entry: TimelineEntry = { at: c.at, change: c.change.kind, ...values, granted: ZERO, removed: ZERO, appliesAt: undefined };
    const newCycle = this.setup.calendar.indexOf(c.at) > run.cycle.index;
    if (c.change.kind === "subscription_end") {
      run.subscriptionEnd = c.change.end;
      run.wallet.capExpiry(c.change.end, (kind) => kind.expires.kind === "after_months" && kind.expires.capAtSubscriptionEnd);
    }
    const sizing = c.change.kind === "plan" || c.change.kind === "allowance";
    if (sizing) run.pending = undefined;
    else if (run.pending !== undefined) run.pending = changedTerms(run.pending, c.change);
    if (newCycle) {
      run.terms = after;
      this.advance(run, c.at);
      run.cycle.note(entry);
      return;
    }
    const cycle = run.cycle;
    // At the start of the first cycle (already open) the next cycle is this one: a downgrade applies at once.
    if (sizing && after.allowance.lt(before.allowance) && this.card.planChanges.downgrade === "next_cycle" && c.at !== cycle.start) {
      run.pending = after;
      cycle.note({ ...entry, appliesAt: cycle.end });
      return;
    }
    run.terms = after;
    cycle.retarget(after.plan, after.allowance, c.at);
    if (sizing && after.allowance.gt(before.allowance)) {
      const grant = upgradeGrant(this.card, before.allowance, after.allowance, cycle, c.at);
      const included = this.card.grantKinds.get(INCLUDED)!;
      if (grant.gt(0)) {
        run.wallet.add(included, this.scale.of(grant), c.at, this.expiryOf(included, c.at, cycle.end, run));
        cycle.granted(INCLUDED, grant);
        this.log(run, c.at, "allowance", undefined, INCLUDED, {}, undefined, grant);
      }
      entry.granted = grant;
    } else if (sizing && after.allowance.lt(before.allowance)) {
      const removed = run.wallet.remove(INCLUDED, this.scale.of(before.allowance.minus(after.allowance)));
      cycle.expired(INCLUDED, removed);
      entry.removed = this.scale.decimal(removed);
      if (removed > NO_CREDITS) this.log(run, c.at, "expiry", undefined, INCLUDED, {}, undefined, entry.removed.neg());
    }
    cycle.note(entry);
  }

  /** Shapes and targets remember prices, plans and checks: after a change of card or terms they are worked out again. */
  protected dropCaches(): void {
    this.shapes.length = 0;
    this.known = new KnownShapes();
    this.targets.clear();
    this.targetsByDimensions.clear();
    this.targetDimensions.clear();
    this.epoch++;
  }

  /** The versions that priced a line, each with the instant it switched in. */
  protected versionsUsed(accounts: readonly AccountStatement[]): Statement["versions"] {
    const given = this.setup.versions;
    if (given === undefined) return undefined;
    const used = new Set<string>();
    for (const a of accounts) for (const c of a.cycles) for (const l of c.lines) if (l.version !== undefined) used.add(l.version);
    return given.filter((v) => used.has(v.card.version)).map((v) => ({
      version: v.card.version,
      effective: v.card.effective,
      from: this.switchedAt.get(v.card.version) ?? v.effective,
      applies: v.card.applies,
    }));
  }
}
