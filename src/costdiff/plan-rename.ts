import { readFileSync } from "node:fs";
import { shown } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";

/**
 * What to say of a plan of the base card the new card has not: the new card's plans of the same price and included
 * credits (a rename), and every line of the account file that names it, where the refusal named one of many
 * (newcomer66b F5: `super` renamed `pro`, one line of 33 named and no way on).
 */
export function renamedPlanHint(key: string, base: RateCard, card: RateCard, accountFile: string | undefined): string {
  const old = base.plans.get(key);
  if (old === undefined || card.plans.has(key)) return "";
  const same = [...card.plans.values()].filter((p) => p.price.eq(old.price) && p.included.eq(old.included)).map((p) => p.key);
  const rename = same.length === 0 ? `; the base card's plan ${shown(key)} is not in the new card` : `; the base card's plan ${shown(key)} is not in the new card, whose ${same.map((k) => shown(k)).join(" or ")} has its price and included credits: a rename?`;
  return `${rename}${namedAt(key, accountFile)}`;
}

/** The account file's lines that name a plan, where it names it more than once: a rename is written at each. */
function namedAt(key: string, file: string | undefined): string {
  if (file === undefined) return "";
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return "";
  }
  const plan = new RegExp(`\\bplan:\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*(?:[,}#]|$)`);
  const lines = text.split(/\r?\n/).flatMap((line, i) => (plan.test(line) ? [i + 1] : []));
  if (lines.length < 2) return "";
  const shownLines = lines.length <= 12 ? lines.join(", ") : `${lines.slice(0, 12).join(", ")} and ${lines.length - 12} more`;
  return ` (the account file names it on ${lines.length} lines: ${shownLines})`;
}
