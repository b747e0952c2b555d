import { formatLocation, UserError, shown, type Location } from "../errors.js";
import { Decimal, parsePlainDecimal } from "../money.js";
import type { RateCard } from "../ratecard/types.js";
import { billLabels, cardNamed, componentExample, CREDITS_BOUGHT, OVERAGE, PLAN_FEE, nearestActivity, resolveActivity, sameCurrency, type ActivityTarget, type BillLabels, type BillMapping } from "./mapping.js";
import type { Bill, BillCharge, BillPayment, BillPeriod, IgnoredRow } from "./types.js";
import type { Adjustment } from "./focus.js";
import { TOTALS_LEFT_OUT, totalsActivity, totalsWord } from "./totals-row.js";

/** A cell's text and where it is, for an error. */
export interface Cell {
  text: string;
  at: Location;
}

/** One bill row as every layout reads it, before it is checked against the card. */
export interface BillRow {
  origin: Location;
  amount: Cell;
  /** The cells naming the activity, in the order they are tried (FOCUS: SkuId, then ChargeDescription). */
  activities: readonly Cell[];
  period: BillPeriod;
  periodCell: Location;
  quantity: Cell | undefined;
  unitPrice: Cell | undefined;
  account: string | undefined;
  dimensions: Readonly<Record<string, string>>;
  /** What the amount is counted in, where the bill says (FOCUS's BillingCurrency, a canonical bill's currency). */
  currency?: Cell;
  /** A row that adjusts the line's cost and consumes nothing (FOCUS's Credit, Adjustment or Tax): no quantity is expected of it. */
  adjustment?: Adjustment;
}

/** An amount in the card's unit in its currency, at the credit price of the row's period: none without one. */
function moneyOf(units: Decimal, price: Decimal | undefined): { inCurrency?: Decimal } {
  return price === undefined ? {} : { inCurrency: units.mul(price) };
}

/** A cent of a currency, as invoices round money. */
const CENT = new Decimal("0.01");

/** Bill rows checked against the card: charges, payments and the rows the mapping ignores. */
export class BillRows {
  private readonly charges: BillCharge[] = [];
  private readonly payments: BillPayment[] = [];
  private readonly ignored: IgnoredRow[] = [];
  private readonly labels: BillLabels;

  constructor(
    private readonly card: RateCard,
    private readonly mapping: BillMapping,
    /** The card version whose credit price converts a row's money: the one in force at its period (period-price.ts). */
    private readonly versionAt: (period: BillPeriod) => RateCard = () => card,
  ) {
    this.labels = billLabels(card);
  }

  result(): Pick<Bill, "charges" | "payments" | "ignored"> {
    return { charges: this.charges, payments: this.payments, ignored: this.ignored };
  }

  add(row: BillRow): void {
    const ledger = this.mapping.layout === "ledger";
    const amount = decimalCell(row.amount, "amount")!;
    const { word, target, cell } = this.activity(row.activities, this.mapping.account === undefined ? row.account : undefined);
    const account = row.account === undefined || row.account === "" ? undefined : row.account;
    const currency = this.currencyOf(row);
    const price = this.versionAt(row.period).creditPrice;

    switch (target.kind) {
      case "ignore": {
        // Counted in the card's unit, as the lines are: a row of -1.00 USD is -100 cents, not -1 (newcomer, stop 35).
        // A ledger's charge is a negative movement of the balance: counted as the charges are, positive (red team).
        const charged = ledger && this.mapping.deductions === "negative" ? amount.neg() : amount;
        const units = this.inUnits(charged, currency, price);
        this.ignored.push({ activity: word, amount: units, ...moneyOf(units, price), account, period: row.period, periodCell: row.periodCell, ...this.inCardCurrency(currency) });
        return;
      }
      case "payments":
        if (row.period.kind !== "within") throw new UserError("payments are only read from a ledger", cell.at, "a charge activity", shown(word));
        this.payments.push({ at: row.period.at, amount, account, origin: row.origin });
        return;
      case "plan":
        if (ledger) throw new UserError("a plan fee is not read from a ledger", cell.at, "a plan fee on a canonical or FOCUS bill: a ledger moves credits, and a plan's fee is money", shown(word));
        break;
      case "bought":
        if (ledger) throw new UserError("credits bought are a ledger's payments", cell.at, "payments: a ledger's rows of credits coming in are compared with the account file's grants as payments", shown(word));
        break;
      case "meters":
      case "overage":
        break;
    }
    const inUnits = target.kind === "meters" ? this.inUnits(amount, currency, price) : this.inMoney(amount, currency, target.kind, price);
    // The row's unit price is counted in what its amount is, and read in the line's unit as the amount is: 0.000012 USD a
    // token was compared with the card's 0.001 cents, "the card may be out of date", 83 times too cheap (newcomer, stop 37).
    const unitPrice = this.priceIn(decimalCell(row.unitPrice, "unit price"), currency, target.kind === "meters", price);
    const charged = ledger && this.mapping.deductions === "negative" ? inUnits.neg() : inUnits;
    this.charges.push({
      period: row.period,
      periodCell: row.periodCell,
      activity: word,
      meters: target.kind === "overage" ? [OVERAGE] : target.kind === "plan" ? [PLAN_FEE] : target.kind === "bought" ? [CREDITS_BOUGHT] : target.meters,
      money: target.kind !== "meters",
      account,
      dimensions: row.dimensions,
      // A credit, adjustment or tax consumes nothing: a quantity it gives is not the line's.
      quantity: row.adjustment ? undefined : decimalCell(row.quantity, "quantity"),
      amount: charged,
      ...(target.kind === "meters" ? { ...moneyOf(charged, price), ...this.inCardCurrency(currency) } : { inCurrency: charged, billedInCurrency: true }),
      unitPrice,
      origin: row.origin,
      ...(row.adjustment ? { adjustment: true } : {}),
      // A credit is money back: a negative amount (FOCUS writes its Credit rows so, as a charge is positive). One that
      // charges is no credit: it stays on its line, compared as a charge, and says so (red team, stop 38: a "Credit" of
      // +250 was set apart as money back, and the bill agreed).
      ...(row.adjustment === "credit" ? (charged.gt(0) ? { chargingCredit: true } : { credit: true }) : {}),
      ...(target.kind === "meters" ? this.stepOf(currency, price) : {}),
      ...(currency === undefined && !ledger ? { currencyUnstated: true } : {}),
      // The places its amount is written to, where it is in the card's unit as written: 11.1080 is exact to 0.0001, which its Decimal (11.108) does not say.
      ...(target.kind === "meters" && inUnits === amount ? placesOf(row.amount!.text) : {}),
    });
  }

  /** Whether a usage or ignored row's amount is given in the card's currency (not its unit, stated or not). */
  private inCardCurrency(currency: Cell | undefined): { billedInCurrency?: true } {
    return currency !== undefined && sameCurrency(currency.text, this.card.currency) && !sameCurrency(currency.text, this.card.unit) ? { billedInCurrency: true } : {};
  }

  /**
   * What the row's money figures are counted in: its currency cell where it has one, else the mapping's `currency:`
   * (then at the amount's cell, which an error about the amount points to), else unsaid (the card's unit). A cell that
   * names another than the mapping's is refused: the mapping said what the whole bill is in, and a row that disagrees
   * is one of the two mistaken, not a line to read in a second currency.
   */
  private currencyOf(row: BillRow): Cell | undefined {
    const key = this.mapping.currency;
    const cell = row.currency;
    if (cell !== undefined && cell.text.trim() !== "") {
      if (key !== undefined && !sameCurrency(cell.text, key.text)) {
        const column = this.mapping.layout === "focus" ? "BillingCurrency" : "currency";
        throw new UserError(`${column} ${shown(cell.text)} is not the bill mapping's currency: ${key.text} (${formatLocation(key.at)})`, cell.at, `${key.text} or empty, as the mapping says; or no currency: in the mapping, where the bill's rows are in several`, shown(cell.text));
      }
      return cell;
    }
    return key === undefined ? undefined : { text: key.text, at: row.amount.at };
  }

  /**
   * A unit price in the line's unit, as its amount is read (`price`: the credit price of the version in force in its period): on a usage line the card's currency through the credit
   * price (0.000012 USD a token is 0.0012 cents at 0.01 USD a cent), not required to be exact, as a price is a quotient;
   * on an overage or plan fee line, in money, the card's unit turned into its currency. Another currency was refused
   * with the row's amount.
   */
  private priceIn(value: Decimal | undefined, currency: Cell | undefined, units: boolean, price: Decimal | undefined): Decimal | undefined {
    if (value === undefined || currency === undefined || price === undefined || price.isZero()) return value;
    if (units) return sameCurrency(currency.text, this.card.currency) && !sameCurrency(currency.text, this.card.unit) ? value.div(price) : value;
    return sameCurrency(currency.text, this.card.unit) && !sameCurrency(currency.text, this.card.currency) ? value.mul(price) : value;
  }

  /**
   * A usage charge's amount in the card's unit, at `price`, the credit price of the version in force in its period. A FOCUS export (BillingCurrency) or a canonical bill (currency) states what the amount is counted in:
   * the card's unit (a provider that invoices credits) as it is; the card's currency (ISO 4217, as FOCUS
   * means BillingCurrency) through its credit price, exactly; anything else is refused at the cell. A bill
   * in dollars was read as credits and every line reported as a rate drift (red team, stop 34).
   */
  private inUnits(amount: Decimal, currency: Cell | undefined, price: Decimal | undefined): Decimal {
    const text = currency?.text.trim() ?? "";
    if (text === "" || text.toLowerCase() === this.card.unit.toLowerCase()) return amount;
    if (text.toUpperCase() === this.card.currency.toUpperCase() && price !== undefined && !price.isZero()) {
      const units = amount.div(price);
      if (units.mul(price).eq(amount)) return units;
      // A credit price that does not divide the amount (0.01 USD at 0.003) gives no exact number of credits.
      throw new UserError(`${shown(amount.toFixed())} ${text} is no exact number of ${this.card.unit} at the card's credit price of ${price.toFixed()}`, currency!.at, `an amount in ${this.card.currency} that is a whole multiple of ${price.toFixed()}, or the bill in ${this.card.unit}`, `${amount.toFixed()} ${text}`);
    }
    const how = price === undefined ? `the card has no credit_price to turn ${this.card.currency} into ${this.card.unit}` : `${this.card.currency} at the card's credit price of ${price.toFixed()}`;
    const focus = this.mapping.layout === "focus";
    const virtual = focus ? "; a virtual currency's cost mapped over BilledCost (columns: { BilledCost: PricingCurrencyEffectiveCost })" : "";
    throw new UserError(`${focus ? "BillingCurrency" : "currency"} ${shown(text)} is not the card's unit`, currency!.at, `${this.card.unit} (the card's unit), or ${how}${virtual}`, shown(text));
  }

  /**
   * A money amount is rounded to a cent of its currency: a usage line billed in the card's currency was rounded to
   * 0.01 of it, which is 0.01 over the credit price in the card's unit (1 cent on a card in cents). 3.09 USD for
   * 308.64175 cents was a rate drift, "the card may be out of date" (newcomer, stop 35).
   */
  private stepOf(currency: Cell | undefined, price: Decimal | undefined): { step: Decimal } | Record<string, never> {
    const text = currency?.text.trim() ?? "";
    if (price === undefined || price.isZero() || text.toUpperCase() !== this.card.currency.toUpperCase()) return {};
    return { step: CENT.div(price) };
  }

  /**
   * An overage or plan fee line's amount in the card's currency, which it is billed in: the currency as it is; the card's unit
   * through its credit price (50 cents is 0.50 USD at 0.01 USD a cent); anything else is refused at the cell. The
   * column was read on usage lines alone, and 50 EUR taken for 50 USD (red team, stop 35).
   */
  private inMoney(amount: Decimal, currency: Cell | undefined, kind: "overage" | "plan" | "bought", price: Decimal | undefined): Decimal {
    const text = currency?.text.trim() ?? "";
    if (text === "" || text.toUpperCase() === this.card.currency.toUpperCase()) return amount;
    if (text.toLowerCase() === this.card.unit.toLowerCase() && price !== undefined) return amount.mul(price);
    const column = this.mapping.layout === "focus" ? "BillingCurrency" : "currency";
    const unit = price === undefined ? "" : `, or ${this.card.unit} at the card's credit price of ${price.toFixed()}`;
    const what = kind === "plan" ? "a plan fee" : kind === "bought" ? "credits bought" : "overage";
    throw new UserError(`${column} ${shown(text)} of ${kind === "plan" ? "a plan fee" : kind === "bought" ? "a credits bought" : "an overage"} line is not the card's currency`, currency!.at, `${this.card.currency} (the card's currency, which ${what} is billed in)${unit}`, shown(text));
  }

  /** The first activity cell that names something: the mapping's wording, a meter key or a card label; `account`, the row's account cell. */
  private activity(cells: readonly Cell[], account: string | undefined): { word: string; target: ActivityTarget; cell: Cell } {
    const named = cells.filter((c) => c.text.trim() !== "");
    for (const cell of named) {
      const target = resolveActivity(cell, this.card, this.mapping, this.labels);
      if (target) return { word: cell.text, target, cell };
    }
    const first = named[0] ?? cells[0]!;
    const found = named.length === 0 ? shown(first.text) : named.map((c) => shown(c.text)).join(" or ");
    // A totals row with its period written (a subtotal a customer, a grand total a month): named so, not sent to the mapping's activities (red68 L3).
    if (totalsActivity(first.text, this.card, this.mapping)) throw new UserError(`a totals row: its activity says ${shown(first.text.trim())}`, first.at, TOTALS_LEFT_OUT, found);
    // A customer's subtotal, its word in the account column and no activity, was an unknown activity "" (red68c L2).
    if (named.length === 0 && account !== undefined && totalsWord(account)) throw new UserError(`a totals row: its activity is empty, and its account says ${shown(account.trim())}`, first.at, TOTALS_LEFT_OUT, "an empty cell");
    const near = nearestActivity(first.text, this.card, this.mapping);
    const example = componentExample(this.card);
    const items = example === undefined ? "" : ` (or METER:COMPONENT for a component billed on a line of its own, such as ${example})`;
    throw new UserError(`unknown activity ${shown(first.text)}${near === undefined ? "" : `; did you mean ${shown(near)}?`}`, first.at, `a meter key or label of ${cardNamed(this.card)}${items}, or an activities: entry in the bill mapping`, found);
  }
}

/** The decimal places a plain number is written to (`11.1080`: 4), none for one written with an exponent. */
function placesOf(text: string): { places: number } | Record<string, never> {
  const plain = /^\s*[+-]?\d*(?:\.(\d*))?\s*$/.exec(text);
  return plain === null ? {} : { places: plain[1]?.length ?? 0 };
}

function decimalCell(cell: Cell | undefined, what: string): Decimal | undefined {
  if (cell === undefined || cell.text.trim() === "") {
    if (what === "amount" && cell) throw new UserError(`${what} is not a number`, cell.at, "a plain decimal such as 12 or -0.5 (no currency sign or thousands separator)", shown(cell.text));
    return undefined;
  }
  const value = parsePlainDecimal(cell.text.trim());
  if (!value) throw new UserError(`${what} is not a number`, cell.at, "a plain decimal such as 12 or -0.5 (no currency sign or thousands separator)", shown(cell.text));
  return value;
}
