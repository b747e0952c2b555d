import { DateTime, FixedOffsetZone, IANAZone, type Zone as LuxonZone } from "luxon";
import { shown } from "./errors.js";
import { withinOneEdit } from "./nearest.js";

/**
 * Instants are integer epoch milliseconds. Parsing is done by hand for the
 * common ISO-8601 forms so that a replay makes no Date per row; only local
 * times without an offset go through the time-zone database.
 */
export type Instant = number;

/** An instant before every other. */
export const BEFORE_ALL: Instant = -Infinity;

/** The number of the span of `span` milliseconds from the epoch that holds an instant: an hour's, for a burn-down. */
export function spanNumber(at: Instant, span: number): number {
  return Math.floor(at / span);
}

/** Where the span of `span` milliseconds from the epoch that holds an instant ends. */
export function spanEnd(at: Instant, span: number): Instant {
  return (spanNumber(at, span) + 1) * span;
}

/** ` UTC` after the time is how BigQuery and other warehouses write a UTC instant in CSV (`2026-11-01 04:25:41 UTC`). */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z| ?UTC|[+-]\d{2}(?::?\d{2})?)?$/;

/** An instant read, or why not; `clocks` where a zone's clock change (a gap or an overlap) is why. */
export type ParsedInstant = { ok: true; at: Instant } | { ok: false; problem: string; expected: string; clocks?: true };

const EXPECTED = "an ISO-8601 instant such as 2026-10-14T09:30:00Z";

/** What an anchor, a start or a through date takes: a plain date is what usually goes there. */
export const DATE_OR_INSTANT = "a date YYYY-MM-DD or an ISO-8601 instant such as 2026-10-14T09:30:00Z";

/** A count of seconds or milliseconds since 1970 (Stripe's, Lago's, the usage APIs'), which a usage mapping reads. */
const EPOCH_COUNT = /^\d{9,13}(?:\.\d+)?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : DAYS[month - 1]!;
}

/**
 * Midnight UTC of a proleptic Gregorian date, in epoch milliseconds, for every
 * year as written: Date.UTC reads the years 0 to 99 as 1900 to 1999, so a log
 * dated 0026 would be priced in 1926 (days from the civil date, H. Hinnant).
 */
function utcMillis(date: { year: number; month: number; day: number }): number {
  const y = date.month <= 2 ? date.year - 1 : date.year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5) + date.day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return (era * 146_097 + dayOfEra - 719_468) * 86_400_000;
}

/** The midnight of the last date seen, so rows of one day skip the calendar arithmetic. */
let lastDay = { text: "", at: 0 };

/** "2026-10-14T09:30:00Z" exactly: the shape nearly every log writes, read without a regular expression. */
function parseZulu(text: string): ParsedInstant | undefined {
  if (text.length !== 20 || text.charCodeAt(10) !== 84 || text.charCodeAt(19) !== 90 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const digit = (i: number) => text.charCodeAt(i) - 48;
  for (const i of [11, 12, 14, 15, 17, 18]) if (digit(i) < 0 || digit(i) > 9) return undefined;
  const hour = digit(11) * 10 + digit(12), minute = digit(14) * 10 + digit(15), second = digit(17) * 10 + digit(18);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = text.slice(0, 10);
  if (date !== lastDay.text) {
    const day = parseGeneral(`${date}T00:00:00Z`, UTC_ZONE_FOR_DATES);
    if (!day.ok) return undefined;
    lastDay = { text: date, at: day.at };
  }
  return { ok: true, at: lastDay.at + ((hour * 60 + minute) * 60 + second) * 1000 };
}

/** Parse an ISO-8601 instant; without an offset it is a local time in `zone`. */
export function parseInstant(text: string, zone: Zone): ParsedInstant {
  return (text.length === 20 ? parseZulu(text) : undefined) ?? parseGeneral(text, zone);
}

/** A date and time, then a space and a numeric offset: the two parts as they would be written without it. */
const SPACED_OFFSET = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) ([+-]\d{2}(?::?\d{2})?)$/;

function parseGeneral(text: string, zone: Zone): ParsedInstant {
  const m = ISO.exec(text);
  if (!m) {
    // Ruby's Time#to_s and git's --date=iso write a space before the offset: said, as the cell looks like a time otherwise.
    const spaced = SPACED_OFFSET.exec(text);
    if (spaced) return { ok: false, problem: "bad timestamp", expected: `${EXPECTED}; the offset follows the time without a space (${spaced[1]}${spaced[2]})` };
    return { ok: false, problem: "bad timestamp", expected: EPOCH_COUNT.test(text) ? `${EXPECTED}, or for a usage log of seconds since 1970 timestamp_unit: seconds (or milliseconds) in its mapping` : EXPECTED };
  }
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", offset] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, problem: "no such date", expected: "a calendar date" };
  }
  if (second === 60) return { ok: false, problem: "leap seconds are not supported", expected: "seconds from 00 to 59" };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: "no such time of day", expected: "hh:mm:ss within 00:00:00-23:59:59" };
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  const wall = utcMillis({ year, month, day }) + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  if (offset === undefined) {
    const local = zone.fromLocal(wall);
    // A date alone is its day's first instant: where the clocks skip midnight, the time they skip to, as a cycle that
    // starts that day starts (red51 #5: an anchor on such a day was refused, and the offset it asked for made every
    // later cycle start an hour late).
    return local.ok || m[4] !== undefined ? local : { ok: true, at: zone.dayStart({ year, month, day }) };
  }
  if (offset === "Z" || offset === "z" || offset.endsWith("UTC")) return { ok: true, at: wall };
  const sign = offset[0] === "-" ? -1 : 1;
  const digits = offset.slice(1).replace(":", "");
  const offH = Number(digits.slice(0, 2)), offM = Number(digits.slice(2) || "0");
  if (offH > 23 || offM > 59) return { ok: false, problem: "bad offset", expected: "an offset such as +02:00" };
  return { ok: true, at: wall - sign * (offH * 60 + offM) * 60_000 };
}

/** An IANA time zone, able to turn local wall-clock times into instants and to find local midnights. */
const QUARTER_HOUR = 15 * 60_000;
/** Quarter hours a zone keeps the offset of: 87,600 a quarter of a year; past it they are asked again. */
const MAX_QUARTERS = 1 << 17;

/** The IANA zones' names, listed at the first guess: an unknown zone is an error, once a run. */
let ZONE_NAMES: string[] | undefined;

export class Zone {
  private constructor(
    readonly name: string,
    private readonly zone: LuxonZone,
  ) {}

  /**
   * UTC by its own name is luxon's fixed zone, the same offsets without the time-zone database: a
   * name's check (an `Intl.DateTimeFormat`) is ICU's first use in a thread, 16 to 30 ms, and the
   * scanner's worker, which reads UTC logs with no other use of ICU, paid it as it booted
   * (docs/performance.md, boot17). Every other name is checked by ICU.
   */
  static of(name: string): Zone | undefined {
    if (name === "UTC") return new Zone(name, FixedOffsetZone.utcInstance);
    return IANAZone.isValidZone(name) ? new Zone(name, IANAZone.create(name)) : undefined;
  }

  /** "; did you mean "America/New_York"?" for a name an IANA zone's is a typo or a case away from (America/NewYork), else "". */
  static guess(name: string): string {
    // An offset (UTC-8, GMT+1) is no typo of a zone: "UTC" would move every time by hours (red team, stop 40).
    if (/\d/.test(name)) return "";
    ZONE_NAMES ??= ["UTC", ...Intl.supportedValuesOf("timeZone")];
    // A case, a separator or one letter away, no further: Asia/Dehli is no Asia/Dili (Delhi is Asia/Kolkata).
    const folded = (zone: string) => zone.trim().toLowerCase().replace(/[\s-]+/g, "_");
    const near = ZONE_NAMES.find((zone) => zone !== name && withinOneEdit(folded(name), folded(zone)));
    return near === undefined ? "" : `; did you mean ${shown(near)}?`;
  }

  /** The zone's offset in minutes where it is one offset at every instant (UTC by its own name), else undefined. */
  get fixedOffset(): number | undefined {
    return this.zone.isUniversal ? this.zone.offset(0) : undefined;
  }

  get isUtc(): boolean {
    return this.zone.offset(0) === 0 && this.zone.offset(Date.UTC(2026, 6, 1)) === 0 && this.zone.offset(Date.UTC(2026, 0, 1)) === 0;
  }

  /**
   * A wall-clock time (given as if it were UTC) to an instant. A time that the
   * clocks skip (a DST gap) or show twice (an overlap) has no single instant:
   * burnrate refuses to guess.
   */
  fromLocal(wall: number): ParsedInstant {
    const candidates = new Set<number>();
    for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) {
      const at = wall - this.offset(probe) * 60_000;
      if (at + this.offset(at) * 60_000 === wall) candidates.add(at);
    }
    if (candidates.size === 1) return { ok: true, at: [...candidates][0]! };
    if (candidates.size === 0) {
      return { ok: false, problem: `local time does not exist in ${this.name} (clocks skip it)`, expected: "a local time outside a daylight-saving gap, or an offset", clocks: true };
    }
    return { ok: false, problem: `local time happens twice in ${this.name} (clocks fall back)`, expected: "an explicit offset such as +01:00", clocks: true };
  }

  /**
   * The zone's offset from UTC at `at`, in minutes, kept by quarter hour: ICU's answer (luxon's `formatToParts`) is
   * about 9 microseconds, and a log's times without an offset asked it three times a row (stop 40: 300,000 rows in
   * America/New_York took 20 s). A quarter hour whose two ends have one offset has it throughout (no zone changes its
   * offset twice within one); one whose ends differ holds a change, and each instant in it is asked exactly.
   */
  offset(at: Instant): number {
    if (this.zone.isUniversal) return this.zone.offset(at);
    const quarter = Math.floor(at / QUARTER_HOUR);
    let offset = this.offsets.get(quarter);
    if (offset === undefined) {
      const first = this.zone.offset(quarter * QUARTER_HOUR);
      if (first !== this.zone.offset(quarter * QUARTER_HOUR + QUARTER_HOUR - 1)) return this.zone.offset(at);
      if (this.offsets.size >= MAX_QUARTERS) this.offsets.clear();
      this.offsets.set(quarter, (offset = first));
    }
    return offset;
  }

  private readonly offsets = new Map<number, number>();

  dateTime(at: Instant): DateTime {
    return DateTime.fromMillis(at, { zone: this.zone });
  }

  /** The first instant of a local date: its midnight, or where the clocks skip midnight (a daylight-saving gap at 00:00), the first time the day has. */
  dayStart(date: { year: number; month: number; day: number }): Instant {
    return DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour: 12 }, { zone: this.zone }).startOf("day").toMillis();
  }

  /** The local date of an instant, YYYY-MM-DD. */
  localDate(at: Instant): string {
    return this.dayOf(at).date;
  }

  /** The first instant of the local date after `at`'s: where localDate changes next (a day of 23 or 25 hours across a clock change). */
  nextLocalDay(at: Instant): Instant {
    return this.dayOf(at).end;
  }

  /**
   * The local day of an instant, the last one asked kept: a daily limit asks of each row it judges, and
   * luxon's answer in a zone of the time-zone database takes tens of microseconds (ICU's offsets).
   */
  private dayOf(at: Instant): LocalDay {
    const last = this.lastDay;
    if (last !== undefined && at >= last.start && at < last.end) return last;
    const start = this.dateTime(at).startOf("day");
    return (this.lastDay = { date: start.toISODate()!, start: start.toMillis(), end: start.plus({ days: 1 }).startOf("day").toMillis() });
  }

  private lastDay: LocalDay | undefined;
}

/** A local date and the instants it runs over, from `start` to before `end`. */
interface LocalDay {
  readonly date: string;
  readonly start: Instant;
  readonly end: Instant;
}

/** The places a legacy fixed zone is usually meant for: their clocks change in summer (Hawaii's aside), the fixed zone's never do. */
const MEANT = new Map([
  ["EST", "for US Eastern time use America/New_York"],
  ["MST", "for US Mountain time use America/Denver (Arizona: America/Phoenix)"],
  ["HST", "for Hawaii use Pacific/Honolulu (the same offset, named by its place)"],
  // The time-zone database's BST is Bangladesh's; IST is India's, the same offset as Asia/Kolkata (newcomer72a L2).
  ["BST", "for British Summer Time use Europe/London, which has it from March to October (BST here is Bangladesh's, Asia/Dhaka)"],
  ["IST", "for India use Asia/Kolkata (the same offset, named by its place); for Irish time Europe/Dublin, for Israel's Asia/Jerusalem"],
  ["JST", "for Japan use Asia/Tokyo (the same offset, named by its place)"],
]);

/**
 * The three-letter names the time-zone database keeps as links to a place (Java's old IDs): each reads as one place's
 * clock, which the writer may not mean (`CST` is Chicago's, not China's; `AST` Anchorage's, not Atlantic time; `ECT`
 * Paris's, not Ecuador's; `MIT` Samoa's). What else each is commonly written for, where it is. Not Europe's CET, EET,
 * MET and WET, which name the clock they are read as, summer time and all (red72a L5); JST, EAT and CAT are fixed
 * offsets, told as such.
 */
const LINKED_ABBREVIATIONS = new Map([
  ["PST", "Philippine time, Asia/Manila"], ["CST", "China's, Asia/Shanghai, and Cuba's, America/Havana"], ["AST", "Atlantic time, America/Halifax"],
  ["ECT", "Ecuador's, America/Guayaquil"], ["ART", "Argentina's, America/Argentina/Buenos_Aires"], ["NST", "Newfoundland's, America/St_Johns"],
  ["SST", "Singapore's, Asia/Singapore, and Samoa's, Pacific/Pago_Pago"], ["ACT", "the Australian Capital Territory's, Australia/Sydney"],
  ["AET", undefined], ["AGT", undefined], ["BET", undefined], ["CNT", undefined], ["CTT", undefined], ["IET", undefined], ["MIT", undefined],
  ["NET", undefined], ["PLT", undefined], ["PNT", undefined], ["PRT", undefined], ["VST", undefined],
]);

/** The names of UTC that say GMT or Greenwich. */
const GMT_NAMES = new Set(["GMT", "GMT0", "GMT+0", "GMT-0", "GREENWICH", "ETC/GMT", "ETC/GMT0", "ETC/GMT+0", "ETC/GMT-0", "ETC/GREENWICH"]);

/**
 * What to say of a zone name that is a fixed offset rather than a place (EST, MST, HST, Etc/GMT+5): it
 * never changes for summer, so an account that means US Eastern time gets cycle boundaries an hour off
 * from March to November; GMT likewise for the UK's clock. Undefined for a place's zone (America/Phoenix is fixed on purpose) and for UTC.
 */
export function fixedZoneAdvice(zone: Zone): string | undefined {
  const offsets = [Date.UTC(2026, 0, 1), Date.UTC(2026, 6, 1)].map((at) => zone.dateTime(at).offset);
  const named = zone.name.toUpperCase();
  // GMT is UTC by another name, and mostly written meaning the UK's clock, which is an hour ahead from March to October.
  if (GMT_NAMES.has(named)) return `time zone ${shown(zone.name)} is UTC all year, with no summer time: for UK time use Europe/London (UTC itself as UTC)`;
  if (LINKED_ABBREVIATIONS.has(named) && !MEANT.has(named)) {
    const place = new Intl.DateTimeFormat("en-US", { timeZone: zone.name }).resolvedOptions().timeZone;
    const also = LINKED_ABBREVIATIONS.get(named);
    return `time zone ${shown(zone.name)} is an abbreviation, which the time-zone database reads as ${place}${offsets[0] === offsets[1] ? "" : " (with its summer time)"}: name the place's zone${also === undefined ? "" : ` (${named} is also written for ${also})`}, ${place} if that is the one meant`;
  }
  if (offsets[0] !== offsets[1] || offsets[0] === 0 || (zone.name.includes("/") && !named.startsWith("ETC/"))) return undefined;
  const offset = zone.dateTime(Date.UTC(2026, 0, 1)).toFormat("ZZ");
  const sign = named.slice(7);
  const reversed = named.startsWith("ETC/GMT") ? ` (Etc/ zones reverse the sign: ${sign} is ${sign.startsWith("+") ? "behind" : "ahead of"} UTC)` : "";
  const meant = MEANT.get(named) ?? "for a place's time name its zone, such as America/New_York or Asia/Kolkata";
  return `time zone ${shown(zone.name)} is a fixed UTC${offset} all year${reversed}, with no daylight saving: ${meant}`;
}

/** Only used for dates with an explicit Z, where the zone plays no part. */
const UTC_ZONE_FOR_DATES = Zone.of("UTC")!;

/** ISO text of an instant in UTC; milliseconds only when there are any. */
export function formatInstant(at: Instant): string {
  const iso = new Date(at).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

/**
 * Monthly cycles from an anchor. Cycle n starts at the anchor plus n months in
 * the account's time zone, the day clamped to the month's end; every start is
 * computed from the original anchor, never from the previous clamped date.
 */
/** Cycles past the last start worked out that are listed in turn (a statement's next months); beyond, a start is worked out alone. */
const NEAR_CYCLES = 1200;

export class Calendar {
  private readonly starts: Instant[] = [];
  private readonly anchor: DateTime;

  /** `dated`: the anchor was written as a date alone, which means its day's start, and each later cycle's day's start. */
  constructor(anchorAt: Instant, readonly zone: Zone, dated = false) {
    this.anchor = zone.dateTime(anchorAt);
    this.starts.push(anchorAt);
    // A date alone on a day whose midnight the clocks skip is the day's first instant, 01:00 or so: the cycles after it
    // start at their days' midnights, not at that hour (red51 #5). An anchor written with a time keeps it (red51b #1).
    const day = this.anchor.startOf("day");
    this.midnights = dated && day.toMillis() === anchorAt && this.anchor.hour !== 0 ? DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone: "UTC" }) : undefined;
  }

  /** The anchor's local date, where the cycles start at the first instant of each month's day: an anchor a skipped midnight moved. */
  private readonly midnights: DateTime | undefined;

  private startOf(n: number): Instant {
    if (this.midnights === undefined) return this.anchor.plus({ months: n }).toMillis();
    const date = this.midnights.plus({ months: n });
    return this.zone.dayStart({ year: date.year, month: date.month, day: date.day });
  }

  /** Where a cycle before the first would start: rows from it on are an export's spill over the anchor, not a typo. */
  previousStart(): Instant {
    return this.startOf(-1);
  }

  start(n: number): Instant {
    if (n >= this.starts.length + NEAR_CYCLES) {
      // A row centuries out (a year typed 9999) is searched for by doubling: filling every start up to it took seconds.
      let far = this.far.get(n);
      if (far === undefined) this.far.set(n, (far = this.startOf(n)));
      return far;
    }
    while (this.starts.length <= n) {
      this.starts.push(this.startOf(this.starts.length));
    }
    return this.starts[n]!;
  }

  /** Starts past the ones listed, each worked out alone from the anchor, as every start is. */
  private readonly far = new Map<number, Instant>();

  /** The index of the cycle holding `at`; -1 before the anchor. */
  indexOf(at: Instant): number {
    if (at < this.start(0)) return -1;
    let lo = 0;
    let hi = 1;
    while (this.start(hi) <= at) hi *= 2;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.start(mid) <= at) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** The first renewal after cycle `index`, for a subscription renewing every `months` cycles from the anchor. */
  renewalAfter(index: number, months: number): Instant {
    return this.start(Math.ceil((index + 1) / months) * months);
  }

  /** Months later, keeping the anchor's clamping rule (add-on expiry: 12 months after purchase). */
  addMonths(at: Instant, months: number): Instant {
    return this.zone.dateTime(at).plus({ months }).toMillis();
  }
}
