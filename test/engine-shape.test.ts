import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { checkPaths, checkSource } from "../scripts/check-engine-shape.mjs";
import { ROOT } from "./helpers/cli.js";

// Issue 16: small engine modules. scripts/check-engine-shape.mjs fails on a file of src/engine over
// 500 lines or a function there with more than 5 positional parameters (pass a value object).
type Problem = { line: number; problem: string };
const check = (src: string) => (checkSource(src) as Problem[]).map((p) => `${p.line}: ${p.problem}`);

describe("engine modules stay small", () => {
  it("src/engine is clean, and the script says so", () => {
    expect(checkPaths([`${ROOT}src/engine`])).toEqual([]);
    const run = spawnSync(process.execPath, ["scripts/check-engine-shape.mjs"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
  });

  it.each([
    ["a function", "export function f(a: number, b: number, c: number, d: number, e: number, g: number): number {\n  return a;\n}\n", "1: f takes 6 parameters"],
    ["a method", "class A {\n  private log(run: R, at: number, type: T, meter: string | undefined, grant: string | undefined, dims: D, quantity: Q, amount: Q): void {}\n}\n", "2: log takes 8 parameters"],
    ["an abstract method", "abstract class A {\n  protected abstract charge(a: 1, b: 2, c: 3, d: 4, e: 5, f?: 6): boolean;\n}\n", "2: charge takes 6 parameters"],
    ["a constructor's parameter properties", "class C {\n  constructor(readonly a: 1, readonly b: 2, private c: 3, d: 4, e: 5, f: 6) {}\n}\n", "2: constructor takes 6 parameters"],
    ["an arrow function", "const g = (a: 1, b: 2, c: 3, d: 4, e: 5, f = 6) => a;\n", "1: g takes 6 parameters"],
  ])("finds %s with 6 or more parameters", (_what, source, expected) => {
    expect(check(source).some((p) => p.startsWith(expected))).toBe(true);
  });

  it("passes five parameters, and a value object of any size", () => {
    expect(check("function f(a: 1, b: 2, c: 3, d: 4, e: 5): void {}\nfunction g(o: { a: 1; b: 2; c: 3; d: 4; e: 5; f: 6 }): void {}\n")).toEqual([]);
  });

  // The fast path is composed into the replay and sees it only through src/engine/full-path.ts:
  // a file of src/engine/fast/ that imports one of the full path's classes or domain modules fails.
  const inFast = (src: string) => (checkSource(src, "src/engine/fast/known-rows.ts") as Problem[]).map((p) => `${p.line}: ${p.problem}`);
  it.each([
    ["the full path's class", 'import { Charging } from "../charging.js";\n', "1: the fast path imports ../charging.js"],
    ["a domain type", 'import { x } from "./known-shapes.js";\nimport type { AccountRun } from "../replay-state.js";\n', "2: the fast path imports ../replay-state.js"],
    ["the replay", 'export { Replay } from "../replay.js";\n', "1: the fast path imports ../replay.js"],
    ["the open cycle", 'import { grownTo } from "../cycle.js";\n', "1: the fast path imports ../cycle.js"],
  ])("fails a fast-path file importing %s", (_what, source, expected) => {
    expect(inFast(source).some((p) => p.startsWith(expected))).toBe(true);
  });

  it("lets a fast-path file import the interface, pure helpers and its neighbours, and holds the interface to types", () => {
    expect(inFast('import type { FullPath } from "../full-path.js";\nimport { plusUnits } from "../credits.js";\nimport { KnownShapes } from "./known-shapes.js";\n')).toEqual([]);
    // The same import outside fast/ is no boundary's business.
    expect(check('import { Charging } from "../charging.js";\n')).toEqual([]);
    const iface = (src: string) => (checkSource(src, "src/engine/full-path.ts") as Problem[]).map((p) => `${p.line}: ${p.problem}`);
    expect(iface('import type { Units } from "./credits.js";\nimport { type Deferred } from "./credits.js";\n')).toEqual([]);
    expect(iface('import { Units } from "./credits.js";\n')).toEqual(["1: full-path.ts imports ./credits.js for more than its types (it is an interface: import type)"]);
  });

  it("finds a file of 501 lines, not one of 500", () => {
    expect(check("const x = 1;\n".repeat(501))).toEqual(["1: 501 lines (at most 500)"]);
    expect(check("const x = 1;\n".repeat(500))).toEqual([]);
  });
});
