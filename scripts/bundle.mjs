// npm run build's second step: the command line and its reading thread each as one file in dist/
// (burnrate.js, which bin/burnrate runs, and screen-worker.js, which it starts), from tsc's output.
// A run loads about 160 modules of ours and 40 of our dependencies on the main thread, and 40 on
// the worker; node resolves, reads and links each apart, a fixed cost of every run that a 2M-row
// log feels (docs/performance.md). The files beside them stay as tsc wrote them.
import { build } from "rolldown";

const entries = { burnrate: "dist/main.js", "screen-worker": "dist/usage/screen-worker.js" };

for (const [name, input] of Object.entries(entries)) {
  await build({
    input,
    platform: "node",
    logLevel: "warn",
    // One file each: the main thread's commands, loaded on demand, are in it, evaluated only when asked for.
    // Its text ASCII (other characters escaped) and without the dependencies' JSDoc (luxon's Arabic and
    // Burmese examples): V8 keeps a module's source as a string for as long as the process runs, and one
    // character past Latin-1 made it two bytes a character, 3.7 MB on the main thread and 0.7 MB on the
    // worker, where it is now 1.5 and 0.2 (docs/performance.md, reader11).
    output: { file: `dist/${name}.js`, format: "esm", codeSplitting: false, sourcemap: true, charset: "ascii", comments: { legal: true, annotation: true, jsdoc: false } },
  });
}
