import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// V8 takes a code cache only under the flags it was made under, node's own builtins' cache as much as the
// bundle's. bin/burnrate starts node with --max-semi-space-size=4 and sets it back (defaultFlags, in the
// build's dist/code-cache.js); the heap watch's --expose-gc is set back by main.ts.
const LOADER = pathToFileURL(fileURLToPath(new URL("../dist/code-cache.js", import.meta.url))).href;
const BUNDLE = fileURLToPath(new URL("../dist/burnrate.cjs", import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "boot18-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Run an ES module script under node's flags; its standard output, trimmed. */
function node(flags: string[], script: string): string {
  const child = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", script], { encoding: "utf8" });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  return child.stdout.trim();
}

/** A script that compiles `source` with `cache` and prints whether V8 turned the cache down; `reset` calls defaultFlags first. */
const compile = (source: string, cache: string, reset: boolean, skipLine = false) => `
  import { readFileSync } from "node:fs";
  import { Script } from "node:vm";
  import { defaultFlags } from ${JSON.stringify(LOADER)};
  ${reset ? "defaultFlags();" : ""}
  const cache = readFileSync(${JSON.stringify(cache)});
  const data = ${skipLine ? "cache.subarray(cache.indexOf(10) + 1)" : "cache"};
  const source = readFileSync(${JSON.stringify(source)}, "latin1");
  const script = new Script(${skipLine ? '"(function (exports, require, module, __filename, __dirname) {" + source + "\\n})"' : "source"}, { cachedData: data });
  process.stdout.write(String(script.cachedDataRejected));`;

describe("the bin's V8 flags, set back", () => {
  it("lets a process started with --max-semi-space-size take a cache made under no flag", () => {
    const source = join(dir, "source.js");
    const cache = join(dir, "source.cache");
    writeFileSync(source, "function twice(n) { return 2 * n; }\ntwice(21);\n");
    node([], `
      import { readFileSync, writeFileSync } from "node:fs";
      import { Script } from "node:vm";
      const script = new Script(readFileSync(${JSON.stringify(source)}, "latin1"));
      script.runInThisContext();
      writeFileSync(${JSON.stringify(cache)}, script.createCachedData());`);
    expect(node(["--max-semi-space-size=4"], compile(source, cache, false))).toBe("true");
    expect(node(["--max-semi-space-size=4"], compile(source, cache, true))).toBe("false");
    expect(node([], compile(source, cache, true))).toBe("false");
  });

  it("leaves the build's bundle a cache that the bin and `node bin/burnrate` both take", () => {
    // Made at the end of a run of the bin (scripts/bundle.mjs): after main.ts set --expose-gc back.
    expect(node(["--max-semi-space-size=4"], compile(BUNDLE, `${BUNDLE}.cache`, true, true))).toBe("false");
    expect(node([], compile(BUNDLE, `${BUNDLE}.cache`, true, true))).toBe("false");
    expect(node(["--expose-gc"], compile(BUNDLE, `${BUNDLE}.cache`, true, true))).toBe("true");
  });
});
