import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

/** A card's head: one category, one pool of the policy, an included grant, plan `pro` (with `plan` after its label), and the rest after it. */
export function cardHead(pool: string, plan: string, rest: string): string {
  return `provider: rt
version: "a"
effective: "2026-11-01"
unit: credits
currency: USD
credit_price: "0.01"
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories:
  c1: { label: C1 }
pools:
  ${pool}
grant_kinds:
  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }
plans:
  pro: { label: Pro, ${plan} }
${rest}`;
}

/** A copy of a card's text with each `from` replaced once by `to` (each must be there), written to `dir/NAME.yaml`. */
export function writeVariant(dir: string, name: string, card: string, edits: readonly [string, string][]): { file: string; text: string } {
  let text = card;
  for (const [from, to] of edits) {
    expect(text.includes(from), `the card no longer contains ${from}`).toBe(true);
    text = text.replace(from, to);
  }
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return { file, text };
}

/** 1-based line:column of `needle`, found after each of `after` in turn (to reach the right occurrence). */
export function position(text: string, needle: string, ...after: string[]): string {
  let from = 0;
  for (const anchor of after) {
    const i = text.indexOf(anchor, from);
    expect(i, `no ${anchor}`).toBeGreaterThanOrEqual(0);
    from = i + anchor.length;
  }
  const index = text.indexOf(needle, from);
  expect(index, `no ${needle}`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, index);
  return `${before.split("\n").length}:${index - before.lastIndexOf("\n")}`;
}
