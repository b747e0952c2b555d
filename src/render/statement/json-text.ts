import { releaseCycles } from "../../engine/closed-cycles.js";
import type { Statement } from "../../engine/types.js";
import type { RateCard } from "../../ratecard/types.js";
import { jsonString } from "../shared/escape.js";
import { CycleText, LineText, valueText } from "./cycle-text.js";
import { leftOutJson, statementHead } from "./json.js";
import { NOTHING_SAID, type Said } from "./said.js";

/**
 * The statement's JSON (statementJson, as `JSON.stringify(value, null, 2)`
 * with jsonVisible's escapes, and a newline) written straight as text: its
 * shape is known, so each part is a string made at fixed indents, with no
 * object per line or per amount on the way. A log of a hundred thousand
 * accounts writes hundreds of MB of it: accounts are read once, in order, and
 * the text is given out in batches of about BATCH characters, each dropped
 * once written, within a cycle's lines too (one account of a large log has
 * cycles of tens of thousands of lines). One loop over accounts, cycles and
 * lines: a generator per account and per cycle cost more than their text.
 * With `release`, each account's cycles are let go once written (releaseCycles):
 * for a caller that reads the statement no more, so that a log of many accounts
 * does not hold every account's state until the last is written.
 */
export function* statementJsonText(statement: Statement, card?: RateCard, { release = false, said = NOTHING_SAID }: { release?: boolean; said?: Said } = {}): Generator<string> {
  const cycles = new CycleText(statement.currency, card);
  const lines = new LineText();
  let batch = headText(statement, said);
  let nextAccount = "\n    ";
  for (const account of statement.accounts) {
    // Read first: what a period (--cycle) left out is known once they are.
    const accountCycles = account.cycles;
    batch += `${nextAccount}{
      "account": ${jsonString(account.account)},
      "plan": ${jsonString(account.plan)},${account.rewardsOnly ? `\n      "rewards_only": true,` : ""}${leftOutText(account)}
      "cycles": [`;
    nextAccount = ",\n    ";
    let nextCycle = "\n        ";
    for (const c of accountCycles) {
      batch += nextCycle + cycles.head(c);
      nextCycle = ",\n        ";
      if (c.lines.length === 0) batch += "[]";
      else {
        let nextLine = "[\n            ";
        for (const line of c.lines) {
          batch += nextLine + lines.of(line);
          nextLine = ",\n            ";
          if (batch.length >= BATCH) {
            yield batch;
            batch = "";
          }
        }
        batch += "\n          ]";
      }
      batch += cycles.tail(c);
      if (batch.length >= BATCH) {
        yield batch;
        batch = "";
      }
    }
    batch += nextCycle === "\n        " ? "]\n    }" : "\n      ]\n    }";
    if (release) releaseCycles(account);
  }
  yield `${batch}${nextAccount === "\n    " ? "]" : "\n  ]"}\n}\n`;
}

/** Characters a batch gathers before it is given out: large enough for few writes, small enough to die young. */
const BATCH = 1 << 13;

/** Everything before the accounts, and the opening of their array (`accounts` is the last key). */
function headText(statement: Statement, said: Said): string {
  let text = "{";
  for (const [key, value] of Object.entries(statementHead(statement, said))) {
    if (value !== undefined) text += `\n  ${jsonString(key)}: ${valueText(value, "\n  ")},`;
  }
  return `${text}\n  "accounts": [`;
}

/** The account's `cycles_left_out` key, at the account's indent, when a period cut its cycles. */
function leftOutText(account: Statement["accounts"][number]): string {
  const left = leftOutJson(account).cycles_left_out;
  return left === undefined ? "" : `\n      "cycles_left_out": ${valueText(left, "\n      ")},`;
}
