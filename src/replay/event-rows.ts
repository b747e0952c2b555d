import type { Location } from "../errors.js";
import type { Decimal } from "../money.js";
import type { OtherQuantity, RowSource, ShapedRows } from "../engine/rows.js";
import type { UsageEvent } from "../engine/types.js";

/** A batch's instants are 32-bit offsets from its first row's: it ends before a row as far on as that. */
const SPAN = 2 ** 31;

/**
 * Events made in memory (a simulation's) as the rows of shapes a reader gives, so that the replay takes them on its
 * known path (Replay.pushRows) as it takes a log's, where pushed one by one each was priced in full: the bundled
 * scenarios' replays were most of `simulate`'s time. One source for the whole stream, as a replay reads one: its
 * shapes, accounts, quantities and origins numbered as they first come.
 *
 * A shape is a meter and a dimensions object: a generator makes one object for the events of one set of values
 * (expand.ts's UserDimensions). Two objects of equal values are two shapes, which costs the replay a second look and
 * changes nothing it gives (results never depend on shape numbers); hashing each event's values as text cost a year
 * of 100,000 users 6 seconds of 21.
 * An event's origin is its "line": the source's `origin` hands it back by that number.
 */
export class EventRows {
  private readonly origins: Location[] = [];
  private readonly originNumbers = new Map<Location, number>();
  /** Shapes by dimensions object, then meter: most objects are one activity's, of one meter, so a short list, not a map. */
  private readonly shapes = new Map<Readonly<Record<string, string>>, { meter: string; shape: number }[]>();
  private readonly accountNumbers = new Map<string, number>();
  private readonly quantityNumbers = new Map<string, number>();
  private readonly accounts: string[] = [];
  private readonly meters: string[] = [];
  private readonly dimensions: Readonly<Record<string, string>>[] = [];
  private readonly quantities: Decimal[] = [];
  readonly source: RowSource = { accounts: this.accounts, meters: this.meters, dimensions: this.dimensions, quantities: this.quantities, origin: (line) => this.origins[line]! };

  /** The events, in time order, as one batch or more (a batch spans less than SPAN milliseconds). */
  *rows(events: readonly UsageEvent[]): Generator<ShapedRows> {
    for (let from = 0; from < events.length; ) {
      const base = events[from]!.at;
      let end = from + 1;
      while (end < events.length && events[end]!.at - base < SPAN) end++;
      yield this.batch(events, from, end);
      from = end;
    }
  }

  private batch(events: readonly UsageEvent[], from: number, end: number): ShapedRows {
    const count = end - from;
    const base = events[from]!.at;
    const at = new Int32Array(count);
    const shape = new Int32Array(count);
    const account = new Int32Array(count);
    const quantity = new Int32Array(count);
    const line = new Float64Array(count);
    const otherQuantities: OtherQuantity[] = [];
    for (let i = 0; i < count; i++) {
      const event = events[from + i]!;
      if (event.eventId !== undefined) throw new Error("EventRows: an event with an id is read from a log, not made");
      at[i] = event.at - base;
      shape[i] = this.shapeOf(event);
      account[i] = this.accountOf(event.account);
      line[i] = this.originOf(event.origin);
      if (event.components === undefined) quantity[i] = this.quantityOf(event.quantity);
      else {
        quantity[i] = -1;
        otherQuantities.push({ quantity: event.quantity, components: event.components });
      }
    }
    return { source: this.source, count, base, at, shape, account, quantity, otherQuantities, firstLine: 0, line, ids: undefined };
  }

  private shapeOf(event: UsageEvent): number {
    let byMeter = this.shapes.get(event.dimensions);
    if (byMeter === undefined) this.shapes.set(event.dimensions, (byMeter = []));
    for (const known of byMeter) if (known.meter === event.meter) return known.shape;
    const shape = this.meters.length;
    byMeter.push({ meter: event.meter, shape });
    this.meters.push(event.meter);
    this.dimensions.push(event.dimensions);
    return shape;
  }

  private accountOf(name: string): number {
    return numbered(this.accountNumbers, this.accounts, name, name);
  }

  /** By its text, as a reader numbers a cell's: equal quantities share a number, and so what the replay knows of it. */
  private quantityOf(value: Decimal): number {
    return numbered(this.quantityNumbers, this.quantities, value.toString(), value);
  }

  private originOf(origin: Location): number {
    return numbered(this.originNumbers, this.origins, origin, origin);
  }
}

/** The number of `key` in `numbers`; a key not there yet is the next, its value added to `list` at that place. */
function numbered<K, V>(numbers: Map<K, number>, list: V[], key: K, value: V): number {
  let n = numbers.get(key);
  if (n === undefined) {
    numbers.set(key, (n = list.length));
    list.push(value);
  }
  return n;
}
