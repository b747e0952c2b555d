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
 */
export class GrainLines {
  private readonly lines = new Map<string, LinePair>();

  add(side: "old" | "new", unitPrice: Decimal, version: string | undefined, served: Served): void {
    const key = `${unitPrice.toString()}\u0000${version ?? ""}`;
    const pair = this.lines.get(key) ?? { old: NONE, new: NONE };
    pair[side] = plus(pair[side], served);
    this.lines.set(key, pair);
  }

  /** Each side summed: the grain as one line. */
  total(): LinePair {
    let old = NONE;
    let now = NONE;
    for (const p of this.lines.values()) {
      old = plus(old, p.old);
      now = plus(now, p.new);
    }
    return { old, new: now };
  }

  /**
   * The grain's lines paired, the same rows' under each card, as far as the lines tell them: a line of one unit price
   * and version under both cards (the price unchanged); else lines of as many events and as much quantity (the same
   * rows at another price); else the one line left on each side (the grain's price changed). What is left past that
   * is paired as one blend of each side's lines.
   */
  pairs(): LinePair[] {
    const out: LinePair[] = [];
    const olds: Served[] = [];
    const news: Served[] = [];
    for (const p of this.lines.values()) {
      if (p.old.events > 0 && p.new.events > 0) out.push(p);
      else if (p.old.events > 0) olds.push(p.old);
      else if (p.new.events > 0) news.push(p.new);
    }
    const same = (a: Served, b: Served) => a.events === b.events && a.quantity.eq(b.quantity);
    for (let i = olds.length - 1; i >= 0; i--) {
      const matches = news.filter((n) => same(olds[i]!, n));
      if (matches.length !== 1 || olds.filter((o) => same(o, matches[0]!)).length !== 1) continue;
      out.push({ old: olds[i]!, new: matches[0]! });
      news.splice(news.indexOf(matches[0]!), 1);
      olds.splice(i, 1);
    }
    if (olds.length > 0 || news.length > 0) out.push({ old: olds.reduce(plus, NONE), new: news.reduce(plus, NONE) });
    return out;
  }
}
