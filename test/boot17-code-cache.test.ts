import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// The bundle's V8 code cache (src/code-cache.ts, as the build leaves it in dist/): a hint that is used
// only for the very bytes it was made from, and never written by a run the build did not ask to.
const LOADER = pathToFileURL(fileURLToPath(new URL("../dist/code-cache.js", import.meta.url))).href;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "boot17-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Run `bundle.cjs` of the folder through the loader, in a process of its own; its standard output. */
function run(env: Record<string, string> = {}): string {
  const script = `import { runBundle } from ${JSON.stringify(LOADER)}; runBundle(new URL(${JSON.stringify(pathToFileURL(join(dir, "bundle.cjs")).href)}));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, BURNRATE_WRITE_CODE_CACHE: "", ...env }, encoding: "utf8" });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  return child.stdout;
}

const bundle = (answer: string) => `function answer(n) { return "${answer}" + n; }\nprocess.stdout.write(answer(module === undefined ? 0 : 7) + " " + __filename.endsWith("bundle.cjs"));\n`;

describe("a bundle run from its code cache", () => {
  it("runs as CommonJS, and writes its cache only when the build asks", () => {
    writeFileSync(join(dir, "bundle.cjs"), bundle("A1"));
    expect(run()).toBe("A17 true");
    expect(readdirSync(dir)).toEqual(["bundle.cjs"]);
    expect(run({ BURNRATE_WRITE_CODE_CACHE: "1" })).toBe("A17 true");
    expect(readdirSync(dir).sort()).toEqual(["bundle.cjs", "bundle.cjs.cache"]);
    expect(run()).toBe("A17 true");
    expect(readdirSync(dir).sort()).toEqual(["bundle.cjs", "bundle.cjs.cache"]);
  });

  it("ends as it would when the cache cannot be written, and leaves nothing half written", () => {
    writeFileSync(join(dir, "bundle.cjs"), bundle("A1"));
    // A folder where the cache would go: as root, the one write a read-only install still refuses.
    mkdirSync(join(dir, "bundle.cjs.cache"));
    expect(run({ BURNRATE_WRITE_CODE_CACHE: "1" })).toBe("A17 true");
    expect(readdirSync(dir).sort()).toEqual(["bundle.cjs", "bundle.cjs.cache"]);
    expect(readdirSync(join(dir, "bundle.cjs.cache"))).toEqual([]);
  });

  it("runs the bundle's own code when the bundle changed since its cache, at the same length", () => {
    // V8 alone checks a cache against the source's length only: it would run A1's compiled function.
    writeFileSync(join(dir, "bundle.cjs"), bundle("A1"));
    run({ BURNRATE_WRITE_CODE_CACHE: "1" });
    writeFileSync(join(dir, "bundle.cjs"), bundle("B2"));
    expect(run()).toBe("B27 true");
  });

  it("compiles the bundle as usual when its cache is not V8's", () => {
    writeFileSync(join(dir, "bundle.cjs"), bundle("A1"));
    run({ BURNRATE_WRITE_CODE_CACHE: "1" });
    const cache = readFileSync(join(dir, "bundle.cjs.cache"));
    const header = cache.subarray(0, cache.indexOf(10) + 1);
    writeFileSync(join(dir, "bundle.cjs.cache"), Buffer.concat([header, Buffer.alloc(cache.length - header.length, 0x5a)]));
    expect(run()).toBe("A17 true");
    writeFileSync(join(dir, "bundle.cjs.cache"), header);
    expect(run()).toBe("A17 true");
  });

  it("compiles the bundle as usual when its cache's data is damaged under a whole first line", () => {
    // V8 does not sum its data: a cache damaged past its own header was taken, and crashed the process.
    writeFileSync(join(dir, "bundle.cjs"), bundle("A1"));
    run({ BURNRATE_WRITE_CODE_CACHE: "1" });
    const cache = readFileSync(join(dir, "bundle.cjs.cache"));
    for (let i = cache.length - 64; i < cache.length - 32; i++) cache[i]! ^= 0xff;
    writeFileSync(join(dir, "bundle.cjs.cache"), cache);
    expect(run()).toBe("A17 true");
  });
});
