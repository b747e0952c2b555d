import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// An OpenRouter generation export in a folder, read with --layout openrouter, on Floopy's card
// with a "*" model in each token table (0.0004 cents a token on any provider). By hand, at the
// card's named prices: gpt-4o on openai 1000 in + 200 out = 0.25 + 0.2 = 0.45; claude-sonnet-4 on
// anthropic 2000 in + 400 out = 0.6 + 0.6 = 1.2. An unmapped "openai/gpt-4o" row would be priced by
// the "*" entry instead: 1200 tokens x 0.0004 = 0.48.
const dir = mkdtempSync(join(tmpdir(), "map14-mappings-"));
const card = join(dir, "card.yaml");
writeFileSync(card, readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace(/^( +)(llama-3\.1-70b: .*)$/gm, '$1$2\n$1"*": { "*": "0.0004" }'));
const account = join(dir, "account.yaml");
writeFileSync(account, `card: ${card}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);

const FOLDER_MAPPING = ["dimension_values:", "  model:", "    openai/gpt-4o: gpt-4o", "    anthropic/claude-sonnet-4: claude-sonnet-4", "  provider: { OpenAI: openai, Anthropic: anthropic }", ""].join("\n");

let folders = 0;
/** A folder of two days' exports: day2.csv names its model column `llm`, and has its own mapping for it. */
function exportsFolder(day2Mapping: string, folderMapping = FOLDER_MAPPING): string {
  const folder = join(dir, `exports-${folders++}`);
  mkdirSync(folder);
  writeFileSync(join(folder, "burnrate.mapping.yaml"), folderMapping);
  writeFileSync(join(folder, "day1.csv"), "id,created_at,model,provider_name,tokens_prompt,tokens_completion\ngen-1,2026-11-02T10:00:00Z,openai/gpt-4o,OpenAI,1000,200\ngen-2,2026-11-03T10:00:00Z,anthropic/claude-sonnet-4,Anthropic,2000,400\n");
  writeFileSync(join(folder, "day2.csv"), "id,created_at,llm,provider_name,tokens_prompt,tokens_completion\ngen-3,2026-11-04T10:00:00Z,openai/gpt-4o,OpenAI,1000,200\n");
  writeFileSync(join(folder, "day2.csv.mapping.yaml"), day2Mapping);
  return folder;
}

interface Lines {
  accounts: { cycles: { total: string; lines: { model?: string; dimensions?: Record<string, string> }[] }[] }[];
}

const total = (stdout: string) => (JSON.parse(stdout) as Lines).accounts[0]!.cycles[0]!.total;

describe("a file's own mapping over its folder's, key by key", () => {
  it("keeps the folder's dimension_values for a file whose own mapping only renames a column", async () => {
    const out = await burnrate(["statement", "--account", account, "--layout", "openrouter", "--usage", exportsFolder("rename: { llm: model }\n"), "--format", "json"]);
    expect(out.stderr).toBe("");
    // gen-1 and gen-3 at gpt-4o's price, gen-2 at claude's: 0.45 + 1.2 + 0.45; the "*" entry would make it 2.13.
    expect(total(out.stdout)).toBe("2.1");
    expect(out.stdout).not.toContain("openai/gpt-4o");
  });

  it("keeps the file's and the folder's mappings under --mapping, which sets only its own keys", async () => {
    const folder = exportsFolder("rename: { llm: model }\n");
    const run = join(dir, "run.mapping.yaml");
    writeFileSync(run, "ignore_columns: [tokens_reasoning]\n");
    const out = await burnrate(["statement", "--account", account, "--layout", "openrouter", "--usage", folder, "--mapping", run, "--format", "json"]);
    expect(out.stderr).toBe("");
    expect(total(out.stdout)).toBe("2.1");
  });

  it("lets a file's entry win on its own export value, onto a model the card names", async () => {
    // day2's gpt-4o read as gpt-4o-mini: 1000 x 0.000015 + 200 x 0.00006 = 0.015 + 0.012 = 0.027; in all 0.45 + 1.2 + 0.027.
    const out = await burnrate(["statement", "--account", account, "--layout", "openrouter", "--usage", exportsFolder("rename: { llm: model }\ndimension_values:\n  model:\n    openai/gpt-4o: gpt-4o-mini\n"), "--format", "json"]);
    expect(out.stderr).toBe("");
    expect(total(out.stdout)).toBe("1.677");
  });

  it("refuses a file's entry that moves a value the folder maps onto a priced model to the \"*\" price", async () => {
    const folder = exportsFolder("rename: { llm: model }\ndimension_values:\n  model:\n    openai/gpt-4o: o3\n");
    const out = await burnrate(["statement", "--account", account, "--layout", "openrouter", "--usage", folder, "--format", "json"]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe("");
    expect(out.stderr).toBe(
      `burnrate: error: ${folder}/day2.csv.mapping.yaml:4:20: "openai/gpt-4o" is mapped onto model "o3", which floopy 2026-11 prices only by its "*" entry, in place of "gpt-4o" (${folder}/burnrate.mapping.yaml:3:20), which it prices (expected the entry removed, so that "openai/gpt-4o" is read as "gpt-4o", or onto a model the card names, found "o3")\n`,
    );
  });

  it("refuses the same through --map, said at the flag", async () => {
    const out = await burnrate(["statement", "--account", account, "--layout", "openrouter", "--usage", exportsFolder("rename: { llm: model }\n"), "--map", "value:model:o3=openai/gpt-4o"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^burnrate: error: --map: "openai\/gpt-4o" is mapped onto model "o3", which floopy 2026-11 prices only by its "\*" entry, in place of "gpt-4o" \(.*burnrate\.mapping\.yaml:3:20\), which it prices/);
  });

  it("takes an entry onto an unnamed model where the one it replaces was unnamed too: both the \"*\" price", async () => {
    // Both o3 and o1 priced by the "*" entry: day2 is 1200 x 0.0004 = 0.48 either way; gen-1 0.45 and gen-2 1.2 as before.
    const folder = exportsFolder("rename: { llm: model }\ndimension_values:\n  model:\n    openai/gpt-4o: o3\n", "dimension_values:\n  model:\n    openai/gpt-4o: o1\n  provider: { OpenAI: openai, Anthropic: anthropic }\n");
    const out = await burnrate(["statement", "--account", account, "--layout", "openrouter", "--usage", folder, "--map", "value:model:claude-sonnet-4=anthropic/claude-sonnet-4", "--format", "json"]);
    expect(out.stderr).toBe("");
    // gen-1 is openai/gpt-4o in day1, read through the folder's o1: also 0.48.
    expect(total(out.stdout)).toBe("2.16");
  });

  it("refuses a quantity column a mapping names and the file lacks, at the mapping's key, not one unit a row", async () => {
    // The folder's mapping reads the activity export's `requests` as the quantity; day2.csv has no such column.
    const folder = exportsFolder("rename: { llm: model }\n", `${FOLDER_MAPPING}columns: { quantity: requests }\n`);
    const out = await burnrate(["statement", "--account", account, "--layout", "openrouter", "--usage", folder]);
    expect(out.code).toBe(2);
    // Line 6 is "columns: { quantity: requests }": the source starts at column 22. A folder's column is judged once every file is read (stop 42).
    expect(out.stderr).toBe(`burnrate: error: ${folder}/burnrate.mapping.yaml:6:22: the mapping's column for quantity, "requests", is in none of the 2 files it reads (the first ${folder}/day1.csv) (expected a column or field some file of the folder has, found no file with "requests")\n`);
    const flag = await burnrate(["statement", "--account", account, "--layout", "openrouter", "--usage", exportsFolder("rename: { llm: model }\n"), "--map", "event_id=request_id"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^burnrate: error: --map: the mapping's column for event_id, "request_id", is not in the header of .*day1\.csv/);
  });
});
