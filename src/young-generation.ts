import { spawn, type ChildProcess, type StdioNull, type StdioPipe } from "node:child_process";
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
 * the bin's flag: where it reads a large input, files of LARGE_INPUT_BYTES or more together, or an
 * input whose size is not known: a folder, a pattern of files, standard input or a named pipe. A node
 * option given, on the command line or in NODE_OPTIONS, is the user's way of running node (a
 * profiler, an inspector, the flag itself), and is left as it is.
 */
export function startsAgain(start: Start): boolean {
  // V8 reads its options with dashes or underscores (--max_semi_space_size).
  if (start.execArgv.length > 0 || /--max[-_]semi[-_]space[-_]size|--inspect/.test(start.nodeOptions ?? "")) return false;
  let bytes = 0;
  for (const path of inputsIn(start.args)) {
    const size = sizeOf(path);
    if (size === undefined) return true;
    bytes += size;
    if (bytes >= LARGE_INPUT_BYTES) return true;
  }
  return false;
}

/** The flags whose value is written, never read: an existing report or folder there is no input. */
const OUTPUT_FLAGS = new Set(["-o", "--output", "--write", "--emit-usage"]);

/**
 * The arguments that may name an input: each but the command's name (`schema` and `test` are folders
 * of a checkout too) and the outputs, and the value of each `--flag=value`.
 */
function* inputsIn(args: readonly string[]): Generator<string> {
  for (let i = args[0]?.startsWith("-") === false ? 1 : 0; i < args.length; i++) {
    const arg = args[i]!;
    if (OUTPUT_FLAGS.has(arg)) {
      i++;
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    if (eq < 0) yield arg;
    else if (!OUTPUT_FLAGS.has(arg.slice(0, eq))) yield arg.slice(eq + 1);
  }
}

/** Compressed logs: counted at this many times their size, about what a CSV export's gzip or Parquet holds. */
const COMPRESSED = /\.(gz|gzip|zst|bz2|xz|parquet)$/i;
const COMPRESSION = 8;

/**
 * The bytes an argument names: a file's size, or 0 for any other argument (a word, a flag, a path that
 * is not there); undefined where the size is not known until read.
 */
function sizeOf(arg: string): number | undefined {
  if (arg === "-") return stdinSize();
  if (arg === "") return 0;
  let stats: Stats | undefined;
  try {
    stats = statSync(arg, { throwIfNoEntry: false });
  } catch {
    return 0;
  }
  // A pattern burnrate expands itself (`--usage 'logs/*.csv'`), quoted past the shell.
  if (stats === undefined) return /[*?[{]/.test(arg) ? undefined : 0;
  if (stats.isDirectory() || stats.isFIFO()) return undefined;
  return stats.isFile() ? stats.size * (COMPRESSED.test(arg) ? COMPRESSION : 1) : 0;
}

/** Standard input's size where it is a file, 0 where there is none, undefined for a pipe or a terminal. */
function stdinSize(): number | undefined {
  let stats: Stats;
  try {
    stats = fstatSync(0);
  } catch {
    return 0;
  }
  return stats.isFile() ? stats.size : undefined;
}

/** Every argument, and the value of each `--flag=value`: inputs and outputs. */
function* namedIn(args: readonly string[]): Generator<string> {
  for (const arg of args) {
    yield arg;
    if (arg.startsWith("--") && arg.includes("=")) yield arg.slice(arg.indexOf("=") + 1);
  }
}

/**
 * The descriptors the arguments name by path (`/dev/fd/N`, `/proc/self/fd/N`: a shell's process
 * substitution, `<(zcat log.gz)`, `-o >(gzip > out.gz)`), past the standard three. node marks its own descriptors
 * close-on-exec as it starts, so the node started again is given each at its number.
 */
function descriptorsIn(args: readonly string[]): number[] {
  const fds = new Set<number>();
  for (const path of namedIn(args)) {
    const fd = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/.exec(path)?.[1];
    if (fd !== undefined && Number(fd) > 2) fds.add(Number(fd));
  }
  return [...fds];
}

/**
 * Run `script` again under the bin's flag, with the same arguments and standard streams (so that
 * terminals are still terminals to it), and end as it ends: with its exit code, or of the signal
 * that ended it, so that a shell or make sees how the run ended. This process only waits, passing
 * on a signal it is sent. Where node cannot be started again, `here` runs the command in this
 * process, as it would have run without the flag.
 */
export function runAgain(script: string, args: readonly string[], here: () => void): void {
  // The standard streams as they are, each descriptor an argument names at its number, and the pipe from this process at the first number left.
  const named = descriptorsIn(args);
  const stdio: (StdioNull | StdioPipe | number)[] = ["inherit", "inherit", "inherit"];
  for (const fd of named) stdio[fd] = fd;
  let link = 3;
  while (named.includes(link)) link++;
  stdio[link] = "pipe";
  for (let fd = 3; fd < stdio.length; fd++) stdio[fd] ??= "ignore";
  // The handlers are set before the node is started: a signal in between ended this process of the signal's default
  // and left the other running on its own, where a card it was reading from a pipe then read as empty. A handler runs
  // once this synchronous start is done, so the node is there to be passed the signal.
  let child: ChildProcess | undefined;
  const passOn = (signal: NodeJS.Signals) => () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = PASSED_ON.map((signal) => [signal, passOn(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const stopPassing = () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
  try {
    child = spawn(process.execPath, [YOUNG_GENERATION_FLAG, script, ...args], { stdio, env: { ...process.env, [FIRST_PROCESS]: String(link) } });
  } catch {
    stopPassing();
    // Some failures are thrown, not emitted: a command line at the system's limit, which the flag and the script's path pass (E2BIG).
    return here();
  }
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
