import { CANONICAL, type Canonical } from "./layout.js";
import { withinOneEdit } from "../nearest.js";

/**
 * The canonical column a header name was probably meant to be: the same name
 * but for case, surrounding or inner spaces, `-` or `.` for `_`, or one typo
 * (a letter added, dropped, changed, or two swapped). ` quantity`, `Quantity`,
 * `event-id`, `timestamp ` and `quantty` all are; an exact canonical name is not.
 */
export function nearMissOf(name: string): Canonical | undefined {
  const normal = normalName(name);
  for (const c of CANONICAL) if (name !== c && (normal === c || withinOneEdit(normal, c))) return c;
  return undefined;
}

/** The name among `names` that `name` misses by case, a separator or one typo, as nearMissOf judges a canonical one. */
export function nearMissAmong(name: string, names: Iterable<string>): string | undefined {
  const normal = normalName(name);
  for (const n of names) if (n !== name && (normal === normalName(n) || withinOneEdit(normal, normalName(n)))) return n;
  return undefined;
}

/**
 * Whether a header name is what exports call a count (`qty`, `count`, `units`, `requests`): where the
 * header has no quantity column, the fix for such a column left unread is first `--map quantity=NAME`.
 */
export function quantityLike(name: string): boolean {
  const normal = normalName(name);
  return QUANTITY_WORDS.has(normal) || /(^|_)(qty|count|cnt)$/.test(normal) || /^(qty|count|num|number)_/.test(normal);
}

/**
 * Whether a header name is what exports call an event's id (`request_id`, `idempotency_key`, `generation_id`): where the
 * header has no event_id column, the fix for such a column left unread is first `--map event_id=NAME`. Ignoring it, as
 * the message used to offer alone, priced a log's retries twice (red team, stop 36).
 */
export function idLike(name: string): boolean {
  const normal = normalName(name);
  return ID_WORDS.has(normal) || /^(request|req|event|evt|call|generation|gen|message|msg|transaction|txn|tx|trace|span|log|record|usage|dedup|dedupe)_?(id|uuid|key)$/.test(normal) || /^idempotency(_key|_id)?$/.test(normal);
}

/** A row's id by a name that says nothing of what it identifies (`id`, `uuid`): a database's row number as often as an event's. */
function genericId(name: string): boolean {
  return GENERIC_IDS.has(normalName(name));
}

const GENERIC_IDS: ReadonlySet<string> = new Set(["id", "uuid", "guid", "_id", "row_id", "rowid", "pk"]);

/**
 * An id beside a generic one (genericId) that likelier names what a retry repeats (`request_id`, `event_id`,
 * `idempotency_key`): not a trace's or a span's, which many requests share (red69c F3).
 */
function namedEventId(name: string): boolean {
  return idLike(name) && !genericId(name) && !/^(trace|span|log|record)_?/.test(normalName(name));
}

/**
 * The column beside the id a layout reads (`readId`) to offer as the event id instead, among `names` (in header order):
 * one named `event_id`, wherever it stands and whatever the id read, since its name says it is the event id (offered
 * among the columns to ignore, it was dropped: red69c's or4.csv); else, beside a generic id only, the first that names
 * what it identifies (namedEventId).
 */
export function idBeside(names: readonly string[], readId: string): string | undefined {
  const others = names.filter((name) => name.trim() !== readId.trim());
  return others.find((name) => normalName(name).replaceAll("_", "") === "eventid") ?? (genericId(readId) ? others.find(namedEventId) : undefined);
}

/**
 * Whether a header name is what exports call the customer billed (`org`, `customer_id`, `tenant`): where the header has
 * no account column, the fix for such a column left unread is first `--map account=NAME`. Ignored, as the message
 * offered alone, 20 orgs' usage was priced as the account file's one account, under one allowance (newcomer, stop 48).
 * An end user (`user`) is not one: a gateway's users are its customer's.
 */
function accountLike(name: string): boolean {
  return /^(account|acct|org|organization|organisation|customer|cust|tenant|workspace|subscriber|company)(_?(id|key|name|slug))?$/.test(normalName(name));
}

/** The name among `names` that `name` misses by case, a separator, one typo or an id's suffix (`workspace_id` for `workspace`), if one. */
export function columnMeant(name: string, names: ReadonlySet<string>): string | undefined {
  const stem = normalName(name).replace(/_?(id|key|name|slug|uuid)$/, "");
  return nearMissAmong(name, names) ?? [...names].find((n) => n !== name && stem !== "" && normalName(n) === stem) ?? tokensMeant(name, names);
}

/**
 * The card's component (a count, as tokens are) a name means with a count's suffix: `input_tokens_count` for
 * `input_tokens` (newcomer64b M2: offered as the quantity first, Floopy's count of requests); never a dimension,
 * whose count is the quantity (`project_count`: red64d M4).
 */
export function componentCounted(name: string, components: ReadonlySet<string> | undefined, names: ReadonlySet<string>): string | undefined {
  // Not `_total`: a metrics export's running total, billed on every row (red64e L7).
  const stem = normalName(name).replace(/_?(count|num)$/, "");
  if (stem === normalName(name) || components === undefined) return undefined;
  return [...components].find((c) => names.has(c) && normalName(c) === stem);
}

/**
 * The card's token component a gateway's name for it means: OpenAI's `prompt_tokens` and `completion_tokens` are
 * the `input_tokens` and `output_tokens` of most cards. Offered with the columns to ignore, they were ignored, and
 * only the next run's error said they were the counts (newcomer54 M4).
 */
function tokensMeant(name: string, names: ReadonlySet<string>): string | undefined {
  const normal = normalName(name);
  for (const [theirs, ours] of TOKEN_WORDS) {
    if (!normal.startsWith(theirs)) continue;
    const meant = ours + normal.slice(theirs.length);
    const found = [...names].find((n) => normalName(n) === meant);
    if (found !== undefined) return found;
  }
  return undefined;
}

const TOKEN_WORDS: readonly [string, string][] = [["prompt", "input"], ["completion", "output"]];

/** The canonical column a name is what exports call (a count, an event's id, the customer billed), if one. */
export function likelyCanonical(name: string): "quantity" | "event_id" | "account" | undefined {
  if (quantityLike(name)) return "quantity";
  if (idLike(name)) return "event_id";
  if (accountLike(name)) return "account";
  return undefined;
}

/**
 * Whether a header name is what exports call an event's time (`created_at`, `event_time`, `ts`): where the header has no
 * timestamp column, the fix named first is `--map timestamp=NAME` (newcomer, stop 40: a gateway's `created_at`).
 */
export function timeLike(name: string): boolean {
  const normal = normalName(name);
  return TIME_WORDS.has(normal) || /^(created|occurred|received|logged|started|requested|event|request|start|call)_?(at|time|timestamp|ts|date)$/.test(normal) || /^(timestamp|time|datetime)_(utc|local|iso)$/.test(normal) || epochUnit(name) !== undefined;
}

/**
 * The unit a time column's name gives it, a count since 1970 (`ts_ms`, `timestamp_ms`, `created_at_s`, `epoch`): the
 * `timestamp_unit:` its mapping needs, undefined for a name of no such count. `epoch` and `unix_time` say no unit.
 */
export function epochUnit(name: string): "seconds" | "milliseconds" | "seconds or milliseconds" | undefined {
  const normal = normalName(name);
  const count = /^(ts|time|timestamp|epoch|unix|unix_time|unix_ts|event_time|created_at|created|start_time)_?(ms|millis|milliseconds|s|sec|secs|seconds)$/.exec(normal);
  if (count !== null) return /^m/.test(count[2]!) ? "milliseconds" : "seconds";
  return /^(epoch|unix_time|unix_timestamp|epoch_time)$/.test(normal) ? "seconds or milliseconds" : undefined;
}

/**
 * Whether a time column's name says when a row was written, not when its event happened (`logged_at`, `ingested_at`):
 * read as the event's time, a row flushed after midnight lands in the next cycle (newcomer37 F7: offered before `ts_ms`).
 */
export function writeTimeLike(name: string): boolean {
  return /^(logged|received|inserted|ingested|written|stored|updated|exported|flushed)_?(at|time|timestamp|ts)?$/.test(normalName(name));
}

const TIME_WORDS: ReadonlySet<string> = new Set(["time", "ts", "datetime", "date_time", "date", "when", "at", "created", "time_stamp", "event_timestamp", "start"]);

const ID_WORDS: ReadonlySet<string> = new Set(["id", "uuid", "guid", "idempotency_key", "dedup_key", "dedupe_key", "unique_id"]);

const QUANTITY_WORDS: ReadonlySet<string> = new Set(["qty", "qnty", "quant", "count", "cnt", "n", "num", "number", "units", "unit_count", "value", "requests", "calls", "events", "volume", "total", "usage"]);

function normalName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s.-]+/g, "_");
}
