import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { checkFindings, findingAt, position, writeVariant } from "./helpers/cards.js";

// With round_at: event, a price finer than the step rounds each event: 0.005 at a step of 0.01 half-even bills
// every read of one 0, and check said nothing (red team, stop 37, #10).
const dir = mkdtempSync(join(tmpdir(), "burnrate-lint19-round-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const card = (name: string, edits: [string, string][]) => writeVariant(dir, name, FLIPLET, edits);




const PER_EVENT: [string, string] = ["  round_at: none ", '  step: "0.01"\n  round_at: event '];

describe("prices finer than the per-event rounding step", () => {
  it("errs where every charge is free, warns where small events are, and where the step moves a price by more than a tenth", async () => {
    const { file, text } = card("fine", [
      PER_EVENT,
      ['price: "0.01"             # "0.01 per read"', 'price: "0.005"            # "0.01 per read"'],
      ['price: "0.05"             # "0.05 per write"', 'price: "0.015"            # "0.05 per write"'],
      ['price: "0.25"             # "0.25 per unique end-user"', 'price: "0.004"            # "0.25 per unique end-user"'],
      ['{ when: { distribution: private }, add: "2" }', '{ when: { distribution: private }, add: "0.004" }'],
    ]);
    const { code, found } = await checkFindings(file);
    expect(code).toBe(1);
    const rounding = found.filter((f) => f.rule === "rounds-to-zero" || f.rule === "rounding-share");
    expect(rounding.map(findingAt)).toEqual(expect.arrayContaining([
      // published (recurring): web 2 + 0.004 = 2.004, 200.4 steps, half-even 200: 2.00, as without it; ios and android 3.004: 3.00.
      `${position(text, '"0.004"', "add: ")} error rounds-to-zero`,
      // end_user_open (unique): 0.004 is 0.4 of a step: 0, so every first use is free.
      `${position(text, '"0.004"', "end_user_open:")} error rounds-to-zero`,
      // data_read (flow): 0.005 is half a step, half-even to 0 (even): a read of one is free, and a row of 1,000 is 1,000 of them (newcomer61 H1).
      `${position(text, '"0.005"', "data_read:")} error rounds-to-zero`,
      // data_write (flow): 0.015 is 1.5 steps, half-even to 2: 0.02, 0.005 more, 33% of 0.015.
      `${position(text, '"0.015"', "data_write:")} warning rounding-share`,
    ]));
    const read = rounding.find((f) => f.line === Number(position(text, '"0.005"', "data_read:").split(":")[0]))!;
    // 0.01 / 2 = 0.005 free at most; / 0.005 a unit = 1 unit.
    expect(read.message).toBe('one unit of meter "data_read" costs 0.005, which rounds to 0 at step 0.01 (half-even): a row\'s whole-number quantity counts its events, each of one unit charged nothing (a row of 2,000,000 costs 0), and a row of a fractional quantity, one event, of up to 1 unit is charged nothing too');
    const write = rounding.find((f) => f.rule === "rounding-share")!;
    expect(write.message).toBe('one unit of meter "data_write" costs 0.015, which step 0.01 (half-even) bills 0.02 (33%)');
    const users = rounding.find((f) => f.severity === "error" && f.message.includes("end_user_open"));
    expect(users?.message).toBe('meter "end_user_open" charges 0.004 an item, which rounds to 0 at step 0.01 (half-even): every first use is charged nothing');
  });

  it("says nothing of a card that keeps amounts exact", async () => {
    const { file } = card("exact", [['price: "0.01"             # "0.01 per read"', 'price: "0.005"            # "0.01 per read"']]);
    const rules = (await checkFindings(file)).found.map((f) => f.rule);
    expect(rules).not.toContain("rounds-to-zero");
    expect(rules).not.toContain("rounding-share");
  });
});
