import { resolveAccount, type AccountFile, type AccountFlags, type AccountSettings } from "../account/account.js";
import { cardChanges } from "../costdiff/card-changes.js";
import { compareStatements } from "../costdiff/compare.js";
import { costDiff } from "../costdiff/diff.js";
import { Finding, UserError, UserErrors } from "../errors.js";
import { loadAccount, loadCardFor, readText, type ReplayInputOptions } from "../inputs.js";
import { parsePlainDecimal } from "../money.js";
import { emit } from "../output.js";
import type { RateCard } from "../ratecard/types.js";
import { diffCsv } from "../render/diff/csv.js";
import { diffJson } from "../render/diff/json.js";
import { diffBlocks, diffMarkdown } from "../render/diff/report.js";
import { toTerminal } from "../render/shared/document.js";
import { chooseFormat, colorFor, json } from "../render/shared/format.js";
import { replayFiles } from "../replay/replay-files.js";
import { render } from "../render/shared/reporters.js";

export interface DiffOptions extends ReplayInputOptions {
  /** The card before the change, or a set of its versions (`--base` repeated). */
  base?: string[];
  failOver?: string;
  format?: string;
  output?: string;
  bom?: boolean;
  color?: boolean;
}

const FLAG = (file: string) => ({ file, line: 1, column: 1 });

/** The account's terms under one card: a plan the other card lacks is an error that says which card. */
function settingsFor(card: RateCard, account: AccountFile | undefined, flags: AccountFlags, role: string): AccountSettings {
  try {
    return resolveAccount(card, account, flags);
  } catch (e) {
    if (e instanceof UserError && !(e instanceof UserErrors)) throw new UserError(`${e.problem} in the ${role} card ${card.file}`, e.location, e.expected, e.found);
    throw e;
  }
}

/** Replay one usage log through two versions of a card, with the one engine, and show what changes. */
export async function diff(options: DiffOptions): Promise<void> {
  if (options.base === undefined) throw new UserError("no base card", FLAG("<command line>"), "--base OLD.yaml", "none");
  if (options.usage.length === 0) throw new UserError("no usage", FLAG("<command line>"), "--usage FILE", "none");
  if (options.usage.includes("-")) throw new UserError("diff cannot read usage from standard input", FLAG("--usage"), "a usage file (it is replayed once per card)", "-");
  const failOver = options.failOver === undefined ? undefined : parsePlainDecimal(options.failOver);
  if (options.failOver !== undefined && (failOver === undefined || failOver.isNegative())) {
    throw new UserError("bad --fail-over", FLAG("--fail-over"), "a percentage of 0 or more, such as 10 or 2.5", JSON.stringify(options.failOver));
  }
  const format = chooseFormat(options.format, options.output);
  const account = loadAccount(options.account);
  const base = loadCardFor(options.base, undefined);
  const card = loadCardFor(options.card, account);
  const flags: AccountFlags = { plan: options.plan, anchor: options.anchor, timezone: options.timezone, through: options.through };
  const input = { files: options.usage, mappingFile: options.mapping, mapFlags: options.map };

  const baseSettings = settingsFor(base, account, flags, "base");
  const cardSettings = settingsFor(card, account, flags, "new");
  const before = await replayFiles(base, baseSettings, input);
  const after = await replayFiles(card, cardSettings, input);
  // With sets of versions, the rule changes shown are those between each set's latest version.
  const [from, to] = [base.versions?.at(-1) ?? base, card.versions?.at(-1) ?? card];
  const changes = cardChanges(readText(from.file), from.file, readText(to.file), to.file);
  const result = costDiff(base, card, options.usage, cardSettings.zone, compareStatements(before, after), changes, failOver);

  emit(render(format, {
    json: () => json(diffJson(result)),
    csv: () => diffCsv(result, { bom: options.bom }),
    markdown: () => diffMarkdown(result),
    table: () => toTerminal(diffBlocks(result), colorFor(options)),
  }), options.output);
  if (result.failOver?.exceeded) {
    throw new Finding(`total ${card.unit} rise by more than --fail-over ${options.failOver}%`);
  }
}
