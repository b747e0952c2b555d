import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { UserErrors } from "../src/errors.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { replayFiles, type Reader } from "../src/replay/replay-files.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// An OpenRouter generation export read with --layout openrouter on Floopy's card, which prices
// gpt-4o, gpt-4o-mini, claude-sonnet-4 and llama-3.1-70b and has no "*" entry: every other model
// is refused. The replay stops at the first; the error names each distinct one at its first row.
const ACCOUNT = join(ROOT, "fixtures/layouts/account.yaml");
const HEADER = "id,created_at,model,provider_name,tokens_prompt,tokens_completion";
const KEYS = 'one of gpt-4o, gpt-4o-mini, claude-sonnet-4, llama-3.1-70b, or a "*" entry in the card\'s price for any other';
const dir = mkdtempSync(join(tmpdir(), "map14-unpriced-"));
let made = 0;
function log(rows: readonly string[], name = "gen.csv"): string {
  const folder = join(dir, String(made++));
  mkdirSync(folder);
  const file = join(folder, name);
  writeFileSync(file, `${HEADER}\n${rows.join("\n")}\n`);
  return file;
}
const row = (id: number, model: string, provider = "openai") => `g-${id},2026-11-0${1 + (id % 9)}T10:00:${String(id % 60).padStart(2, "0")}Z,${model},${provider},1000,200`;
const statement = (usage: readonly string[]) => burnrate(["statement", "--account", ACCOUNT, "--layout", "openrouter", "--usage", ...usage]);
// The rows' way out while the card is priced (newcomer68 L2): skip_rows: naming the value.
const aside = (dim: string) => `, or a skip_rows: entry in the usage mapping, under the export's column of ${dim}, with this value, to leave its rows out meanwhile, neither charged nor counted`;
const refusal = (file: string, line: number, model: string) => `burnrate: error: ${file}:${line}:3: no input_tokens price for model "${model}" on meter "request" (expected ${KEYS}${aside("model")}, found "${model}")`;

describe("every distinct value the card does not price, each at its first row", () => {
  it("names three new models, once each, at the row each is first on, with exit 2", async () => {
    // Lines: 2 grok (new), 3 gpt-4o, 4 llama-4 (new), 5 grok again, 6 mistral (new), 7 llama-4 again.
    const file = log([row(1, "x-ai/grok-4"), row(2, "gpt-4o"), row(3, "meta/llama-4"), row(4, "x-ai/grok-4"), row(5, "mistral/large"), row(6, "meta/llama-4")]);
    const out = await statement([file]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe("");
    expect(out.stderr).toBe([refusal(file, 2, "x-ai/grok-4"), refusal(file, 4, "meta/llama-4"), refusal(file, 6, "mistral/large"), ""].join("\n"));
  });

  it("says one value alone as before", async () => {
    const file = log([row(1, "gpt-4o"), row(2, "x-ai/grok-4"), row(3, "x-ai/grok-4")]);
    const out = await statement([file]);
    expect([out.code, out.stderr]).toEqual([2, `${refusal(file, 3, "x-ai/grok-4")}\n`]);
  });

  it("names a value first met in a later file at that file's row", async () => {
    const a = log([row(1, "x-ai/grok-4"), row(2, "gpt-4o")], "day1.csv");
    const b = log([row(3, "gpt-4o"), row(4, "meta/llama-4"), row(5, "x-ai/grok-4")], "day2.csv");
    const out = await statement([a, b]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe([refusal(a, 2, "x-ai/grok-4"), refusal(b, 3, "meta/llama-4"), ""].join("\n"));
  });

  it("names a provider the card does not price for a model it does, as its own value", async () => {
    // gpt-4o is priced on openai and azure; "groq" serves llama-3.1-70b only.
    const file = log([row(1, "gpt-4o", "groq"), row(2, "x-ai/grok-4")]);
    const out = await statement([file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe([
      `burnrate: error: ${file}:2:4: no input_tokens price for provider "groq" on meter "request" (expected one of openai, azure, or a "*" entry in the card's price for any other${aside("provider")}, found "groq")`,
      refusal(file, 3, "x-ai/grok-4"),
      "",
    ].join("\n"));
  });

  it("names the first 20 and counts the rest, from the 21st's row", async () => {
    // 23 new models, model-0 to model-22, on lines 2 to 24.
    const file = log(Array.from({ length: 23 }, (_, i) => row(i, `vendor/model-${i}`)));
    const out = await statement([file]);
    expect(out.code).toBe(2);
    const lines = out.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(21);
    expect(lines.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => refusal(file, i + 2, `vendor/model-${i}`)));
    expect(lines[20]).toBe(`burnrate: error: ${file}:22:3: 3 more value(s) the card does not price, not shown (expected a price, a "*" entry or a dimension_values: entry for each: the ones above first, found 23 in all)`);
  });

  it("reads a gzipped log and standard input again for them", async () => {
    const rows = [row(1, "x-ai/grok-4"), row(2, "meta/llama-4")];
    const gz = join(dir, "gen.csv.gz");
    writeFileSync(gz, gzipSync(`${HEADER}\n${rows.join("\n")}\n`));
    expect((await statement([gz])).stderr).toBe([refusal(gz, 2, "x-ai/grok-4"), refusal(gz, 3, "meta/llama-4"), ""].join("\n"));
    const piped = await burnrate(["statement", "--account", ACCOUNT, "--layout", "openrouter", "--usage", "-"], { input: `${HEADER}\n${rows.join("\n")}\n` });
    expect(piped.stderr).toBe([refusal("-", 2, "x-ai/grok-4"), refusal("-", 3, "meta/llama-4"), ""].join("\n"));
  });

  it("is the same list whichever reader replays the log", async () => {
    const file = log([row(1, "gpt-4o"), row(2, "x-ai/grok-4"), row(3, "meta/llama-4"), row(4, "x-ai/grok-4")]);
    const loaded = loadAccount(ACCOUNT);
    const card = loadCardFor(undefined, loaded);
    const settings = resolveAccount(card, loaded, {});
    const said = async (reader: Reader) => {
      const e = await replayFiles(card, settings, { files: [file], mappingFile: undefined, layout: "openrouter", mapFlags: [] }, undefined, reader).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(e).toBeInstanceOf(UserErrors);
      return (e as UserErrors).errors.map((x) => x.message);
    };
    const scanned = await said("scanner");
    expect(scanned).toHaveLength(2);
    expect(await said("csv-parse")).toEqual(scanned);
  });
});
