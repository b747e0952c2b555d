import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { isRows, rowEvents } from "../src/engine/rows.js";
import { loadAccount, loadCard, loadCardFor } from "../src/inputs.js";
import { statementJson } from "../src/render/statement/json.js";
import { replayFiles, type Reader } from "../src/replay/replay-files.js";
import { Zone } from "../src/time.js";
import { NO_MAPPING, parseMapping } from "../src/usage/mapping.js";
import { NeedsFullParser } from "../src/usage/plain-csv.js";
import { scanChunks } from "../src/usage/scanned-events.js";
import { burnrate, ROOT } from "./helpers/cli.js";
import { chunked } from "./helpers/chunks.js";

// A LiteLLM spend log as a gateway writes it: models with the provider's prefix
// (openai/gpt-4o), providers in capitals (OPENAI). Floopy's card prices gpt-4o
// on openai at 0.00025 cents an input token and 0.001 an output token,
// claude-sonnet-4 on anthropic at 0.0003 and 0.0015, gpt-4o-mini on openai at
// 0.000015 and 0.00006. By hand:
//   r-1 gpt-4o      1000 in,  200 out: 0.25 + 0.2  = 0.45
//   r-2 claude      2000 in,  400 out: 0.6  + 0.6  = 1.2
//   r-3 gpt-4o      4000 in, 1000 out: 1.0  + 1.0  = 2.0
//   r-4 gpt-4o-mini 10000 in, 1000 out: 0.15 + 0.06 = 0.21
// in all 3.86 cents; gpt-4o on openai is 5000 input tokens (1.25) and 1200 output (1.2).
const HEADER = "request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens";
const ROWS = [
  "r-1,2026-11-02T10:00:00Z,openai/gpt-4o,OPENAI,1000,200",
  "r-2,2026-11-02T11:00:00Z,anthropic/claude-sonnet-4,Anthropic,2000,400",
  "r-3,2026-11-03T10:00:00Z,gpt-4o,openai,4000,1000",
  "r-4,2026-11-03T11:00:00Z,openai/gpt-4o-mini,OPENAI,10000,1000",
];
const MAPPING = [
  "dimension_values:",
  "  model:",
  "    openai/gpt-4o: gpt-4o",
  "    anthropic/claude-sonnet-4: claude-sonnet-4",
  "    openai/gpt-4o-mini: gpt-4o-mini",
  "  provider: { OPENAI: openai, Anthropic: anthropic }",
  "",
].join("\n");
const ACCOUNT = join(ROOT, "fixtures/layouts/account.yaml");

const dir = mkdtempSync(join(tmpdir(), "field13-values-"));
let made = 0;
function write(name: string, content: string | Buffer): string {
  const folder = join(dir, String(made++));
  mkdirSync(folder);
  const file = join(folder, name);
  writeFileSync(file, content);
  return file;
}
const csv = (rows: readonly string[] = ROWS) => [HEADER, ...rows, ""].join("\n");
const mappingFile = write("values.mapping.yaml", MAPPING);

interface Line {
  component?: string;
  dimensions: Record<string, string>;
  quantity: string;
  amount: string;
}

async function statement(args: readonly string[]): Promise<{ total: string; lines: Line[] }> {
  const out = await burnrate(["statement", "--account", ACCOUNT, "--layout", "litellm", ...args, "--format", "json"]);
  expect(out.stderr).toBe("");
  expect(out.code).toBe(0);
  const cycle = (JSON.parse(out.stdout) as { accounts: { cycles: { total: string; lines: Line[] }[] }[] }).accounts[0]!.cycles[0]!;
  return { total: cycle.total, lines: cycle.lines };
}

async function refused(args: readonly string[]): Promise<string> {
  const out = await burnrate(["statement", "--account", ACCOUNT, "--layout", "litellm", ...args, "--format", "json"]);
  expect(out.code).toBe(2);
  return out.stderr;
}

function gpt4oOnOpenai(lines: readonly Line[]): string[] {
  return lines.filter((l) => l.dimensions.model === "gpt-4o" && l.dimensions.provider === "openai" && l.component !== undefined).map((l) => `${l.component} ${l.quantity} ${l.amount}`);
}

describe("dimension_values: an export's values read as the card's", () => {
  it("prices a LiteLLM log's prefixed models and capitalised providers as the card's, through --layout and a mapping file", async () => {
    const { total, lines } = await statement(["--usage", write("spend.csv", csv()), "--mapping", mappingFile]);
    expect(total).toBe("3.86");
    expect(gpt4oOnOpenai(lines)).toEqual(["input_tokens 5000 1.25", "output_tokens 1200 1.2"]);
    // No line keeps an export's own spelling.
    expect(lines.flatMap((l) => Object.values(l.dimensions)).filter((v) => /[A-Z/]/.test(v))).toEqual([]);
  });

  it("gives the same in JSON Lines, gzip, and a folder of gzipped daily files with its own mapping", async () => {
    const objects = ROWS.map((row) => {
      const [id, at, model, provider, input, output] = row.split(",");
      return JSON.stringify({ request_id: id, startTime: at, model, custom_llm_provider: provider, prompt_tokens: Number(input), completion_tokens: Number(output) });
    });
    expect((await statement(["--usage", write("spend.jsonl", `${objects.join("\n")}\n`), "--mapping", mappingFile])).total).toBe("3.86");
    expect((await statement(["--usage", write("spend.csv.gz", gzipSync(csv())), "--mapping", mappingFile])).total).toBe("3.86");
    const daily = join(dir, "daily");
    mkdirSync(daily);
    writeFileSync(join(daily, "spend-2026-11-02.csv.gz"), gzipSync(csv(ROWS.slice(0, 2))));
    writeFileSync(join(daily, "spend-2026-11-03.jsonl.gz"), gzipSync(`${objects.slice(2).join("\n")}\n`));
    writeFileSync(join(daily, "burnrate.mapping.yaml"), MAPPING);
    expect((await statement(["--usage", daily])).total).toBe("3.86");
  });

  it("takes each entry as --map value:DIMENSION:VALUE=EXPORTED, over the mapping file's", async () => {
    const flags = ["value:model:gpt-4o=openai/gpt-4o", "value:model:claude-sonnet-4=anthropic/claude-sonnet-4", "value:model:gpt-4o-mini=openai/gpt-4o-mini", "value:provider:openai=OPENAI", "value:provider:anthropic=Anthropic"];
    expect((await statement(["--usage", write("spend.csv", csv()), ...flags.flatMap((f) => ["--map", f])])).total).toBe("3.86");
    // The file reads openai/gpt-4o as gpt-4o-mini; the flag wins on that value, and the file's other entries stay.
    const wrong = write("wrong.mapping.yaml", MAPPING.replace("openai/gpt-4o: gpt-4o\n", "openai/gpt-4o: gpt-4o-mini\n"));
    expect((await statement(["--usage", write("spend.csv", csv()), "--mapping", wrong, "--map", "value:model:gpt-4o=openai/gpt-4o"])).total).toBe("3.86");
  });

  it("maps a dimension the card keys by without naming its values (a budget's team)", async () => {
    // LiteLLM's team_id is the team; the card names no team, so any value may be mapped onto.
    const rows = ["request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens,team_id,end_user", "r-1,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200,Research,acme", ""].join("\n");
    const out = await burnrate(["statement", "--account", join(ROOT, "fixtures/floopy/account.yaml"), "--layout", "litellm", "--usage", write("team.csv", rows), "--map", "value:team:research=Research", "--map", "account=end_user", "--format", "json"]);
    expect(out.stderr).toBe("");
    const cycle = (JSON.parse(out.stdout) as { accounts: { cycles: { total: string; budgets?: unknown }[] }[] }).accounts[0]!.cycles[0]!;
    expect(cycle.total).toBe("0.45");
  });

  it("names the entry that maps an unpriced value in the did-you-mean", async () => {
    const stderr = await refused(["--usage", write("spend.csv", csv())]);
    expect(stderr).toContain(':2:3: no input_tokens price for model "openai/gpt-4o" on meter "request"; did you mean "gpt-4o"?');
    expect(stderr).toContain('or the export\'s value read as "gpt-4o": dimension_values: { model: { "openai/gpt-4o": "gpt-4o" } } in the usage mapping (--map value:model:gpt-4o=openai/gpt-4o)');
    const provider = await refused(["--usage", write("spend.csv", csv()), "--map", "value:model:gpt-4o=openai/gpt-4o"]);
    expect(provider).toContain('no input_tokens price for provider "OPENAI" on meter "request"; did you mean "openai"?');
    expect(provider).toContain('dimension_values: { provider: { "OPENAI": "openai" } } in the usage mapping (--map value:provider:openai=OPENAI)');
  });
});

describe("the OpenRouter generation export as OpenRouter spells it", () => {
  it("gives, through --layout openrouter and the mapping beside it, the canonical CSV's statement byte for byte", async () => {
    // fixtures/layouts/openrouter/generations.csv holds canonical.csv's three requests as openai/gpt-4o on OpenAI, and so on.
    const run = (args: readonly string[]) => burnrate(["statement", "--account", ACCOUNT, ...args, "--format", "json"]);
    const generations = await run(["--layout", "openrouter", "--usage", join(ROOT, "fixtures/layouts/openrouter/generations.csv")]);
    expect(generations.stderr).toBe("");
    const canonical = await run(["--usage", join(ROOT, "fixtures/layouts/canonical.csv")]);
    expect(generations.stdout).toBe(canonical.stdout);
    // 0.45 + 1.2 + 0.21 (test/usage-formats.test.ts works each out).
    expect((JSON.parse(generations.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("1.86");
  });
});

describe("dimension_values refused at the entry", () => {
  const usage = () => ["--usage", write("spend.csv", csv())];
  const withMapping = (text: string) => [...usage(), "--mapping", write("m.mapping.yaml", text)];

  it("a value mapped onto one the card does not price, at the value, with the near miss", async () => {
    const file = write("m.mapping.yaml", MAPPING.replace("openai/gpt-4o: gpt-4o\n", "openai/gpt-4o: gpt4o\n"));
    const stderr = await refused([...usage(), "--mapping", file]);
    // Line 3 is "    openai/gpt-4o: gpt4o": the value starts at column 20.
    expect(stderr).toBe(`burnrate: error: ${file}:3:20: "openai/gpt-4o" is mapped onto model "gpt4o", which floopy 2026-11 does not price; did you mean "gpt-4o"? (expected a model the card names: claude-sonnet-4, gpt-4o, gpt-4o-mini, llama-3.1-70b, found "gpt4o")\n`);
  });

  it("a dimension no meter reads, at its key, with the near miss", async () => {
    const file = write("m.mapping.yaml", MAPPING.replace("  model:", "  modle:"));
    const stderr = await refused([...usage(), "--mapping", file]);
    expect(stderr).toBe(`burnrate: error: ${file}:2:3: dimension_values: "modle": no meter of floopy 2026-11 reads dimension "modle"; did you mean "model"? (expected a dimension the card reads (model, provider, team), found "modle")\n`);
  });

  it("the export's column name for a dimension the layout renames, naming the dimension", async () => {
    const file = write("m.mapping.yaml", MAPPING.replace("  provider:", "  custom_llm_provider:"));
    expect(await refused([...usage(), "--mapping", file])).toBe(`burnrate: error: ${file}:6:3: dimension_values: "custom_llm_provider" is the export's column, read as the dimension "provider" (expected dimension_values: { provider: { ... } }, the dimension's name (--map value:provider:VALUE=EXPORTED), found "custom_llm_provider")\n`);
  });

  it("an entry the wrong way round, the card's value on the export's side", async () => {
    expect(await refused([...usage(), "--map", "value:provider:OPENAI=openai"])).toBe('burnrate: error: --map: "openai" is mapped onto provider "OPENAI", but "openai" is the card\'s own provider and "OPENAI" is not: the entry is the wrong way round (expected the card\'s value before the = and the export\'s after it (--map value:provider:openai=OPENAI), found "OPENAI")\n');
    const file = write("m.mapping.yaml", "dimension_values:\n  provider: { openai: OPENAI }\n");
    expect(await refused([...usage(), "--mapping", file])).toContain(`${file}:2:23: "openai" is mapped onto provider "OPENAI", but "openai" is the card's own provider and "OPENAI" is not: the entry is the wrong way round (expected the export's value as the key and the card's as its value ("OPENAI": "openai"), found "OPENAI")`);
  });

  it("a component or a canonical column", async () => {
    expect(await refused(withMapping("dimension_values:\n  input_tokens: { '1k': '1000' }\n"))).toContain(':2:3: dimension_values: "input_tokens" is a component of a meter of floopy 2026-11: a quantity, whose cells are numbers, not values');
    expect(await refused(withMapping("dimension_values:\n  meter: { Completion: request }\n"))).toContain("(expected the export's meter names under meter_values: { EXPORTED: KEY } (--map meter:KEY=EXPORTED)");
  });

  it("a --map of no known value form, the same value twice, and an unpriced value at --map", async () => {
    expect(await refused([...usage(), "--map", "value:model=gpt-4o"])).toContain("burnrate: error: --map: bad column mapping (expected CANONICAL=SOURCE (CANONICAL one of timestamp, meter, quantity, event_id, account), value:DIMENSION:VALUE=EXPORTED, dim:NAME=SOURCE, meter:KEY=VALUE, meter:KEY, skip:SOURCE=VALUE[,VALUE] or ignore:SOURCE");
    expect(await refused([...usage(), "--map", "value:model:gpt-4o="])).toContain("bad column mapping");
    expect(await refused([...usage(), "--map", "value:model:gpt-4o=x", "--map", "value:model:gpt-4o-mini=x"])).toContain("the same mapping twice");
    expect(await refused([...usage(), "--map", "value:model:gpt4o=openai/gpt-4o"])).toContain('burnrate: error: --map: "openai/gpt-4o" is mapped onto model "gpt4o", which floopy 2026-11 does not price; did you mean "gpt-4o"?');
  });
});

describe("dimension_values on a card with a \"*\" price for any other model", () => {
  // Floopy's card with a "*" model in each token table: 0.0004 cents a token on any provider.
  const card = write(
    "card.yaml",
    readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace(/^( +)(llama-3\.1-70b: .*)$/gm, '$1$2\n$1"*": { "*": "0.0004" }'),
  );
  const account = join(card, "..", "account.yaml");
  writeFileSync(account, `card: ${card}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
  const usage = () => write("spend.csv", csv(["r-1,2026-11-02T10:00:00Z,openai/o3,openai,1000,200"]));
  const run = (map: string) => burnrate(["statement", "--account", account, "--layout", "litellm", "--usage", usage(), "--map", map, "--format", "json"]);

  it("maps onto a model the card prices by its \"*\" entry alone", async () => {
    // o3 is no model of the card: 1000 x 0.0004 + 200 x 0.0004 = 0.48.
    const out = await run("value:model:o3=openai/o3");
    expect(out.stderr).toBe("");
    expect((JSON.parse(out.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("0.48");
  });

  it("refuses a near miss of a model it names, which the \"*\" entry would price in silence", async () => {
    const out = await run("value:model:gpt4o=openai/o3");
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('burnrate: error: --map: "openai/o3" is mapped onto model "gpt4o", which floopy 2026-11 prices only by its "*" entry; did you mean "gpt-4o"? (expected a model the card names: claude-sonnet-4, gpt-4o, gpt-4o-mini, llama-3.1-70b, or a value far from them for the "*" entry\'s price, found "gpt4o")\n');
  });
});

describe("dimension_values on the row scanner", () => {
  const card = loadCard(join(ROOT, "ratecards/floopy.yaml"));
  const mapping = { ...parseMapping(MAPPING, "m.yaml"), columns: { timestamp: "startTime", event_id: "request_id" }, meter: "request", rename: new Map([["prompt_tokens", "input_tokens"], ["completion_tokens", "output_tokens"], ["custom_llm_provider", "provider"]]) };

  it("reads the mapped values from the bytes without giving up, one text per distinct cell", async () => {
    const options = { card, zone: Zone.of("UTC")!, defaultAccount: "acme", mappingFor: () => ({ ...NO_MAPPING, ...mapping }) };
    const seen: string[] = [];
    let values = 0;
    try {
      for await (const batch of scanChunks("spend.csv", chunked(Buffer.from(csv([...ROWS, ...ROWS.map((r) => r.replace("r-", "s-"))])), [37, 120], true), options)) {
        if (!isRows(batch)) throw new Error("not the scanner's rows");
        values = batch.source.dimensions.length;
        for (const e of rowEvents(batch)) seen.push(`${e.dimensions.model}/${e.dimensions.provider}`);
      }
    } catch (e) {
      if (e instanceof NeedsFullParser) throw new Error(`the scanner gave up: ${e.reason}`);
      throw e;
    }
    const day = ["gpt-4o/openai", "claude-sonnet-4/anthropic", "gpt-4o/openai", "gpt-4o-mini/openai"];
    expect(seen).toEqual([...day, ...day]);
    // Eight rows of four shapes (openai/gpt-4o,OPENAI and gpt-4o,openai are two shapes of one value).
    expect(values).toBe(4);
  });

  it("orders rows of one instant that differ only by the export's spelling by their ids, as every reader does", async () => {
    // Acme has 1,000 cents. At 10:00 three rows, alike once mapped but for their tokens: in id order
    // r-3 (2,000,000 input tokens, 500 cents) and r-7 (1,000,000, 250) are charged and r-9 (500) is
    // refused, credits exhausted: the row on line 3. r-1 and r-2, 4 tokens each, are 0.001 cents.
    const rows = [
      "r-1,2026-11-02T09:00:00Z,gpt-4o,openai,4,0",
      "r-9,2026-11-02T10:00:00Z,openai/gpt-4o,OPENAI,2000000,0",
      "r-3,2026-11-02T10:00:00Z,gpt-4o,openai,2000000,0",
      "r-7,2026-11-02T10:00:00Z,openai/gpt-4o,openai,1000000,0",
      "r-2,2026-11-02T11:00:00Z,gpt-4o,openai,4,0",
    ];
    const log = write("same-instant.csv", csv(rows));
    writeFileSync(`${log}.mapping.yaml`, "columns: { timestamp: startTime, event_id: request_id }\nmeter: request\nrename: { prompt_tokens: input_tokens, completion_tokens: output_tokens, custom_llm_provider: provider }\n" + MAPPING);
    const loaded = loadAccount(ACCOUNT);
    const floopy = loadCardFor(undefined, loaded);
    const settings = resolveAccount(floopy, loaded, {});
    const replay = (reader: Reader) => replayFiles(floopy, settings, { files: [log], mappingFile: undefined, mapFlags: [] }, undefined, reader).then((s) => JSON.stringify(statementJson(s)));
    const scanned = await replay("scanner");
    expect(scanned).toBe(await replay("csv-parse"));
    const cycle = (JSON.parse(scanned) as { accounts: { cycles: { total: string; rejected: { first_line: string }[] }[] }[] }).accounts[0]!.cycles[0]!;
    expect(cycle.rejected.map((r) => r.first_line)).toEqual([`${log}:3`]);
    expect(cycle.total).toBe("750.002");
  });
});
