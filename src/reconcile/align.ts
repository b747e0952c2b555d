import type { Bill, BillCharge } from "../bill/types.js";
import { CREDITS_BOUGHT, OVERAGE, PLAN_FEE } from "../bill/mapping.js";
import { creditsBoughtIn, isPaidGrant } from "../ratecard/cycle-money.js";
import { GIVEN_KINDS } from "../ratecard/purchases.js";
import { UserError, shown } from "../errors.js";
import { ONE, ZERO, type Decimal } from "../money.js";
import { cycleFee, planBilled, versionOf, type FeeCycle } from "../ratecard/plan-fee.js";
import type { RateCard } from "../ratecard/types.js";
import type { CutStatement } from "./recut.js";
import type { AlignedLine } from "./types.js";

export type PlacedCharge = BillCharge & { cycle: number };

/**
 * How bill and statement lines meet: by cycle, account (when the bill names
 * accounts), activity and the dimensions the bill carries. An activity is a
 * group of meters billed together (a ledger's Request covers several meters);
 * a meter the bill never names is its own group.
 */
export class Aligner {
  private readonly groups = new Map<string, readonly string[]>();
  private readonly words = new Map<string, string>();

  /** Whether the bill has plan fee lines: only then is each cycle's fee a line to compare, so that a bill of usage alone misses none. */
  private readonly fees: boolean;

  /**
   * Whether the bill bills usage: a bill of plan fees (with overage, credits bought) alone (a SaaS invoice: the usage its allowance covers is
   * no item of it, and the usage past it is its overage line) compares no usage line, each of which was missing on the
   * bill, every account's (newcomer56 M5: 13,946 credits "undercharged" on an invoice whose one error was 0.34 USD).
   */
  private readonly usageBilled: boolean;

  /**
   * Whether a cycle's overage is a line to compare: where the bill has an overage line, or bills no usage (its overage line
   * is then the usage past the allowance). A bill of usage without one lists the credits past the allowance among its
   * usage's, at the credit price: their overage in money beside them was "missing on the bill", every customer past its
   * allowance, and counted those credits twice in the invoice's total (newcomer71b M3). A cycle with requests past a
   * quota is compared all the same: their money is on top of their credits, on no usage line.
   */
  readonly comparesOverage: boolean;

  /** Whether the bill itemises credits bought (a top-up, a pack): only then is each cycle's purchase a line to compare. */
  private readonly bought: boolean;

  constructor(private readonly bill: Bill, charges: readonly PlacedCharge[], private readonly card: RateCard) {
    this.fees = charges.some((c) => c.meters[0] === PLAN_FEE);
    // A bill of fees: one with a plan fee line, so that an account's fee it leaves out is still found (red56b F5: a bill of
    // one overage line agreed, every fee unbilled).
    this.usageBilled = !this.fees || charges.some((c) => !c.money);
    this.bought = charges.some((c) => c.meters[0] === CREDITS_BOUGHT);
    this.comparesOverage = !this.usageBilled || charges.some((c) => c.meters[0] === OVERAGE);
    for (const charge of charges) {
      const id = charge.meters.join("+");
      for (const meter of charge.meters) {
        const group = this.groups.get(meter);
        if (group && group.join("+") !== id) {
          throw new UserError(`meter ${shown(meter)} is billed under two activities`, charge.origin, `each meter in one activity (${shown(group.join("+"))})`, shown(charge.activity));
        }
        this.groups.set(meter, charge.meters);
        if (meter.includes(":")) this.itemised.add(this.itemisedKey(meterOfItem(meter), charge.account ?? "", charge.dimensions));
      }
      if (!this.words.has(id)) this.words.set(id, charge.activity);
    }
  }

  meters(meter: string): readonly string[] {
    return this.groups.get(meter) ?? [meter];
  }

  /**
   * What a statement line is billed as: its component on a line of its own where the bill itemises the meter by
   * component (`request:input_tokens`) for the line's account and dimension values: every component of it then, so
   * that one the bill lacks shows as missing, not inside the meter's own line; else its meter. An invoice that
   * itemises one model's tokens and bills the others whole compares each as billed (newcomer, stop 35).
   */
  item(meter: string, component: string | undefined, account: string, dims: Readonly<Record<string, string>>): string {
    return component === undefined || !this.itemised.has(this.itemisedKey(meter, account, dims)) ? meter : `${meter}:${component}`;
  }

  /** The meters the bill names a component of, each with the account and the bill's dimension values it does so for. */
  private readonly itemised = new Set<string>();

  private itemisedKey(meter: string, account: string, dims: Readonly<Record<string, string>>): string {
    return JSON.stringify([this.bill.byAccount ? account : "", meter, this.project(dims)]);
  }

  /** A line's identity within a cycle: account, activity and the bill's dimensions. */
  key(account: string, meter: string, dims: Readonly<Record<string, string>>): string {
    return JSON.stringify([this.bill.byAccount ? account : "", this.meters(meter).join("+"), this.project(dims)]);
  }

  project(dims: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.bill.dimensions) if (dims[d] !== undefined && dims[d] !== "") out[d] = dims[d]!;
    return out;
  }

  /** The id of an aligned line: its cycle and key. */
  id(cycle: number, account: string, meter: string, dims: Readonly<Record<string, string>>): string {
    return `${cycle}\u0000${this.key(account, meter, dims)}`;
  }

  /** Align a statement's lines in the given cycles with the bill's charges. */
  align(statement: CutStatement, charges: readonly PlacedCharge[], cycles: ReadonlySet<number>, accounts: ReadonlySet<string> | undefined): Map<string, AlignedLine> {
    const lines = new Map<string, AlignedLine>();
    const entry = (cycle: number, account: string, meter: string, dims: Readonly<Record<string, string>>): AlignedLine => {
      const id = this.id(cycle, account, meter, dims);
      let line = lines.get(id);
      if (!line) {
        const meters = this.meters(meter);
        line = {
          cycle,
          account: this.bill.byAccount ? account : undefined,
          activity: this.words.get(meters.join("+")) ?? meters.join("+"),
          meters,
          money: meter === OVERAGE || meter === PLAN_FEE || meter === CREDITS_BOUGHT,
          dimensions: this.project(dims),
          bill: undefined,
          computed: undefined,
          duplicates: ZERO,
        };
        lines.set(id, line);
      }
      return line;
    };

    // Each line's bill rows so far, to name a row the bill repeats exactly (the same line pasted twice).
    const billRows = new Map<AlignedLine, PlacedCharge[]>();
    // A line's quantity is the sum of its rows' that give one. A row that charges nothing and gives none (a
    // FOCUS adjustment of 0, a zero correction) adds nothing; one that charges and gives none leaves the
    // line's quantity unknown: the bill then counts something it does not say. A credit, adjustment or tax row
    // consumes nothing, and gives no quantity by its standard: it adds its amount alone.
    const given = new Map<AlignedLine, Decimal>();
    const unknown = new Set<AlignedLine>();
    for (const charge of charges) {
      // A fee or overage is the account's, whatever dimension cells its row has filled (a project on a plan's row).
      const line = entry(charge.cycle, charge.account ?? "", charge.meters[0]!, charge.money ? NO_DIMENSIONS : charge.dimensions);
      const b = line.bill;
      const earlier = billRows.get(line) ?? [];
      billRows.set(line, [...earlier, charge]);
      if (charge.quantity !== undefined) given.set(line, (given.get(line) ?? ZERO).plus(charge.quantity));
      else if (!charge.amount.isZero() && !charge.adjustment) unknown.add(line);
      const same = b?.repeatedRow === undefined ? earlier.find((e) => e.amount.eq(charge.amount) && (e.quantity === undefined ? charge.quantity === undefined : charge.quantity !== undefined && e.quantity.eq(charge.quantity))) : undefined;
      const parts = charge.adjustment ? (b?.parts ?? []) : [...(b?.parts ?? []), { amount: charge.amount, quantity: charge.quantity, step: charge.step, ...(charge.places === undefined ? {} : { places: charge.places }) }];
      line.bill = b === undefined
        ? { quantity: charge.quantity, amount: charge.amount, unitPrice: charge.unitPrice, rows: 1, origin: charge.origin, parts, ...(charge.step ? { step: charge.step } : {}) }
        : {
            quantity: undefined,
            amount: b.amount.plus(charge.amount),
            unitPrice: b.unitPrice !== undefined && charge.unitPrice !== undefined && b.unitPrice.eq(charge.unitPrice) ? b.unitPrice : undefined,
            rows: b.rows + 1,
            origin: b.origin,
            parts,
            // The line's cent, from its first row that has one: dropped at the second row, a line of two money rows was
            // held to the card's step, and its own quantity priced at the card's rate read as a price that differs (newcomer37 F2).
            ...((b.step ?? charge.step) === undefined ? {} : { step: b.step ?? charge.step }),
            ...(b.repeatedRow ? { repeatedRow: b.repeatedRow } : same ? { repeatedRow: { first: same.origin, again: charge.origin } } : {}),
          };
      line.bill.quantity = unknown.has(line) ? undefined : given.get(line);
      if (charge.adjustment) line.bill.adjustments = (b?.adjustments ?? ZERO).plus(charge.amount);
      else if (b?.adjustments !== undefined) line.bill.adjustments = b.adjustments;
      const credits = b?.chargingCredits;
      if (charge.chargingCredit) line.bill.chargingCredits = { amount: (credits?.amount ?? ZERO).plus(charge.amount), first: credits?.first ?? charge.origin };
      else if (credits !== undefined) line.bill.chargingCredits = credits;
    }

    const prices = new Map<AlignedLine, Set<string>>();
    for (const account of statement.accounts) {
      if (accounts && !accounts.has(account.account)) continue;
      for (const cycle of account.cycles) {
        if (!cycles.has(cycle.index) || !this.usageBilled) continue;
        for (const l of cycle.lines) {
          const item = this.item(l.meter, l.component, account.account, l.dimensions);
          const line = entry(cycle.index, account.account, item, l.dimensions);
          const c = line.computed ?? { quantity: ZERO, amount: ZERO, events: 0, unitPrice: l.unitPrice };
          // A component line (tokens beside a request, a per-event surcharge) adds to the amount, not to the meter's
          // quantity; billed on a line of its own, its tokens are that line's quantity.
          const own = l.component === undefined || item !== l.meter;
          line.computed = { quantity: own ? c.quantity.plus(l.quantity) : c.quantity, amount: c.amount.plus(l.amount), events: own ? c.events + l.events : c.events, unitPrice: c.unitPrice };
          let seen = prices.get(line);
          if (!seen) prices.set(line, (seen = new Set()));
          seen.add(own ? l.unitPrice.toFixed() : `${l.component}`);
        }
      }
    }
    for (const [line, seen] of prices) if (seen.size > 1) line.computed = { ...line.computed!, unitPrice: undefined };

    // Requests past the quota are billed in money, a line of their own beside the meters' (no events of its own: its requests are the meters').
    for (const account of statement.accounts) {
      if (accounts && !accounts.has(account.account)) continue;
      for (const cycle of account.cycles) {
        const overage = cycle.overage;
        if (!cycles.has(cycle.index) || !overage || (overage.requests.isZero() && overage.credits === undefined)) continue;
        // Requests past a quota are money on top of their credits, on no usage line: compared whatever the bill lists (red72a M1).
        if (!this.comparesOverage && overage.requests.isZero()) continue;
        // Summed where the bill names no accounts: every account's overage is on its one line. Credits billed past zero
        // (when_exhausted: overage) are its quantity too, at the credit price. A line of both has no one price: requests
        // and credits summed made one up (red56 F4: 0.00990123, which no card has).
        const line = entry(cycle.index, account.account, OVERAGE, NO_DIMENSIONS);
        addMoney(line, overage.requests.plus(overage.credits ?? ZERO), overage.amount);
        if (!overage.requests.isZero() && overage.credits !== undefined && line.computed !== undefined) line.computed = { ...line.computed, unitPrice: undefined };
      }
    }

    // A cycle's plan fee, one a cycle, where the bill itemises fees: in money, no events of its own.
    if (this.fees) {
      for (const account of statement.accounts) {
        if (accounts && !accounts.has(account.account)) continue;
        for (const cycle of account.cycles) {
          if (!cycles.has(cycle.index)) continue;
          const id = this.id(cycle.index, account.account, PLAN_FEE, NO_DIMENSIONS);
          // A re-cut bill's periods are not cycles, and have no plan of their own: each owes the fees of the account's
          // cycles that start in it, where it is the calendar's month of an account whose cycles an upgrade moved;
          // else its fee lines say that none is compared.
          const owed: readonly FeeCycle[] | undefined = cycle.plan !== undefined ? [{ plan: cycle.plan, version: cycle.version, start: cycle.start, subscriptionEnd: cycle.subscriptionEnd }] : cycle.owes;
          if (owed === undefined) {
            const billed = lines.get(id);
            if (billed !== undefined) billed.fee = { plans: [], recut: true };
            continue;
          }
          for (const owes of owed) {
            const fee = cycleFee(this.card, owes);
            // A plan without a fee owes no line; one the bill charges all the same is named with its plan.
            if (fee.isZero() && !lines.has(id)) continue;
            const line = entry(cycle.index, account.account, PLAN_FEE, NO_DIMENSIONS);
            // Summed where the bill names no accounts: each account's fee is owed once (red team, stop 36: the last account's alone was compared).
            line.fee = { plans: [...(line.fee?.plans ?? []), owes.plan], recut: false, ...(cycle.owes === undefined ? {} : { cycles: (line.fee?.cycles ?? 0) + 1 }), ...(planBilled(owes) ? {} : { ended: owes.subscriptionEnd }) };
            // One account's cycle of several plans: what a bill that prorates the fee is read against (classifyFee).
            if (line.fee.plans.length === 1 && cycle.plans !== undefined && cycle.plans.length > 1) line.fee.changed = { periods: cycle.plans, start: cycle.start, end: cycle.end, version: cycle.version, ...(cycle.subscriptionEnd === undefined ? {} : { subscriptionEnd: cycle.subscriptionEnd }) };
            if (!fee.isZero()) addMoney(line, ONE, fee);
          }
        }
      }
    }

    // Credits bought in a cycle (the account file's paid grants), where the bill itemises them: in money, each credit at the
    // credit price of the version it was bought under (cycleMoney's rule). A top-up missing from an invoice was not
    // flagged, nor could a pack's line be checked (newcomer55 M6, newcomer56 M5).
    if (this.bought) {
      for (const account of statement.accounts) {
        if (accounts && !accounts.has(account.account)) continue;
        for (const cycle of account.cycles) {
          if (!cycles.has(cycle.index)) continue;
          const bought = boughtMoney(this.card, cycle);
          const line = bought === undefined ? lines.get(this.id(cycle.index, account.account, CREDITS_BOUGHT, NO_DIMENSIONS)) : entry(cycle.index, account.account, CREDITS_BOUGHT, NO_DIMENSIONS);
          if (line === undefined) continue;
          // The cycle's gifts beside the line: a bill's line of credits bought where the grants are given free bills a gift (red72b M3).
          const free = freeGrants(this.card, cycle);
          if (free.length > 0) line.freeCredits = [...(line.freeCredits ?? []), ...free];
          if (bought === undefined) continue;
          // A card of no credit price (Flikly) cannot put money on them: the credits are said on the line (newcomer66 M2).
          if (bought.money === undefined) line.unpricedCredits = (line.unpricedCredits ?? ZERO).plus(bought.credits);
          else addMoney(line, bought.credits, bought.money);
        }
      }
    }

    return lines;
  }
}

/** A cycle's credits bought and their money (none where a version of them gives no credit price); undefined for none bought. */
function boughtMoney(card: RateCard, cycle: CutStatement["accounts"][number]["cycles"][number]): { credits: Decimal; money: Decimal | undefined } | undefined {
  const byVersion = cycle.boughtIn ?? [{ version: cycle.version, credits: creditsBoughtIn(card, cycle) }];
  let credits = ZERO;
  let money: Decimal | undefined = ZERO;
  for (const b of byVersion) {
    const price = versionOf(card, b.version).creditPrice;
    credits = credits.plus(b.credits);
    money = price === undefined || money === undefined ? undefined : money.plus(b.credits.mul(price));
  }
  return credits.isZero() ? undefined : { credits, money };
}

/** A cycle's grants of kinds the card gives free (paid: false): by the version the cycle ends on, a re-cut period's by every version. */
function freeGrants(card: RateCard, cycle: CutStatement["accounts"][number]["cycles"][number]): { kind: string; credits: Decimal }[] {
  const versions = cycle.version === undefined ? card.versions ?? [card] : [versionOf(card, cycle.version)];
  return cycle.grants.filter((g) => !GIVEN_KINDS.has(g.kind) && !g.granted.isZero() && versions.every((v) => !isPaidGrant(v, g.kind))).map((g) => ({ kind: g.kind, credits: g.granted }));
}

const NO_DIMENSIONS: Readonly<Record<string, string>> = {};

/** A line in money, or another account's part of it added: its count and amount summed, its price their quotient. */
function addMoney(line: AlignedLine, quantity: Decimal, amount: Decimal): void {
  const c = line.computed;
  const [q, a] = c === undefined ? [quantity, amount] : [c.quantity.plus(quantity), c.amount.plus(amount)];
  // A line already of no one price (an overage of requests and credits) stays so as other accounts' parts are added.
  const priceless = c !== undefined && c.unitPrice === undefined && !c.quantity.isZero();
  line.computed = { quantity: q, amount: a, events: 0, unitPrice: q.isZero() || priceless ? undefined : a.div(q) };
}

/** The meter of what a bill line bills: a meter, or a meter's component on a line of its own (`request:input_tokens`). */
export function meterOfItem(item: string): string {
  const at = item.lastIndexOf(":");
  return at < 0 ? item : item.slice(0, at);
}

export function sumOf(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}
