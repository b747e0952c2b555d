import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PriceBook, priceEvent } from "../src/engine/pricing.js";
import { UserError } from "../src/errors.js";
import { ONE } from "../src/money.js";
import { parseRateCard } from "../src/ratecard/load.js";
import { burnrate } from "./helpers/cli.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const dir = mkdtempSync(join(tmpdir(), "burnrate-check-property-"));
// Near spellings of one another, so that the misspelling pairs are drawn too.
const MODELS = ["gpt-4o", "gpt4o", "gpt-4o-mini", "claude"] as const;

/** A component's price table: some models, maybe a `*` entry. */
const table = fc.record({
  models: fc.subarray([...MODELS], { minLength: 1 }),
  star: fc.boolean(),
});

function cardText(tables: { models: string[]; star: boolean }[]): string {
  const lines = tables.map((t, i) => {
    const entries = [...t.models.map((m, j) => `${m}: "0.00${j + 1}"`), ...(t.star ? ['"*": "0.009"'] : [])];
    return `      c${i}: { by: [model], table: { ${entries.join(", ")} } }`;
  });
  return [
    "provider: p",
    'version: "1"',
    "unit: credits",
    "categories: { llm: { label: LLM } }",
    "pools: { ai: { label: AI, when_exhausted: block } }",
    "grant_kinds: { included: { priority: 1, expires: cycle_end } }",
    "plans: { team: { label: Team, included: 100, price: 1 } }",
    "meters:",
    "  request:",
    "    aggregation: flow",
    "    dimensions: [model]",
    "    category: llm",
    "    pool: ai",
    '    price: "0"',
    "    components:",
    ...lines,
    "",
  ].join("\n");
}

/** The models, of those any table names, that the engine cannot price an event of. */
function unpriceable(text: string, file: string): string[] {
  const card = parseRateCard(text, file);
  const meter = card.meters.get("request")!;
  return MODELS.filter((model) => {
    if (!text.includes(`${model}:`)) return false;
    try {
      priceEvent(new PriceBook(), card, { meter, dims: { model }, quantity: ONE, components: undefined, origin: { file, line: 2, column: 1 } });
      return false;
    } catch (e) {
      if (e instanceof UserError) return true;
      throw e;
    }
  });
}

describe("check agrees with the engine on a meter's price tables", () => {
  it("errs exactly when some named model cannot be priced, and names each such model", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(table, { minLength: 2, maxLength: 3 }), async (tables) => {
        const text = cardText(tables);
        const file = join(dir, `card-${n++}.yaml`);
        writeFileSync(file, text);
        const failing = unpriceable(text, file);
        const run = await burnrate(["check", file, "--format", "json"]);
        const errors: { message: string; fix: string }[] = JSON.parse(run.stdout).files[0].findings.filter((f: { severity: string }) => f.severity === "error");
        expect(errors.length > 0, text).toBe(failing.length > 0);
        expect(run.code).toBe(failing.length > 0 ? 1 : 0);
        for (const model of failing) {
          expect(errors.some((f) => `${f.message} ${f.fix}`.includes(`"${model}"`) || f.fix.includes(` ${model} `)), `${model} in\n${text}`).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

const PROVIDERS = ["openai", "azure", "azur"] as const;
type Tree = Map<string, Map<string, string>>;

/** A price table by [model, provider]: some models, each with some providers, any level maybe with `*`. */
const twoLevel = fc
  .array(fc.tuple(fc.constantFrom<string>(...MODELS, "*"), fc.subarray<string>([...PROVIDERS, "*"], { minLength: 1 })), { minLength: 1, maxLength: 4 })
  .map((rows) => new Map(rows.map(([m, ps]) => [m, new Map(ps.map((p, i) => [p, `0.00${i + 1}`]))])) as Tree);

/** The spec's lookup, level by level: the value's key, or else `*`. */
function resolves(tree: Tree, model: string, provider: string): boolean {
  const branch = tree.get(model) ?? tree.get("*");
  return branch !== undefined && (branch.has(provider) || branch.has("*"));
}

describe("check agrees with the spec's lookup on tables keyed by two dimensions", () => {
  it("errs exactly when a value one table names finds no price in another", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(twoLevel, { minLength: 2, maxLength: 3 }), async (trees) => {
        const lines = trees.flatMap((tree, i) => [
          `      c${i}:`,
          "        by: [model, provider]",
          "        table:",
          ...[...tree].map(([m, ps]) => `          "${m}": { ${[...ps].map(([p, v]) => `"${p}": "${v}"`).join(", ")} }`),
        ]);
        const text = cardText([]).replace("    components:\n", `    components:\n${lines.join("\n")}\n`).replace("dimensions: [model]", "dimensions: [model, provider]");
        const file = join(dir, `two-${n++}.yaml`);
        writeFileSync(file, text);
        // A pair some table names outright (model and provider both written, no `*`) and another cannot price; or a
        // model some table names and another has no branch for. A table that prices a value only through a `*` makes
        // no claim about it: a component priced by default beside one priced for some providers differs legitimately.
        const split: string[] = [];
        for (const a of trees) {
          for (const [m, ps] of a) {
            if (m === "*") continue;
            for (const b of trees) {
              if (!b.has(m) && !b.has("*")) split.push(`${m}/${[...ps.keys()].find((p) => p !== "*") ?? "openai"}`);
              for (const p of ps.keys()) if (p !== "*" && !resolves(b, m, p)) split.push(`${m}/${p}`);
            }
          }
        }
        // The engine agrees that such a pair cannot be priced.
        const card = parseRateCard(text, file);
        for (const pair of split) {
          const [model, provider] = pair.split("/");
          expect(() => priceEvent(new PriceBook(), card, { meter: card.meters.get("request")!, dims: { model: model!, provider: provider! }, quantity: ONE, components: undefined, origin: { file, line: 2, column: 1 } })).toThrow(UserError);
        }
        const run = await burnrate(["check", file, "--format", "json"]);
        const errors = JSON.parse(run.stdout).files[0].findings.filter((f: { severity: string }) => f.severity === "error");
        expect(errors.length > 0, `${split.join(" ")}\n${text}`).toBe(split.length > 0);
      }),
      { numRuns: RUNS },
    );
  });
});
