import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cardNamedValues, conditionNearMiss } from "../src/ratecard/condition-values.js";
import { parseRateCard } from "../src/ratecard/load.js";
import type { RateCard } from "../src/ratecard/types.js";
import { ROOT } from "./helpers/cli.js";

const load = (name: string): RateCard => parseRateCard(readFileSync(join(ROOT, "ratecards", `${name}.yaml`), "utf8"), `ratecards/${name}.yaml`);
const fliplet = load("fliplet");
const flikly = load("flikly");
const flowly = load("flowly");
const appbuilder = load("appbuilder");
const meter = (card: RateCard, key: string) => card.meters.get(key)!;

/** Line and column of `needle` on the line holding `anchor`, counted by hand from the card's text. */
function placeOf(card: string, anchor: string, needle: string): { file: string; line: number; column: number } {
  const lines = readFileSync(join(ROOT, "ratecards", `${card}.yaml`), "utf8").split("\n");
  const line = lines.findIndex((l) => l.includes(anchor));
  return { file: `ratecards/${card}.yaml`, line: line + 1, column: lines[line]!.indexOf(needle, lines[line]!.indexOf(anchor)) + 1 };
}

describe("conditionNearMiss (cards15): a row's value one slip from a condition's value", () => {
  const published = meter(fliplet, "published");
  const row = (distribution: string | undefined) => ({ project: "p", channel: "ios", ...(distribution === undefined ? {} : { distribution }) });

  it("names the same letters in another case, and one letter dropped, at the condition's place", () => {
    const at = placeOf("fliplet", "when: { distribution: private }", "private");
    for (const value of ["Private", "PRIVATE", "privat", "privte", "priavte"]) {
      expect(conditionNearMiss(published, row(value)), value).toEqual({ condition: "surcharge", dimension: "distribution", value, nearly: "private", location: at });
    }
  });

  it("leaves alone the exact value, a missing column, and a value further away", () => {
    for (const value of ["private", undefined, "mdm", "public", "priv", "privately"]) expect(conditionNearMiss(published, row(value)), String(value)).toBeUndefined();
  });

  it("reads booleans written by pandas and spreadsheets as near misses of \"true\", and other words as themselves", () => {
    const message = meter(flowly, "message");
    const at = placeOf("flowly", 'exempt_when: { byok: "true" }', '"true"');
    for (const value of ["True", "TRUE", "ture", "trve"]) {
      expect(conditionNearMiss(message, { server: "s", model: "claude-haiku-4.5", byok: value }), value).toEqual({ condition: "exemption", dimension: "byok", value, nearly: "true", location: at });
    }
    // Another spelling of true is the exemption's value written otherwise (red15): a BYOK row written 1 or yes was charged.
    for (const value of ["1", "yes", "Y", "ON"]) {
      expect(conditionNearMiss(message, { server: "s", model: "claude-haiku-4.5", byok: value }), value).toEqual({ condition: "exemption", dimension: "byok", value, nearly: "true", location: at });
    }
    // Spellings of false are rows the exemption rightly does not match.
    for (const value of ["true", "false", "0", "no", "off", ""]) expect(conditionNearMiss(message, { server: "s", model: "claude-haiku-4.5", byok: value }), value).toBeUndefined();
  });

  it("reads a column that is a condition's but not a line dimension (the app builder's web search)", () => {
    const request = meter(appbuilder, "app_request");
    expect(conditionNearMiss(request, { app: "a", creator: "c", tier: "standard", web_search: "True" })).toMatchObject({ dimension: "web_search", value: "True", nearly: "true" });
    expect(conditionNearMiss(request, { app: "a", creator: "c", tier: "standard", web_search: "true" })).toBeUndefined();
  });

  it("takes only case for a value shorter than four characters: 8k is a resolution of its own, 4K is 4k", () => {
    const generate = meter(flikly, "generate");
    const dims = (resolution: string) => ({ workflow: "text_to_video", model: "runway", resolution });
    expect(conditionNearMiss(generate, dims("4K"))).toMatchObject({ value: "4K", nearly: "4k", location: placeOf("flikly", 'resolution: "4k"', '"4k"') });
    for (const value of ["8k", "4", "720p", "4k"]) expect(conditionNearMiss(generate, dims(value)), value).toBeUndefined();
    // The first condition in the card's order: 1080p is written before 4k.
    expect(conditionNearMiss(generate, dims("1080P"))).toMatchObject({ nearly: "1080p" });
    // A digit's value one letter from a condition's is most often another value: 1080i is an interlaced resolution (red15).
    for (const value of ["1080i", "10800p"]) expect(conditionNearMiss(generate, dims(value)), value).toBeUndefined();
    // But a number without its unit's letter is that value as exports write it: 1080 paid no surcharge (red team, stop 35).
    expect(conditionNearMiss(generate, dims("1080"))).toMatchObject({ value: "1080", nearly: "1080p" });
  });

  it("never names a value the card names for that dimension: a price table's key, or a plan gate's", () => {
    const text = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8").replace('table: { web: "2", ios: "3", android: "3" }', 'table: { web: "2", ios: "3", android: "3", iOS: "4" }');
    const card = parseRateCard(text.replace("- { when: { distribution: private }, add: \"2\" }", "- { when: { channel: ios }, add: \"2\" }"), "card.yaml");
    const priced = meter(card, "published");
    // "iOS" is priced by the table: meant as itself. "IOS" is not, and nearly is the condition's "ios".
    expect(conditionNearMiss(priced, { project: "p", channel: "iOS" })).toBeUndefined();
    expect(conditionNearMiss(priced, { project: "p", channel: "IOS" })).toMatchObject({ dimension: "channel", nearly: "ios" });
    expect(conditionNearMiss(published, row("privat"), new Map([["distribution", new Set(["privat"])]]))).toBeUndefined();
    expect(cardNamedValues(flikly).get("model")).toEqual(new Set(["pika", "luma", "runway", "veo"]));
  });

  it("a meter without conditions has no near miss", () => {
    expect(conditionNearMiss(meter(fliplet, "data_read"), { project: "Private" })).toBeUndefined();
  });
});
