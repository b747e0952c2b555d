import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { checkPaths, checkSource } from "../scripts/check-no-float.mjs";
import { ROOT } from "./helpers/cli.js";

// No float on amounts (issue 7): scripts/check-no-float.mjs reads src/engine as tokens and
// fails on any float conversion (Number, parseFloat, .toNumber(), unary +), any Math.* call and
// any JavaScript arithmetic whose operands are not named instants or counts (its ALLOWED list).
type Problem = { line: number; problem: string };
const check = (src: string) => (checkSource(src) as Problem[]).map((p) => `${p.line}: ${p.problem}`);

describe("no float on amounts in src/engine", () => {
  it("src/engine is clean", () => {
    expect(checkPaths([`${ROOT}src/engine`])).toEqual([]);
    const run = spawnSync(process.execPath, ["scripts/check-no-float.mjs"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
  });

  it("fails on amount.toNumber() * 2", () => {
    const found = check("const doubled = line.amount.toNumber() * 2;\n");
    expect(found).toContain("1: .toNumber() makes a float");
    expect(found.some((p) => p.startsWith("1: * on toNumber"))).toBe(true);
  });

  it.each([
    ["arithmetic on amounts", "const cost = price * quantity;", /\* on price, quantity/],
    ["a running total in a number", "let total = 0;\nfor (const l of lines) total += l.amount;", /2: \+= on total, amount/],
    ["Number()", "const q = Number(row.quantity);", /Number makes a float/],
    ["parseFloat", "const q = parseFloat(text);", /parseFloat\(\) makes a float/],
    ["unary plus", "const q = +event.quantity;", /unary \+ on quantity/],
    ["Math on an amount", "const r = Math.round(grant.remaining);", /Math\.round on remaining/],
    ["arithmetic inside a template", "const s = `${c.total * 100}%`;", /\* on total/],
    ["valueOf", "const v = amount.valueOf() / 3;", /\.valueOf\(\) makes a float/],
    ["a decrement of a balance", "balance--;", /-- on balance/],
  ])("fails on %s", (_name, src, problem) => {
    expect(check(src).join("\n")).toMatch(problem);
  });

  it.each([
    ["counters", "this.counts.read++;\nline.events++;"],
    ["comparators on instants and ids", "gone.sort((a, b) => a.expiresAt! - b.expiresAt! || a.id - b.id);"],
    ["joining text", "let key = meter.key;\nkey += `\\u0001${dims[d]}`;"],
    ["cycle indexes", "this.lastCycle = Math.max(this.lastCycle, index);\nconst next = this.throughCycle + 1;"],
    ["Decimal methods", "const total = a.amount.plus(b.amount).times(price);"],
    ["negative literals and regular expressions", "const x = -1;\nconst r = /a+b-c/g;"],
  ])("accepts %s", (_name, src) => {
    expect(check(src)).toEqual([]);
  });
});
