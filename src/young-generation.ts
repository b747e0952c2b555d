import { spawn, type ChildProcess } from "node:child_process";
import { fstatSync, statSync, type Stats } from "node:fs";
import { Socket } from "node:net";
import { constants } from "node:os";

/**
 * The bin's node flag: a semi-space of 4 MB where node's default grows to 16, three of which make the
 * young generation (docs/performance.md, Memory). V8 sizes its heap as node starts, so no code of a
 * run can set it: run as `node bin/burnrate`, the 50M-row ids and shuffled logs peaked at 267 and
 * 274 MB, where the bin itself stays at 251 and 249 (the budget is 256).
 */
const YOUNG_GENERATION_FLAG = "--max-semi-space-size=4";

/**
 * An input from this size on makes a run large enough for its young generation to matter (a log of
 * some 160,000 rows): below it, starting node again (about 70 ms) would cost more than it saves.
 */
const LARGE_INPUT_BYTES = 8 << 20;

/**
 * Names, in the environment of the node started again, its descriptor of a pipe from the first process, which
 * the first process never writes: the pipe ends when the first process does, however it ends (a SIGKILL too).
 */
const FIRST_PROCESS = "BURNRATE_FIRST_PROCESS_FD";

/** The signals a terminal, a shell or a CI job's timeout end a run with: passed on to the node started again. */
const PASSED_ON = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** How the process was started: node's own options and environment, and the command line after the script. */
export interface Start {
  execArgv: readonly string[];
  nodeOptions: string | undefined;
  args: readonly string[];
}

/**
 * Whether a run started as `node bin/burnrate` (no node option at all) should start node again with
 * the bin's flag: where it reads a large input, a file of LARGE_INPUT_BYTES or more, a folder, or
 * standard input or a named pipe, whose size is not known. A node option given, on the command line or in
 * NODE_OPTIONS, is the user's way of running node (a profiler, an inspector, the flag itself), and is
 * left as it is.
 */
export function startsAgain(start: Start): boolean {
  if (start.execArgv.length > 0 || /--max-semi-space-size|--inspect/.test(start.nodeOptions ?? "")) return false;
  return start.args.some((arg) => largeInput(arg) || (arg.startsWith("--") && arg.includes("=") && largeInput(arg.slice(arg.indexOf("=") + 1))));
}

/** Whether an argument names a large input; any other argument (a word, a flag, a path that is not there) does not. */
function largeInput(arg: string): boolean {
  if (arg === "-") return !regularBelow(fstat(0));
  if (arg === "") return false;
  let stats: Stats | undefined;
  try {
    stats = statSync(arg, { throwIfNoEntry: false });
  } catch {
    return false;
  }
  return stats !== undefined && (stats.isDirectory() || stats.isFIFO() || (stats.isFile() && stats.size >= LARGE_INPUT_BYTES));
}

function fstat(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

/** A redirected file under the size, or no standard input at all: not worth starting again for. */
function regularBelow(stats: Stats | undefined): boolean {
  return stats === undefined || (stats.isFile() && stats.size < LARGE_INPUT_BYTES);
}

/**
 * Run `script` again under the bin's flag, with the same arguments and standard streams (so that
 * terminals are still terminals to it), and end as it ends: with its exit code, or of the signal
 * that ended it, so that a shell or make sees how the run ended. This process only waits, passing
 * on a signal it is sent. Where node cannot be started again, `here` runs the command in this
 * process, as it would have run without the flag.
 */
export function runAgain(script: string, args: readonly string[], here: () => void): void {
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [YOUNG_GENERATION_FLAG, script, ...args], { stdio: ["inherit", "inherit", "inherit", "pipe"], env: { ...process.env, [FIRST_PROCESS]: "3" } });
  } catch {
    // Some failures are thrown, not emitted: a command line at the system's limit, which the flag and the script's path pass (E2BIG).
    return here();
  }
  const passOn = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = PASSED_ON.map((signal) => [signal, passOn(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const stopPassing = () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
  let started = false;
  child.once("spawn", () => (started = true));
  // Only a node that never started runs the command here: an error after it started (a signal not passed on) leaves it running.
  child.once("error", () => {
    if (started) return;
    stopPassing();
    here();
  });
  child.once("exit", (code, signal) => {
    stopPassing();
    if (signal === null) return process.exit(code ?? 1);
    process.kill(process.pid, signal);
    // Still here: the signal is ignored in this process (a background job's SIGINT).
    process.exit(128 + (constants.signals[signal] ?? 0));
  });
}

/**
 * In the node started again: end, as a SIGTERM ends a run (its temporary files and partial output removed), once
 * the first process has ended without it. A SIGKILL to the first process cannot be passed on, and a run left
 * behind would go on writing its output after the command that started it was gone.
 */
export function endWithFirstProcess(): void {
  const fd = process.env[FIRST_PROCESS];
  if (fd === undefined) return;
  delete process.env[FIRST_PROCESS];
  let link: Socket;
  try {
    link = new Socket({ fd: Number(fd), readable: true, writable: false });
  } catch {
    return;
  }
  link.on("error", () => {});
  link.once("close", () => process.kill(process.pid, "SIGTERM"));
  link.resume();
  // Waiting on the pipe never keeps the run alive by itself.
  link.unref();
}
