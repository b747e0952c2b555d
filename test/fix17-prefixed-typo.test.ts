import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A gateway writes models with their provider's prefix (openai/gpt-4o); a typo after it (openai/gpt4o) got no
// did-you-mean, where the same typo without a prefix did (newcomer, stop 35).
describe("a typo of a priced value after a gateway's prefix", () => {
  it("is refused with the value it misses and the mapping that reads it so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,openai/gpt4o,openai,1000,200\n");
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage.csv:2:3: no input_tokens price for model "openai/gpt4o" on meter "request"; did you mean "gpt-4o"?');
    expect(run.stderr).toContain("--map value:model:gpt-4o=openai/gpt4o");
  });
});

// newcomer48 F8: the card's input price says gpt4o-mini where its output price says gpt-4o-mini. The export is right;
// the error suggested mapping its value onto the card's typo. It now names the card's table as the likely typo.
describe("a value one of a meter's prices names and another misses by a typo", () => {
  it("is refused as the card's typo, with no mapping onto it offered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
    // The first gpt-4o-mini of the card is its input_tokens price's.
    writeFileSync(join(dir, "card.yaml"), floopy.replace("          gpt-4o-mini: {", "          gpt4o-mini: {"));
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,gpt-4o-mini,openai,1000,200\n");
    const run = await burnrate(["statement", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`usage.csv:2:3: no input_tokens price for model "gpt-4o-mini" on meter "request", though the card's output_tokens price names it: this table's "gpt4o-mini" is likely a typo in the card`);
    expect(run.stderr).not.toContain("dimension_values");
  });
});

describe("a value one of a meter's prices lacks, another names (red48b #2, #3)", () => {
  const run = async (edit: (floopy: string) => string, model: string) => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    writeFileSync(join(dir, "card.yaml"), edit(readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8")));
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,${model},openai,1000,200\n`);
    return burnrate(["statement", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
  };

  it("is missing from the one, and no near value of both is called a typo", async () => {
    // gpt-4o-mini-tts priced for output only: gpt-4o-mini, which both prices name, is no typo.
    const out = await run((f) => f.replace('          gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }\n', '          gpt-4o-mini: { openai: "0.00006", azure: "0.000066" }\n          gpt-4o-mini-tts: { openai: "0.00008" }\n'), "gpt-4o-mini-tts");
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('no input_tokens price for model "gpt-4o-mini-tts" on meter "request", though the card\'s output_tokens price names it (expected the card\'s input_tokens price to name "gpt-4o-mini-tts" as its other prices do (burnrate check names it)');
    expect(out.stderr).not.toContain("typo");
  });

  it("after a gateway's prefix, is the card's typo, the export's value read as the other price's", async () => {
    const out = await run((f) => f.replace("          gpt-4o-mini: {", "          gpt4o-mini: {"), "openai/gpt-4o-mini");
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`no input_tokens price for model "openai/gpt-4o-mini" on meter "request", though the card's output_tokens price names "gpt-4o-mini": this table's "gpt4o-mini" is likely a typo in the card`);
    expect(out.stderr).toContain(`dimension_values: { model: { "openai/gpt-4o-mini": "gpt-4o-mini" } }`);
  });
});
