import { Decimal, ZERO } from "../money.js";

/** What one card served on a statement line, or on lines summed. */
export interface Served {
  quantity: Decimal;
  amount: Decimal;
  events: number;
}

const NONE: Served = { quantity: ZERO, amount: ZERO, events: 0 };

function plus(a: Served, b: Served): Served {
  return { quantity: a.quantity.plus(b.quantity), amount: a.amount.plus(b.amount), events: a.events + b.events };
}

/** One line's rows under each card: the base card's statement line and the new card's of the same rows. */
export interface LinePair {
  old: Served;
  new: Served;
}

/**
 * The lines of one grain (account, cycle, meter, component, kind, dimension values) under each card, by what else a
 * statement line is told by: its unit price and card version. A surcharge or an exemption on a column the line does
 * not show (Flowly's `byok`, a card-level `priority`), or two versions of the card, price one grain's rows apart; its
 * average blends them (red59 F1, F2: 30 refused high-priority rows the base card charged 4 each read at 1.9).
 *
 * Most grains have one line under each card: it is kept alone, and a map made only for a second (red59b F8: a map a
 * grain tipped a diff of 100,000 accounts past the heap).
 */
export class GrainLines {
  private firstPrice: Decimal | undefined;
  private firstVersion: string | undefined;
  private first: LinePair | undefined;
  private more: Map<string, LinePair> | undefined;

  add(side: "old" | "new", unitPrice: Decimal, version: string | undefined, served: Served): void {
    let pair: LinePair | undefined;
    if (this.first === undefined) {
      this.firstPrice = unitPrice;
      this.firstVersion = version;
      pair = this.first = { old: NONE, new: NONE };
    } else if (version === this.firstVersion && unitPrice.eq(this.firstPrice!)) {
      pair = this.first;
    } else {
      const key = `${unitPrice.toString()}\u0000${version ?? ""}`;
      this.more ??= new Map();
      pair = this.more.get(key);
      if (pair === undefined) this.more.set(key, (pair = { old: NONE, new: NONE }));
    }
    // A line's own figures are its side's where the grain has one line there: most have, and a sum is a copy.
    pair[side] = pair[side] === NONE ? served : plus(pair[side], served);
  }

  private lines(): LinePair[] {
    return this.first === undefined ? [] : [this.first, ...(this.more?.values() ?? [])];
  }

  /** Each side summed: the grain as one line. */
  total(): LinePair {
    if (this.more === undefined) return this.first ?? { old: NONE, new: NONE };
    let old = NONE;
    let now = NONE;
    for (const p of this.lines()) {
      old = plus(old, p.old);
      now = plus(now, p.new);
    }
    return { old, new: now };
  }

  /**
   * The grain's lines paired, the same rows' under each card, as far as the lines tell them. Where both cards write
   * lines of the same unit prices and versions, the prices did not move: each with its own. Else a price moved, and
   * one line's new price may be another's old one (red59b F5: a rise 1 → 4 paired the low rows with the high ones,
   * and the worth turned negative): lines of as many events and as much quantity are the same rows; then the one
   * line left on each side. What is left past that is paired as one blend of each side's lines.
   */
  pairs(): LinePair[] {
    const lines = this.lines();
    if (lines.length <= 1) return lines;
    const olds = lines.filter((p) => p.old.events > 0);
    const news = lines.filter((p) => p.new.events > 0);
    if (olds.length === news.length && olds.every((p) => p.new.events > 0)) return lines;
    const out: LinePair[] = [];
    const left = { old: olds.map((p) => p.old), new: news.map((p) => p.new) };
    const same = (a: Served, b: Served) => a.events === b.events && a.quantity.eq(b.quantity);
    for (let i = left.old.length - 1; i >= 0; i--) {
      const o = left.old[i]!;
      const matches = left.new.filter((n) => same(o, n));
      if (matches.length !== 1 || left.old.filter((x) => same(x, matches[0]!)).length !== 1) continue;
      out.push({ old: o, new: matches[0]! });
      left.new.splice(left.new.indexOf(matches[0]!), 1);
      left.old.splice(i, 1);
    }
    if (left.old.length > 0 || left.new.length > 0) out.push({ old: left.old.reduce(plus, NONE), new: left.new.reduce(plus, NONE) });
    return out;
  }
}
