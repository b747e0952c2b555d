import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { besidesNoTests, checkFindings, findingAt, position, writeVariant } from "./helpers/cards.js";

// A value a card's setting names (a plan's only:, a surcharge's when:, an exempt_when:) is compared as exact
// text: one no event can carry gates, charges or exempts nothing, without a word (red team, stop 37, #9).
const dir = mkdtempSync(join(tmpdir(), "burnrate-lint19-values-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CARDS = { flikly: readFileSync(join(ROOT, "ratecards/flikly.yaml"), "utf8"), fliplet: readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8") };
const variant = (name: string, base: keyof typeof CARDS, edits: [string, string][]) => writeVariant(dir, name, CARDS[base], edits);




async function findings(file: string) {
  const { code, found } = await checkFindings(file);
  return { code, found: found.filter(besidesNoTests) };
}

const FREE_GATE = "only: { model: [pika, luma] }";

describe("plan gates", () => {
  it("fails a gate value one typo from a priced model, at the value, with a did-you-mean", async () => {
    const { file, text } = variant("typo", "flikly", [[FREE_GATE, "only: { model: [pika, lumaa] }"]]);
    const { code, found } = await findings(file);
    expect(code).toBe(1);
    expect(found.map(findingAt)).toEqual([`${position(text, "lumaa")} error unknown-gate-value`]);
    expect(found[0]!.message).toContain('plan "free" admits model "lumaa", which no event can carry: meter "generate" prices only model pika, luma, runway, veo; did you mean "luma"?');
    expect(found[0]!.fix).toBe('rename "lumaa" to "luma" in plans.free.only.model');
  });

  it("fails a gate written in another case, and the plan that then admits no priced model", async () => {
    const { file, text } = variant("case", "flikly", [[FREE_GATE, "only: { model: [Pika, Luma] }"]]);
    const { code, found } = await findings(file);
    expect(code).toBe(1);
    expect(found.map(findingAt)).toEqual([
      `${position(text, "[Pika")} error unreachable-plan`,
      `${position(text, "Pika")} error unknown-gate-value`,
      `${position(text, "Luma]")} error unknown-gate-value`,
    ]);
    expect(found[0]!.message).toBe('plan "free" admits no model the card prices: every event of meter "generate" is refused as plan-gated on it');
    expect(found[1]!.fix).toBe('rename "Pika" to "pika" in plans.free.only.model');
  });

  it("warns of a gate value no table prices and no priced value is near: it admits nothing", async () => {
    const { file, text } = variant("dead", "flikly", [[FREE_GATE, "only: { model: [pika, pika, sora] }"]]);
    const { code, found } = await findings(file);
    expect(code).toBe(0);
    // At the third entry as written, though the plan's set holds two values.
    expect(found.map(findingAt)).toEqual([`${position(text, "sora")} warning unknown-gate-value`]);
    expect(found[0]!.message).toBe('plan "free" admits model "sora", which no event can carry: meter "generate" prices only model pika, luma, runway, veo; it matches no event');
  });

  it("only warns where some meter takes any value of the dimension: the value may be one in its own right", async () => {
    // workflow is priced by generate's table, but split and caption carry it with no table: any workflow reaches them.
    const { file, text } = variant("open", "flikly", [[FREE_GATE, "only: { workflow: [Text_To_Video, split] }"]]);
    const { code, found } = await findings(file);
    expect(code).toBe(0);
    expect(found.map(findingAt)).toEqual([`${position(text, "Text_To_Video")} warning unknown-gate-value`]);
    expect(found[0]!.message).toContain('one slip from "text_to_video", which the card prices; did you mean "text_to_video"?');
  });
});

describe("conditions", () => {
  it("fails a surcharge value one slip from a priced value of a closed dimension; warns of one no table has", async () => {
    // published is priced by channel: web, ios, android, with no "*".
    const { file, text } = variant("surcharge", "fliplet", [
      ["      - { when: { distribution: private }, add: \"2\" }", "      - { when: { channel: Web }, add: \"2\" }\n      - { when: { channel: desktop }, add: \"1\" }"],
    ]);
    const { code, found } = await findings(file);
    expect(code).toBe(1);
    expect(found.map(findingAt)).toEqual([`${position(text, "Web }")} error unreachable-surcharge`, `${position(text, "desktop }")} warning unreachable-surcharge`]);
    expect(found[0]!.message).toContain('surcharge on meter "published" applies when channel "Web", which no event can carry: meter "published" prices only channel web, ios, android; did you mean "web"?');
  });

  it("fails an exemption on a model the meter prices in another case: every event would pay", async () => {
    const { file, text } = variant("exempt", "flikly", [["    labels: [Generate]", "    exempt_when: { model: Veo }\n    labels: [Generate]"]]);
    const { code, found } = await findings(file);
    expect(code).toBe(1);
    expect(found.map(findingAt)).toEqual([`${position(text, "Veo }")} error unreachable-exemption`]);
    expect(found[0]!.fix).toBe('rename "Veo" to "veo" in meters.generate.exempt_when');
  });
});

describe("table entries", () => {
  it("warns of a value two meters' tables spell one slip apart: a log writes one of them", async () => {
    const { file, text } = variant("spelling", "flikly", [
      ['    dimensions: [workflow]\n    category: processing\n    pool: create\n    price: "0.5"', '    dimensions: [workflow, model]\n    category: processing\n    pool: create\n    price: { by: [model], table: { Pika: "0.5", luma: "0.5" } }'],
    ]);
    const { code, found } = await findings(file);
    expect(code).toBe(0);
    // Pointed at as missing-price points at a table's value: where its price is written.
    expect(found.map(findingAt)).toEqual([`${position(text, '"0.5"', "Pika: ")} warning value-spelling`]);
    expect(found[0]!.message).toContain('model "Pika" in the price table of meter "split" is one slip from "pika", which meter "generate" prices; did you mean "pika"?');
  });
});

describe("the bundled cards", () => {
  it("have none of these findings", async () => {
    const run = await burnrate(["check", "ratecards/flikly.yaml", "ratecards/fliplet.yaml", "ratecards/floopy.yaml", "ratecards/flowly.yaml", "ratecards/appbuilder.yaml"]);
    expect(run.stdout).toContain("5 files checked: 0 errors, 0 warnings");
  });
});
