import { describe, expect, it } from "vitest";
import { UserError } from "../src/errors.js";
import { nearMissAmong } from "../src/usage/near-miss.js";
import { parseMapping, unknownMeter, withFlags } from "../src/usage/mapping.js";

// Field report 10: an error a mapping key causes is said at that key, in the mapping file or at --map.
const MAPPING = ["columns:", "  timestamp: ts", "  meter: op", "meter_values:", "  ai.generat: ai_action", '  "doc.export": exprot', ""].join("\n");
const CELL = { file: "u.csv", line: 2, column: 3 };
const METERS = ["ai_action", "export"];

function thrown(e: UserError): string {
  return e.message;
}

describe("mapping keys' places", () => {
  it("names an export's activity name one typo from a meter_values key, at that key", () => {
    const mapping = parseMapping(MAPPING, "m.yaml");
    // Line 5 is "  ai.generat: ai_action": the key starts at column 3.
    expect(thrown(unknownMeter(mapping, "ai.generate", METERS, "quill 2026-11", CELL))).toBe(
      'u.csv:2:3: unknown meter "ai.generate"; did you mean: the mapping\'s "ai.generat" at m.yaml:5:3? (expected a meter of quill 2026-11, or the export\'s name read as one: meter_values: { ai.generate: KEY } in the usage mapping (--map meter:KEY=ai.generate), found "ai.generate")',
    );
  });

  it("refuses a meter_values value naming no meter at that value, a quoted key too", () => {
    const mapping = parseMapping(MAPPING, "m.yaml");
    // Line 6 is '  "doc.export": exprot': the value starts at column 17.
    const e = unknownMeter(mapping, "doc.export", METERS, "quill 2026-11", CELL);
    expect(e.location).toEqual({ file: "m.yaml", line: 6, column: 17 });
    expect(e.problem).toBe('unknown meter "exprot"; did you mean "export"?');
  });

  it("puts a --map over the file's key at the flag", () => {
    const mapping = withFlags(parseMapping(MAPPING, "m.yaml"), ["meter:ai_actoin=ai.generate"]);
    expect(unknownMeter(mapping, "ai.generate", METERS, "quill 2026-11", CELL).location).toEqual({ flag: "--map" });
    // The file's own entry keeps its place.
    expect(unknownMeter(mapping, "doc.export", METERS, "quill 2026-11", CELL).location).toEqual({ file: "m.yaml", line: 6, column: 17 });
  });

  it("without a mapped meter column, an unknown meter is the card's, at its cell", () => {
    expect(thrown(unknownMeter(parseMapping("rename:\n  llm: model\n", "m.yaml"), "ai_actoin", METERS, "quill 2026-11", CELL))).toBe(
      'u.csv:2:3: unknown meter "ai_actoin"; did you mean "ai_action"? (expected a meter of quill 2026-11, found "ai_actoin")',
    );
  });
});

describe("a near miss among a card's column names", () => {
  it.each([
    ["modle", "model"],
    ["input_token", "input_tokens"],
    ["Model", "model"],
    ["input-tokens", "input_tokens"],
    ["tss", undefined],
    ["provider", undefined],
  ])("%s -> %s", (name, meant) => {
    expect(nearMissAmong(name, ["model", "input_tokens", "output_tokens"])).toBe(meant);
  });

  it("finds a header's column for a mapping's source", () => {
    expect(nearMissAmong("tss", ["ts", "tenant", "op"])).toBe("ts");
    expect(nearMissAmong("ts", ["ts", "tenant"])).toBeUndefined();
  });
});
