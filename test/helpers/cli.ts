import { spawnSync } from "node:child_process";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { run } from "../../src/cli.js";
import type { Terminal } from "../../src/io.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/burnrate", import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Standard input, whole. */
  input?: string;
  /** Added to the environment, which starts as the test's own without colour. */
  env?: Record<string, string>;
  /** Relative paths resolve here (default: the repository root). */
  cwd?: string;
  /** In-process only: standard output is this terminal (and so is standard error). */
  terminal?: Terminal;
}

/** A stream that keeps what is written to it. */
class Captured extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

const environment = (extra: Record<string, string> | undefined) => ({ ...process.env, NO_COLOR: "1", FORCE_COLOR: "", ...extra });

/** The directory a run goes back to: the test process's own at start, not whatever a run before left. */
const HOME = process.cwd();
/** The last in-process run queued: each waits for the one before, as they share one working directory. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Run burnrate in this process, through run(argv, io), and give its exit code and
 * what it wrote. A test that needs the real process (exit by signal, a pipe that
 * closes, the built binary's output byte for byte) uses `binary` instead.
 *
 * Files named on the command line resolve against the working directory, which is the
 * process's own, so runs take turns: a test that timed out while its run went on (under
 * heavy load) used to leave its directory to the next test, whose relative paths then failed.
 */
export function burnrate(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  const turn = queue.then(() => inDirectory(args, options));
  queue = turn.catch(() => undefined);
  return turn;
}

async function inDirectory(args: readonly string[], options: RunOptions): Promise<Run> {
  const stdout = new Captured();
  const stderr = new Captured();
  const io = {
    stdin: Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]),
    stdout,
    stderr,
    stdoutTerminal: options.terminal,
    stderrTerminal: options.terminal,
    env: environment(options.env),
  };
  process.chdir(options.cwd ?? ROOT);
  try {
    const code = await run(args, io);
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    process.chdir(HOME);
  }
}

/** Run in process and parse JSON stdout, failing loudly with stderr when the command did not succeed. */
export async function burnrateJson<T = any>(args: readonly string[]): Promise<T> {
  const result = await burnrate([...args, "--format", "json"]);
  if (result.code !== 0) throw new Error(`burnrate ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Run the real binary (built by `npm run build`), without colour. */
export function binary(args: readonly string[], options: Omit<RunOptions, "terminal"> = {}): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: "utf8",
    env: environment(options.env),
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `binary`, parsing JSON stdout, failing loudly with stderr when the command did not succeed. */
export function binaryJson<T = any>(args: readonly string[], options: Omit<RunOptions, "terminal"> = {}): T {
  const run = binary([...args, "--format", "json"], options);
  if (run.code !== 0) throw new Error(`burnrate ${args.join(" ")} exited ${run.code}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
