// Writes the deterministic synthetic Fliplet usage logs of the benchmark: ROWS rows over
// three monthly cycles from 2026-09-01 (UTC), 1,000 projects, 100,000 end-users a
// cycle, about twenty meters. The same shape and rows always write the same bytes.
// Shapes (issue 16), all holding the same rows as `plain` except where said:
//   plain     one file in time order
//   ids       an `event_id` column, unique per row
//   late      0.1% of rows written up to 10 minutes later in the file than their time
//   files     a folder of daily files, one per UTC day (YYYY-MM-DD.csv), in time order
//   accounts  an `account` column spreading the rows over 100,000 accounts
//   shuffled  rows in random order within each UTC day
//   tokens    not Fliplet's: an AI gateway's log on ratecards/floopy.yaml, one row a request
//             (its model, provider, team, prompt and completion tokens, a request id), read
//             through a mapping file beside it (TOKENS_MAPPING), 0.1% of rows up to 10 minutes late
// Usage: node bench/generate.mjs ROWS OUT [SHAPE]   (OUT a folder for `files`; `tokens` writes
// OUT.mapping.yaml too)
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { mulberry32 } from "../scripts/prng.mjs";

export const START = Date.UTC(2026, 8, 1);
const END = Date.UTC(2026, 11, 1);
const DAY = 86_400_000;
const PROJECTS = 1000;
const USERS = 100_000;
export const ACCOUNTS = 100_000;
const LATE_SHARE = 0.001;
const MAX_LATENESS = 10 * 60_000;
export const SHAPES = ["plain", "ids", "late", "files", "accounts", "shuffled", "tokens"];
const HEADER = "timestamp,meter,quantity,project,user,channel,distribution,source,model";

// Share of rows per kind of event (recurring and gauge events are added separately).
const MIX = [
  [0.34, "end_user_open"], [0.2, "data_read"], [0.08, "data_write"], [0.06, "push"], [0.02, "email"],
  [0.01, "sms"], [0.05, "maps_call"], [0.06, "automation_run"], [0.04, "web_fetch"], [0.02, "image_save"],
  [0.02, "browser_inspection"], [0.05, "ai_input_tokens"], [0.05, "ai_output_tokens"],
];

const stamp = (ms) => new Date(ms).toISOString().slice(0, 19) + "Z";

/** The log's rows in time order, each as its instant and its line (no newline): the same for every shape. */
function* timeOrdered(rows) {
  const rnd = mulberry32(rows);
  // Inventory first: every project kept and published, with storage and records.
  const first = stamp(START);
  for (let p = 0; p < PROJECTS; p++) {
    const project = `p${String(p).padStart(4, "0")}`;
    yield [START, `${first},project_created,1,${project},,,,,`];
    yield [START, `${first},published,1,${project},,${["web", "ios", "android"][p % 3]},${p % 10 === 0 ? "private" : "public"},,`];
    yield [START, `${first},storage_added,${1 + (p % 5)},${project},,,,,`];
    yield [START, `${first},records_added,${100 * (1 + (p % 20))},${project},,,,,`];
  }
  const body = rows - PROJECTS * 4;
  const step = (END - START - 60_000) / body;
  for (let i = 0; i < body; i++) {
    const ms = START + 60_000 + Math.floor(i * step);
    const at = stamp(ms);
    const pick = rnd();
    let meter = MIX[MIX.length - 1][1];
    for (let acc = 0, k = 0; k < MIX.length; k++) {
      acc += MIX[k][0];
      if (pick < acc) {
        meter = MIX[k][1];
        break;
      }
    }
    const project = `p${String(Math.floor(rnd() * PROJECTS)).padStart(4, "0")}`;
    switch (meter) {
      case "end_user_open": {
        // Each end-user belongs to one project: 100,000 distinct users, 100 a project.
        const user = Math.floor(rnd() * USERS);
        yield [ms, `${at},end_user_open,1,p${String(user % PROJECTS).padStart(4, "0")},u${user},,,,`];
        break;
      }
      case "email": case "sms": case "push":
        yield [ms, `${at},${meter},${1 + Math.floor(rnd() * 20)},${project},,,,${rnd() < 0.5 ? "studio" : "project"},`];
        break;
      case "ai_input_tokens": case "ai_output_tokens":
        yield [ms, `${at},${meter},${100 + Math.floor(rnd() * 4000)},${project},,,,${rnd() < 0.7 ? "studio" : "project"},${rnd() < 0.8 ? "standard" : "advanced"}`];
        break;
      case "data_read":
        yield [ms, `${at},data_read,${1 + Math.floor(rnd() * 50)},${project},,,,,`];
        break;
      default:
        yield [ms, `${at},${meter},1,${project},,,,,`];
    }
  }
}

/** A buffered file writer that waits for the disk when its buffer is full. */
class Sink {
  constructor(file) {
    this.out = createWriteStream(file, { highWaterMark: 1 << 20 });
    this.buffer = "";
  }
  async line(text) {
    this.buffer += text + "\n";
    if (this.buffer.length > 1 << 20) await this.flush();
  }
  async flush() {
    if (!this.out.write(this.buffer)) await once(this.out, "drain");
    this.buffer = "";
  }
  async end() {
    await this.flush();
    this.out.end();
    await once(this.out, "finish");
  }
}

const dayOf = (ms) => Math.floor(ms / DAY);
const dayName = (day) => new Date(day * DAY).toISOString().slice(0, 10);

/** Write `rows` rows of `shape` to `target` (a file; a folder for `files`). Shapes' own randomness has its own seed. */
export async function generate(rows, target, shape = "plain") {
  const rnd = mulberry32(rows ^ 0x5eed);
  if (shape === "files") return dailyFiles(rows, target);
  if (shape === "tokens") return gateway(rows, target, rnd);
  const sink = new Sink(target);
  const header = { ids: `${HEADER},event_id`, accounts: `${HEADER},account` }[shape] ?? HEADER;
  await sink.line(header);
  if (shape === "late") await late(rows, sink, rnd);
  else if (shape === "shuffled") await shuffled(rows, sink, rnd);
  else {
    let i = 0;
    for (const [, line] of timeOrdered(rows)) {
      i++;
      if (shape === "ids") await sink.line(`${line},e${i.toString(36)}`);
      else if (shape === "accounts") await sink.line(`${line},a${Math.floor(rnd() * ACCOUNTS)}`);
      else await sink.line(line);
    }
  }
  await sink.end();
}

/** A row in a thousand is held back and written once the log has reached up to ten minutes past its time. */
async function late(rows, sink, rnd) {
  await heldBack(timeOrdered(rows), sink, rnd);
}

/** Rows `[ms, line]` in time order written to `sink`, a row in a thousand held back until the log is up to ten minutes past its time. */
async function heldBack(ordered, sink, rnd) {
  const held = [];
  for (const [ms, line] of ordered) {
    while (held.length > 0 && held[0][0] <= ms) await sink.line(held.shift()[1]);
    if (rnd() < LATE_SHARE) {
      const due = ms + 1 + Math.floor(rnd() * MAX_LATENESS);
      const at = held.findIndex(([d]) => d > due);
      held.splice(at < 0 ? held.length : at, 0, [due, line]);
    } else await sink.line(line);
  }
  for (const [, line] of held) await sink.line(line);
}

/** Each UTC day's rows shuffled (Fisher-Yates) before they are written. */
async function shuffled(rows, sink, rnd) {
  let day;
  let lines = [];
  const flush = async () => {
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
    for (const line of lines) await sink.line(line);
    lines = [];
  };
  for (const [ms, line] of timeOrdered(rows)) {
    if (dayOf(ms) !== day) await flush();
    day = dayOf(ms);
    lines.push(line);
  }
  await flush();
}

/** The gateway's columns mapped onto burnrate's, as fixtures/floopy/gateway.csv.mapping.yaml maps them. */
export const TOKENS_MAPPING = "columns:\n  timestamp: created_at\n  account: org\n  meter: kind\n  quantity: requests\n  event_id: request_id\nrename:\n  prompt_tokens: input_tokens\n  completion_tokens: output_tokens\n";
/** The models and providers of floopy.yaml's price tables, the first most used. */
const SERVED = [["gpt-4o-mini", "openai"], ["gpt-4o", "openai"], ["gpt-4o", "azure"], ["claude-sonnet-4", "anthropic"], ["llama-3.1-70b", "groq"], ["gpt-4o-mini", "azure"], ["claude-sonnet-4", "bedrock"], ["llama-3.1-70b", "together"]];

/**
 * An AI gateway's log: a row a request over the three cycles, of one organisation's two teams,
 * prompts of up to 8,000 tokens (most short) and completions of up to 2,000, a request in a
 * hundred a playground run; a row in a thousand written up to ten minutes late, as `late` does.
 */
async function gateway(rows, target, rnd) {
  writeFileSync(`${target}.mapping.yaml`, TOKENS_MAPPING);
  const sink = new Sink(target);
  await sink.line("created_at,org,kind,model,provider,team,prompt_tokens,completion_tokens,requests,request_id");
  // Each request's values are drawn as it is reached, before whether it is held back: the same draws in the same order as one loop.
  await heldBack(requests(rows, rnd), sink, rnd);
  await sink.end();
}

function* requests(rows, rnd) {
  const step = (END - START - 60_000) / rows;
  for (let i = 0; i < rows; i++) {
    const ms = START + 60_000 + Math.floor(i * step);
    const pick = rnd();
    const [model, provider] = SERVED[Math.min(SERVED.length - 1, Math.floor(pick * pick * SERVED.length))];
    const prompt = Math.floor(rnd() * rnd() * 8000);
    const completion = Math.floor(rnd() * 2000);
    yield [ms, `${stamp(ms)},acme,${rnd() < 0.01 ? "playground" : "request"},${model},${provider},${rnd() < 0.6 ? "research" : "support"},${prompt},${completion},1,q${i.toString(36)}`];
  }
}

/** One file a UTC day in `folder`, named so that name order is time order. */
async function dailyFiles(rows, folder) {
  mkdirSync(folder, { recursive: true });
  let day;
  let sink;
  for (const [ms, line] of timeOrdered(rows)) {
    if (dayOf(ms) !== day) {
      await sink?.end();
      day = dayOf(ms);
      sink = new Sink(join(folder, `${dayName(day)}.csv`));
      await sink.line(HEADER);
    }
    await sink.line(line);
  }
  await sink.end();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await generate(Number(process.argv[2]), process.argv[3], process.argv[4]);
}
