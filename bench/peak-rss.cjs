// Preloaded into the measured `bin/burnrate` by bench/run.mjs (NODE_OPTIONS --require): writes the
// process's peak resident memory, in kB, to the file BURNRATE_BENCH_PEAK names as the process exits.
// It is getrusage's ru_maxrss, the figure `/usr/bin/time -f %M` reports: the whole process's high
// mark (every thread's heap, the worker's included), read after the last rise, where sampling
// VmHWM from /proc while the process runs can miss the rise of its last moments.
"use strict";
const { writeFileSync } = require("node:fs");
const { isMainThread } = require("node:worker_threads");

const file = process.env.BURNRATE_BENCH_PEAK;
// Read once and taken out: a process the run starts (which inherits NODE_OPTIONS) writes nothing.
delete process.env.BURNRATE_BENCH_PEAK;
if (isMainThread && file) process.on("exit", () => writeFileSync(file, `${process.resourceUsage().maxRSS}\n`));
