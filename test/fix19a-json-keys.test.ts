import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// A JSON Lines row with a key written twice was read with JSON.parse's last value, in silence (red team red19b #5,
// stop 37): 1,000 reads billed for a row whose first "quantity" says 1. It is refused at the second key, as a CSV
// header naming a column twice is. Fliplet Pro: data_read at 0.01 credits a read.

async function statement(lines: string[], extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "fix19a-keys-"));
  writeFileSync(join(dir, "u.jsonl"), `${lines.join("\n")}\n`);
  return burnrate(["statement", "--card", "ratecards/fliplet.yaml", "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "u.jsonl"), "--format", "json", ...extra]);
}

const head = '{"timestamp":"2026-11-02T00:00:00Z","meter":"data_read",';

describe("a JSON Lines key written twice (red team, stop 37)", () => {
  it("refuses the row at the second key, naming the first", async () => {
    const line = `${head}"project":"a","quantity":1,"quantity":1000}`;
    const run = await statement([`${head}"project":"a","quantity":1}`, line]);
    expect(run.code).toBe(2);
    const second = line.lastIndexOf('"quantity"') + 1;
    const first = line.indexOf('"quantity"') + 1;
    expect(run.stderr).toContain(`u.jsonl:2:${second}: key "quantity" written twice in one object (expected each key once in an object: JSON readers differ on which of two values they keep, found "quantity" also at column ${first})`);
  });

  it("refuses a dimension or an id written twice, spaced or escaped, and a nested key by its path", async () => {
    for (const [row, key] of [
      [`${head}"project":"a","project":"b","quantity":1}`, "project"],
      [`${head}"project":"a","quantity":1,"event_id":"x","event_id":"y"}`, "event_id"],
      [`${head}"project" : "a", "quantity" : 1, "project" : "b"}`, "project"],
      [`${head}"project":"a","quantity":1,"quan\\u0074ity":2}`, "quantity"],
      [`${head}"project":"a","quantity":1,"data":{"x":1,"x":2}}`, "data.x"],
    ] as const) {
      const run = await statement([row]);
      expect(run.code, row).toBe(2);
      expect(run.stderr, row).toContain(`key "${key}" written twice in one object`);
    }
  });

  it("reads rows whose values hold a key's marks, and one name in two objects", async () => {
    // Two reads of 1 and 2: 3 x 0.01 = 0.03 credits. The first row's project holds `":` in its text; the second has
    // "quantity" at the top and inside meta, two objects (meta under ignore_columns:).
    const run = await statement([`${head}"project":"a\\":b","quantity":1}`, `${head}"project":"a","quantity":2,"meta":{"quantity":5}}`], ["--map", "ignore:meta"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.03");
  });

  it("refuses a line nested deeper than 256 levels at its line, where flattening it ran out of stack (red team, stop 43)", async () => {
    const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
    // 256 levels in all: the row's object and 255 arrays in its ignored field.
    const deepest = await statement([`${head}"project":"a","quantity":1,"note":${nested(255)}}`], ["--map", "ignore:note"]);
    expect([deepest.code, deepest.stderr]).toEqual([0, ""]);
    for (const depth of [256, 5000]) {
      const run = await statement([`${head}"project":"a","quantity":1}`, `${head}"project":"a","quantity":1,"note":${nested(depth)}}`], ["--map", "ignore:note"]);
      expect(run.code, String(depth)).toBe(2);
      expect(run.stderr).toBe(`burnrate: error: ${run.stderr.match(/\S*u\.jsonl/)![0]}:2:1: a JSON value nested more than 256 levels deep (expected objects and arrays at most 256 levels deep, found deeper ones)\n`);
    }
  });
});
