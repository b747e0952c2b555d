import type { Instant } from "../../time.js";
import { plusUnits } from "../credits.js";
import type { CheckRoomsByNumber, RoomDraw } from "../full-path.js";

/** A room not open: what it holds is asked of the full path at its first draw. */
const CLOSED = -2;
/** A room's last draw before any: no row of an instant so early is priced. */
const NOT_DRAWN = -Infinity;

/**
 * What known rows drew on the charge checks' rooms (rules.ts) since they were
 * last settled, by room number: a room is opened at its first draw with what
 * its check declares it holds, and its draws are recorded in one sum when the
 * known rows' deferred charges are settled, before anything else reads what
 * the checks record. Within its room a check neither refuses a row nor sets
 * anything off, so the sum records what the rows one by one would.
 */
export class DrawnRooms {
  /** By room number: what it held when opened (CLOSED while not open), what its rows drew, whether by credits, the last draw's instant. */
  private readonly held: number[] = [];
  private readonly drawn: number[] = [];
  private readonly byCredits: boolean[] = [];
  private readonly lastAt: Instant[] = [];
  /** Rooms opened since the last settling, each once. */
  private readonly opened: number[] = [];
  /** The first instant at which what an open room holds may no longer hold (a daily limit's next day): rows from then on are priced once the rooms are settled. */
  until: Instant = Infinity;

  constructor(private readonly rooms: CheckRoomsByNumber) {}

  /** Open the room where it is closed, for rows from `at` on: whether rows draw on it by their credits (units), else by their quantity (millionths). */
  open(room: number, at: Instant): boolean {
    while (this.held.length <= room) {
      this.held.push(CLOSED);
      this.drawn.push(0);
      this.byCredits.push(false);
      this.lastAt.push(NOT_DRAWN);
    }
    if (this.held[room] === CLOSED) {
      this.held[room] = this.rooms.left(room, at);
      this.until = Math.min(this.until, this.rooms.until(room, at));
      this.drawn[room] = 0;
      this.byCredits[room] = this.rooms.drawsCredits(room);
      this.opened.push(room);
    }
    return this.byCredits[room]!;
  }

  /** Whether `amount` more stays within the open room (a sum past MAX_SAFE_INTEGER never rounds down into it). */
  fits(room: number, amount: number): boolean {
    return plusUnits(this.drawn[room]!, amount) <= this.held[room]!;
  }

  /** A row of instant `at` draws `amount` on the open room. */
  take(room: number, amount: number, at: Instant): void {
    this.drawn[room] = plusUnits(this.drawn[room]!, amount);
    this.lastAt[room] = at;
  }

  /** Record what the rows drew on each room opened, where any did, and close them. */
  settle(): void {
    const opened = this.opened;
    const draws: RoomDraw[] = [];
    for (let i = 0; i < opened.length; i++) {
      const room = opened[i]!;
      if (this.lastAt[room] !== NOT_DRAWN) draws.push({ room, drawn: this.drawn[room]!, at: this.lastAt[room]! });
      this.held[room] = CLOSED;
      this.lastAt[room] = NOT_DRAWN;
    }
    opened.length = 0;
    this.until = Infinity;
    if (draws.length > 0) this.rooms.recordAll(draws);
  }
}
