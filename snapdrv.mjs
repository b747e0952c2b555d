import { Writable, Readable } from "node:stream";
import { writeHeapSnapshot } from "node:v8";
import { run } from "./dist/cli.js";
let done = false;
const stdout = new Writable({ write(chunk, enc, cb) { if (!done) { done = true; console.error("snap", writeHeapSnapshot("/tmp/acc/end.heapsnapshot")); } cb(); } });
const code = await run(process.argv.slice(2), { stdin: Readable.from([]), stdout, stderr: process.stderr, env: process.env });
console.error("exit", code);
