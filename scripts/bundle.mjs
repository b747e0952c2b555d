// npm run build's second step: the command line and its reading thread each as one file in dist/
// (burnrate.cjs, which bin/burnrate runs, and screen-worker.js, which it starts), from tsc's output.
// A run loads about 160 modules of ours and 40 of our dependencies on the main thread, and 40 on
// the worker; node resolves, reads and links each apart, a fixed cost of every run that a 2M-row
// log feels (docs/performance.md). The files beside them stay as tsc wrote them.
//
// The command line's is CommonJS, so that it is compiled through node:vm with a V8 code cache
// (src/code-cache.ts): node 20 keeps none for ES modules. The cache is made here, by a run of the
// built command on a log of the benchmark's generator, and used only where V8 and the bundle's digest
// match. The reading thread's stays an ES module: a cache of it measured nothing (docs/performance.md,
// boot17).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "rolldown";
import { generate } from "../bench/generate.mjs";

const entries = { "burnrate.cjs": "dist/main.js", "screen-worker.js": "dist/usage/screen-worker.js" };

/**
 * fdir (tinyglobby's directory walker) loads picomatch as it is evaluated, through a `require` made at run
 * time, for a glob option of its own that tinyglobby does not use (tinyglobby matches with picomatch
 * itself, bundled): every run's start resolved, read and compiled picomatch's five files from node_modules,
 * outside the bundle and its code cache (docs/performance.md, boot18). It gets the bundle's picomatch.
 */
const FDIR_PICOMATCH = '__require.resolve("picomatch");\n\tpm = __require("picomatch");';
const fdirPicomatch = {
  name: "fdir-picomatch",
  transform(code, id) {
    if (!/[\\/]fdir[\\/]dist[\\/]index\.mjs$/.test(id)) return null;
    if (!code.includes(FDIR_PICOMATCH)) {
      console.warn("bundle: fdir no longer loads picomatch as scripts/bundle.mjs expects; it is left as it is");
      return null;
    }
    // Line for line (the import on fdir's first line), so that its source map still holds.
    return { code: `import picomatch from "picomatch"; ${code.replace(FDIR_PICOMATCH, "\n\tpm = picomatch;")}`, map: null };
  },
};

for (const [name, input] of Object.entries(entries)) {
  await build({
    input,
    platform: "node",
    logLevel: "warn",
    plugins: [fdirPicomatch],
    // One file each: the main thread's commands, loaded on demand, are in it, evaluated only when asked for.
    // Its text ASCII (other characters escaped) and without the dependencies' JSDoc (luxon's Arabic and
    // Burmese examples): V8 keeps a module's source as a string for as long as the process runs, and one
    // character past Latin-1 made it two bytes a character, 3.7 MB on the main thread and 0.7 MB on the
    // worker, where it is now 1.5 and 0.2 (docs/performance.md, reader11). Strict, as the modules were.
    output: { file: `dist/${name}`, format: name.endsWith(".cjs") ? "cjs" : "esm", strict: true, codeSplitting: false, sourcemap: true, charset: "ascii", comments: { legal: true, annotation: true, jsdoc: false } },
  });
}

/**
 * The code cache: a statement of 200,000 rows (10 MB, so that the scanner's thread is started as on a
 * large log), run by bin/burnrate itself so that V8's flags are a run's. The bundle writes the functions
 * its run compiled as it ends. A build that cannot run it leaves no cache, and runs compile as they would
 * without one.
 */
const work = mkdtempSync(join(tmpdir(), "burnrate-build-"));
try {
  const log = join(work, "usage.csv");
  await generate(200_000, log);
  writeFileSync(join(work, "account.yaml"), `card: ${resolve("ratecards/fliplet.yaml")}\nplan: pro\nallowance: 48500\nanchor: 2026-09-01\ntimezone: UTC\n`);
  const run = spawnSync(resolve("bin/burnrate"), ["statement", "--account", join(work, "account.yaml"), "--usage", log, "--format", "json", "-o", join(work, "statement.json"), "--no-progress"], {
    env: { ...process.env, BURNRATE_WRITE_CODE_CACHE: "1" },
    encoding: "utf8",
  });
  if (run.status !== 0) console.warn(`bundle: no code cache: ${run.error?.message ?? run.stderr}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
