import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A card change that adds a priced activity, diffed on usage that has its rows: the base card cannot price them, and
// the refusal says what to do (newcomer, stop 34: the CI step stopped there with no cost comment and no way on).
describe("diff: a meter the new card adds", () => {
  it("is refused at its row in the base card, with the two ways on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nc16-"));
    const fliplet = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    writeFileSync(join(dir, "base.yaml"), fliplet);
    writeFileSync(join(dir, "new.yaml"), fliplet.replace("meters:\n", "meters:\n  voice_minute:\n    aggregation: flow\n    dimensions: [project]\n    category: end_users\n    pool: run\n    price: \"2\"\n"));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,10,alpha\n2026-11-02T11:00:00Z,voice_minute,30,alpha\n");
    const run = await burnrate(["diff", "--base", join(dir, "base.yaml"), "--card", join(dir, "new.yaml"), "--usage", join(dir, "usage.csv"), "--plan", "pro", "--anchor", "2026-11-01"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage\.csv:3:2: unknown meter "voice_minute" in the base card .*base\.yaml \(expected a meter of fliplet 2026-11; "voice_minute" is a meter the new card adds: give the base card the meter at a price of 0 to see its cost as a rise from 0, or diff on usage without its rows, found "voice_minute"\)/);
  });
});
