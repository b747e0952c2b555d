import type { Statement } from "../../engine/types.js";
import type { RateCard } from "../../ratecard/types.js";
import { jsonString } from "../shared/escape.js";
import { byteOutput, bytes, JsonBytes } from "../shared/json-bytes.js";
import { CycleText } from "./cycle-text.js";
import { valueText } from "./line-bytes.js";
import { statementHead } from "./json.js";

/**
 * The statement's JSON (statementJson, as `JSON.stringify(value, null, 2)`
 * with jsonVisible's escapes, and a newline) written straight as UTF-8: its
 * shape is known, so each part is fixed bytes at fixed indents and the values'
 * text, with no object per line or per amount on the way. A log of a hundred
 * thousand accounts writes a GB of it: accounts are read once, in order, and
 * the bytes are given out in chunks of about a MiB (json-bytes.ts), within a
 * cycle's lines too (one account of a large log has cycles of tens of
 * thousands of lines). One loop over accounts, cycles and lines: a generator
 * per account and per cycle cost more than their text.
 */
export function statementJsonText(statement: Statement, card?: RateCard): Iterable<string> {
  return byteOutput(() => statementJsonBytes(statement, card));
}

function* statementJsonBytes(statement: Statement, card: RateCard | undefined): Generator<Buffer> {
  const out = new JsonBytes();
  const cycles = new CycleText(out, card, statement.currency);
  const lines = cycles.lines();
  out.text(headText(statement));
  let first = true;
  for (const account of statement.accounts) {
    out.raw(first ? FIRST_ACCOUNT : NEXT_ACCOUNT);
    first = false;
    out.string(account.account);
    out.raw(PLAN);
    out.string(account.plan);
    out.raw(CYCLES);
    let firstCycle = true;
    for (const c of account.cycles) {
      out.raw(firstCycle ? FIRST_CYCLE : NEXT_CYCLE);
      firstCycle = false;
      cycles.head(c);
      if (c.lines.length === 0) out.raw(EMPTY_ARRAY);
      else {
        let next = FIRST_LINE;
        for (const line of c.lines) {
          out.raw(next);
          next = NEXT_LINE;
          lines.write(line);
          if (out.full) yield out.take();
        }
        out.raw(CLOSE_LINES);
      }
      cycles.tail(c);
      if (out.full) yield out.take();
    }
    out.raw(firstCycle ? CLOSE_NO_CYCLES : CLOSE_CYCLES);
  }
  out.raw(first ? CLOSE_NO_ACCOUNTS : CLOSE_ACCOUNTS);
  yield out.take();
}

const FIRST_ACCOUNT = bytes(`
    {
      "account": `);
const NEXT_ACCOUNT = bytes(`,
    {
      "account": `);
const PLAN = bytes(`,
      "plan": `);
const CYCLES = bytes(`,
      "cycles": [`);
const FIRST_CYCLE = bytes("\n        ");
const NEXT_CYCLE = bytes(",\n        ");
const EMPTY_ARRAY = bytes("[]");
const FIRST_LINE = bytes("[\n            ");
const NEXT_LINE = bytes(",\n            ");
const CLOSE_LINES = bytes("\n          ]");
const CLOSE_NO_CYCLES = bytes("]\n    }");
const CLOSE_CYCLES = bytes("\n      ]\n    }");
const CLOSE_NO_ACCOUNTS = bytes("]\n}\n");
const CLOSE_ACCOUNTS = bytes("\n  ]\n}\n");

/** Everything before the accounts, and the opening of their array (`accounts` is the last key). */
function headText(statement: Statement): string {
  let text = "{";
  for (const [key, value] of Object.entries(statementHead(statement))) {
    if (value !== undefined) text += `\n  ${jsonString(key)}: ${valueText(value, "\n  ")},`;
  }
  return `${text}\n  "accounts": [`;
}
