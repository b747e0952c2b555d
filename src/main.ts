import { fstatSync } from "node:fs";
import type { WriteStream } from "node:tty";
import { setFlagsFromString } from "node:v8";
import { run } from "./cli.js";
import { watchHeap } from "./heap-watch.js";
import type { Io, Terminal } from "./io.js";

function terminalOf(stream: NodeJS.WriteStream): Terminal | undefined {
  if (!stream.isTTY) return undefined;
  const tty = stream as WriteStream;
  return { columns: tty.columns, colors: 2 ** tty.getColorDepth() };
}

function fileOrDevice(fd: number, stream: NodeJS.WriteStream): number | undefined {
  try {
    const stats = fstatSync(fd);
    return stats.isFile() || (stats.isCharacterDevice() && !stream.isTTY) ? fd : undefined;
  } catch {
    return undefined;
  }
}

// A reader that stops early (`| head`) is not an error: the report is written no further (emit), and the run ends
// quietly with its own exit code, a finding's 1 too (newcomer, stop 48: a reconcile's 1 was lost to an exit 0 here).
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") return;
  throw e;
});

const heapCheck = watchHeap();
// The watch has its `gc`: the flag is set back, so that node's modules loaded from here on are compiled from its own code cache and the bundle's cache is made under no flag (code-cache.ts, `defaultFlags`).
setFlagsFromString("--no-expose-gc");

const io: Io = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stdoutTerminal: terminalOf(process.stdout),
  stderrTerminal: terminalOf(process.stderr),
  stdoutFile: fileOrDevice(1, process.stdout),
  env: process.env,
  heapCheck,
};

// Not awaited at the top: the build's bundle of this module is CommonJS (scripts/bundle.mjs), which has no top-level await.
void run(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
});
