import { ZERO, type Decimal } from "../../money.js";
import type { Simulation } from "../../scenario/simulate.js";
import type { Part } from "../../scenario/parts.js";
import type { RenderContext } from "../shared/context.js";
import type { Block } from "../shared/document.js";
import { credits } from "../shared/numbers.js";

const KINDS = { population: "population", schedule: "schedule", send: "send", inventory: "inventory" } as const;

/**
 * What each part of the scenario comes to (scenario/parts.ts): the credits over the cycles, their share, and their
 * money at the card's credit price, so that "what does the nightly batch cost?" is read off the report.
 */
export function partsBlocks(sim: Simulation, ctx: RenderContext, amount: (v: Decimal) => string): Block[] {
  const { parts, scenario } = sim;
  if (parts.length === 0) return [];
  const { card } = ctx;
  const all = parts.reduce((t, p) => t.plus(p.credits), ZERO);
  const priced = parts.every((p) => p.money !== undefined);
  const share = (v: Decimal) => (all.isZero() ? "-" : `${credits(v.mul(100).div(all), 1)}%`);
  const rows = parts.map((p) => [p.name, KINDS[p.kind], `line ${p.origin.line}`, amount(p.credits), share(p.credits), ...(priced ? [`${credits(p.money!, 2)} ${card.currency}`] : [])]);
  const unit = card.unit;
  return [
    {
      kind: "table",
      title: `What each part of the scenario comes to, ${unit} over the ${scenario.cycles === 1 ? "cycle" : `${scenario.cycles} cycles`}`,
      head: ["Part", "Kind", "Where", titled(unit), "Share", ...(priced ? ["At the credit price"] : [])],
      align: ["left", "left", "left", "right", "right", ...(priced ? ["right" as const] : [])],
      rows,
    },
    {
      kind: "note",
      text: `Each part is priced alone on ${pricedOn(parts, scenario.plan.label)} with its ${unit} and request quota unlimited (its gates and the scenario's own limits as they are): what its usage asks, served or not, before the plan's allowance, which is not shared out.${priced ? ` "At the credit price" is what those ${unit} cost at the card's credit price, as top-ups would.` : ""} Where the card charges a key once a cycle or prices in tiers, parts priced alone may not add up to the whole.${withOthers(parts)}${scenario.populations.some((p) => p.perUser) ? " Populations with billing: per_user pay on their own accounts (below), not here." : ""}`,
    },
  ];
}

/** The parts some of whose events are priced with another's (Part.pricedWith): their own figure leaves those out (red63d M3). */
function withOthers(parts: readonly Part[]): string {
  const moved = parts.filter((p) => p.pricedWith !== undefined);
  if (moved.length === 0) return "";
  return ` ${moved.map((p) => `${p.name} (with ${p.pricedWith})`).join(", ")} ${moved.length === 1 ? "raises" : "raise"}, ${moved.length === 1 ? "lowers" : "lower"}, publish${moved.length === 1 ? "es" : ""} again or end${moved.length === 1 ? "s" : ""} an item that part made first: such events are priced with it, where the item's level or end is one account's.`;
}

function titled(unit: string): string {
  return unit.charAt(0).toUpperCase() + unit.slice(1);
}

/** The plan the parts are priced on: the scenario's, or each cycle's where its changes move it (red58b F9: "on Creator" of a Creator → Team scenario). */
function pricedOn(parts: readonly Part[], first: string): string {
  const labels = [...new Set(parts[0]?.plans.map((p) => p.label) ?? [])];
  return labels.length <= 1 ? first : `the plan in force at each cycle's end (${labels.join(", ")})`;
}
