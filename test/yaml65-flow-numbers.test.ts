import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { scenarioFile } from "./helpers/scenario-file.js";

// newcomer65b M2: `{ input_tokens: 40,000,000 }` read as 40 and keys "000", told `key "000" written twice`; red65c L4
// and red65d M2, L1: the fix lost a decimal part, a sign, or read a decimal comma as thousands.
async function quantity(written: string) {
  const file = scenarioFile(`card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 1\npopulations:\n  - name: member\n    users: 10\n    dimensions: { project: portal }\n    per_user:\n      - { meter: data_read, quantity: ${written} }\n`);
  return { file, r: await burnrate(["simulate", file]) };
}

describe("a number written with commas inside { }", () => {
  it("is told as that number, at its start, with the plain decimal meant", async () => {
    // `      - { meter: data_read, quantity: ` is 38 characters: the number starts at column 39 of line 10.
    // One group of three after a number is a thousands separator or a decimal comma: both are offered (red65e M3).
    for (const [written, meant] of [["40,000,000", "40000000"], ["1,000.5", "1000.5"], ["-1,000", "-1000, or -1 where the comma is a decimal one"], ["+1,500", "+1500, or 1.5 where the comma is a decimal one"]] as const) {
      const { file, r } = await quantity(written);
      expect(r.code, written).toBe(2);
      expect(r.stderr, written).toBe(`burnrate: error: ${file}:10:39: a number with thousands separators inside { }, whose commas YAML reads as the mapping's (expected a plain decimal: ${meant}, found "${written}")\n`);
    }
  });

  it("a 0 before its comma, or other than three digits after it, is a decimal comma (red65d M2, red65e M2)", async () => {
    for (const [written, meant] of [["0,001", "0.001"], ["0,5", "0.5"], ["-0,25", "-0.25"], ["12,50", "12.50"]] as const) {
      const { file, r } = await quantity(written);
      expect(r.stderr, written).toBe(`burnrate: error: ${file}:10:39: a number with a decimal comma inside { }, whose comma YAML reads as the mapping's (expected a plain decimal, with a point: ${meant}, found "${written}")\n`);
    }
  });
});

// red65f M1: `skip_rows: { status: 500,404 }` was told as the number 500404 (or 500.404); skip_rows: takes a list.
describe("a skip_rows: list written without its brackets inside { }", () => {
  it("is offered as the list, whatever its values", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "yaml66-skip-"));
    // `skip_rows: { status: ` is 21 characters: the values start at column 22 of line 1.
    for (const [written, list] of [["500,404", "500, 404"], ["500,503,504", "500, 503, 504"], ["5,404", "5, 404"], ["failure,error", "failure, error"], ["500, 404", "500, 404"]] as const) {
      const mapping = join(dir, "m.yaml");
      writeFileSync(mapping, `skip_rows: { status: ${written} }\n`);
      const r = await burnrate(["statement", "--account", join(ROOT, "fixtures/layouts/account.yaml"), "--usage", join(ROOT, "fixtures/layouts/canonical.csv"), "--mapping", mapping]);
      expect([r.code, r.stdout], written).toEqual([2, ""]);
      expect(r.stderr, written).toBe(`burnrate: error: ${mapping}:1:22: a list of values without [ ] inside { }, whose commas YAML reads as the mapping's (expected a list in brackets: status: [${list}], found "${written}")\n`);
    }
  });
});

// red66: in block style, `status: 500,404` is one text to YAML, refused as "wrong type" with no list offered.
describe("a list written without brackets in block style", () => {
  it("is offered in brackets", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const mapping = join(mkdtempSync(join(tmpdir(), "yaml66-list-")), "m.yaml");
    writeFileSync(mapping, "skip_rows:\n  status: 500,404\n");
    const r = await burnrate(["statement", "--account", join(ROOT, "fixtures/layouts/account.yaml"), "--usage", join(ROOT, "fixtures/layouts/canonical.csv"), "--mapping", mapping]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe(`burnrate: error: ${mapping}:2:11: wrong type (expected a list, in brackets: [500, 404], found "500,404")\n`);
  });
});

// red66b M8: a quoted text where a list is expected is one item, commas and all; a list of mappings is not split.
describe("a scalar where a list is expected", () => {
  const refused = async (mappingText: string) => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const mapping = join(mkdtempSync(join(tmpdir(), "yaml66-scalar-")), "m.yaml");
    writeFileSync(mapping, mappingText);
    const r = await burnrate(["statement", "--account", join(ROOT, "fixtures/layouts/account.yaml"), "--usage", join(ROOT, "fixtures/layouts/canonical.csv"), "--mapping", mapping]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    return r.stderr.replace(`${mapping}:`, "m.yaml:");
  };

  it("offers a quoted text as one item in brackets", async () => {
    expect(await refused('skip_rows:\n  error: "Rate limit exceeded, retry later"\n')).toBe(`burnrate: error: m.yaml:2:10: wrong type (expected a list, in brackets: ["Rate limit exceeded, retry later"], found "Rate limit exceeded, retry later")\n`);
  });

  it("offers a plain word as a list of one", async () => {
    expect(await refused("ignore_columns: spend\n")).toBe(`burnrate: error: m.yaml:1:17: wrong type (expected a list, in brackets: [spend], found "spend")\n`);
  });
});
