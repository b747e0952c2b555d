import { shown } from "../errors.js";
import { Decimal, roundToStep, type RoundingMode } from "../money.js";
import type { Meter, PriceTree, RateCard } from "../ratecard/types.js";
import type { Report } from "./lookup-coverage.js";

type Path = (string | number)[];

/** The step may move an event of one unit by at most this share of its price before it is a finding. */
const SHARE = new Decimal("0.1");

/** A unit price of a meter, where it is written. */
interface UnitPrice {
  price: Decimal;
  path: Path;
}

function unitPrices(meter: Meter): UnitPrice[] {
  const at = ["meters", meter.key, "price"];
  if (meter.price.kind === "flat") return [{ price: meter.price.value, path: at }];
  const out: UnitPrice[] = [];
  const walk = (node: ReadonlyMap<string, PriceTree>, path: Path) => {
    for (const [key, child] of node) child instanceof Map ? walk(child, [...path, key]) : out.push({ price: child as Decimal, path: [...path, key] });
  };
  walk(meter.price.tree, [...at, "table"]);
  return out;
}

/** The quantity below which (or up to which, where a half rounds down) an event costs nothing. */
function freeUpTo(price: Decimal, step: Decimal, mode: RoundingMode): string {
  const limit = mode === "down" ? step : step.div(2);
  const units = limit.div(price).toSignificantDigits(6);
  return `${mode === "half-even" ? "up to" : "fewer than"} ${units.toFixed()} unit${units.eq(1) ? "" : "s"}`;
}

/**
 * Lint, for a card that rounds each event (`round_at: event`): a price finer than the step. Each charge
 * of a unique or recurring meter is one item, so a price that rounds to 0 makes every charge free: an
 * error. So it is for a flow meter: a row's whole-number quantity counts its events, each of one unit, so every
 * such row is free, a bucket of 2,000,000 tokens too (newcomer61 H1: `check` said "an event of fewer than 200
 * units is charged nothing", and such rows billed 0). A gauge's level may carry many units, so there an event of
 * one unit free is a warning that names how many units go free. A price the step moves by more than a tenth (0.015
 * billed 0.02) is a warning; so is a surcharge the step swallows or distorts on a one-unit event. Meters
 * with components are not judged: their event is rounded whole, with token counts the card cannot know.
 */
export function rounding(card: RateCard, report: Report): void {
  const { roundAt, step, rounding: mode } = card.precision;
  if (roundAt !== "event") return;
  const round = (x: Decimal) => roundToStep(x, step, mode);
  const how = `step ${step.toFixed()} (${mode})`;
  for (const meter of card.meters.values()) {
    if (meter.components.length > 0) continue;
    const items = meter.aggregation === "unique" || meter.aggregation === "recurring";
    const all = unitPrices(meter);
    for (const { price, path } of all.filter((p) => !p.price.isZero())) {
      const charged = round(price);
      if (charged.isZero()) {
        const gauge = meter.aggregation === "gauge";
        report(gauge ? "warning" : "error", "rounds-to-zero", path,
          items
            ? `meter ${shown(meter.key)} charges ${price.toFixed()} an item, which rounds to 0 at ${how}: every ${meter.aggregation === "unique" ? "first use" : "item"} is charged nothing`
            : gauge
              ? `one unit of meter ${shown(meter.key)} costs ${price.toFixed()}, which rounds to 0 at ${how}: a level of ${freeUpTo(price, step, mode)} is charged nothing`
              : `one unit of meter ${shown(meter.key)} costs ${price.toFixed()}, which rounds to 0 at ${how}: a row's whole-number quantity counts its events, each of one unit charged nothing (a row of 2,000,000 costs 0), and a row of a fractional quantity, one event, of ${freeUpTo(price, step, mode)} is charged nothing too`,
          items || gauge
            ? `write the price to the step (a multiple of ${step.toFixed()}), or set precision.step finer, or round_at: none if the provider does not round each event`
            : `a meter of events priced to the step, its units (tokens, bytes) a component of its price (components:), or precision.step finer, or round_at: none if the provider does not round each event`);
      } else if (charged.minus(price).abs().gt(price.mul(SHARE))) {
        report("warning", "rounding-share", path,
          `one unit of meter ${shown(meter.key)} costs ${price.toFixed()}, which ${how} bills ${charged.toFixed()} (${charged.minus(price).div(price).mul(100).toDecimalPlaces(0).toFixed()}%)`,
          `write the price to the step (a multiple of ${step.toFixed()}), or set precision.step finer`);
      }
    }
    meter.surcharges.forEach((s, i) => {
      if (s.amount.isZero()) return;
      const path = ["meters", meter.key, "surcharges", i, s.kind === "per_unit" ? "add" : "per_event"];
      // A free base (price "0") with a per-event surcharge is an event priced by the surcharge alone.
      const added = all.map(({ price }) => ({ price, delta: round(price.plus(s.amount)).minus(round(price)) }));
      if (added.every((a) => a.delta.isZero())) {
        report(items ? "error" : "warning", "rounds-to-zero", path,
          `surcharge ${s.amount.toFixed()} on meter ${shown(meter.key)} adds nothing to an event of one unit at ${how}: the event rounds to what it costs without it`,
          `write the surcharge to the step (a multiple of ${step.toFixed()}), or set precision.step finer`);
        return;
      }
      const off = added.find((a) => a.delta.minus(s.amount).abs().gt(s.amount.abs().mul(SHARE)));
      if (off) {
        report("warning", "rounding-share", path,
          `surcharge ${s.amount.toFixed()} on meter ${shown(meter.key)} adds ${off.delta.toFixed()} to an event of one unit priced ${off.price.toFixed()} at ${how}`,
          `write the surcharge to the step (a multiple of ${step.toFixed()}), or set precision.step finer`);
      }
    });
  }
}

/**
 * The flow meters (without components) of a card that rounds each event, a unit price of which rounds to 0: every
 * whole-number row of theirs is that many events charged nothing (the `rounds-to-zero` error above). `statement`
 * warns where its usage has such rows, as a card `check` was not run on bills them 0 without a word (newcomer61 H1).
 */
export function freeFlowMeters(card: RateCard): ReadonlySet<string> {
  const free = new Set<string>();
  const { roundAt, step, rounding: mode } = card.precision;
  if (roundAt !== "event") return free;
  for (const meter of card.meters.values()) {
    if (meter.components.length > 0 || meter.aggregation !== "flow") continue;
    if (unitPrices(meter).some((p) => !p.price.isZero() && roundToStep(p.price, step, mode).isZero())) free.add(meter.key);
  }
  return free;
}
