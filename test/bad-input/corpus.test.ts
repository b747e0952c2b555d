import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { burnrate } from "../helpers/cli.js";

// The bad-input corpus (issue 7): every case is a folder under cases/ and an
// entry in cases.yaml. A rejected input must exit 2 with
//   burnrate: error: FILE:LINE:COL: PROBLEM (expected X, found Y)
// on stderr, no stack trace, nothing on stdout and no -o file (nor a temp file
// beside it). The inputs burnrate reads instead (BOM, CRLF, quoted fields, a
// header only, ...) must exit 0 and be priced exactly like the plain file.

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bin/burnrate");
const CARD = join(ROOT, "ratecards/fliplet.yaml");

interface Case {
  name: string;
  args: string[];
  /** 1: a finding (`check` errors): the report is written, and stderr is the one line naming the finding. */
  exit: 0 | 1 | 2;
  where?: string;
  says?: string;
  says_any?: string[];
  expected?: string;
  found?: string;
  /** A file of the case folder piped to standard input. */
  stdin?: string;
  /** A huge run of one character written over a marker at test time, so the repository stays small. */
  long?: { file: string; marker: string; char: string; count: number };
  stderr_max?: number;
  time_max_ms?: number;
  same_as?: string;
  json?: Record<string, unknown>;
  /**
   * A known bug in code this corpus may not fix (src/usage, src/engine): the case states the right
   * behaviour and runs as it.fails, so it stays visible; whoever fixes the bug deletes this field.
   */
  fails?: string;
  /** Safe output (exit 0 cases): the --format written instead of JSON, and what that output must and must not hold. */
  format?: string;
  /** Exit 0 cases whose input deserves a word: each text is in a `burnrate: warning:` or `burnrate: note:` line, and stderr holds nothing else. */
  warns?: string[];
  /** Literal texts the output must contain. */
  output_has?: string[];
  /** Regular expressions (multiline) the output must not match. */
  output_lacks?: string[];
  /** The args carry their own -o (or write no report): the harness adds neither -o out.json nor --format json. */
  own_output?: boolean;
  /** Files of the case that must be exactly as they were after the run (an output must never replace an input). */
  unchanged?: string[];
}

const cases = parse(readFileSync(join(HERE, "cases.yaml"), "utf8")) as Case[];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A control character sent raw (a line break aside): no message may carry one from the data (SPEC 7, Safety). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Copy a case into a fresh folder, with $CARD and the generated long runs filled in. */
function prepare(c: Case): string {
  const dir = mkdtempSync(join(tmpdir(), `burnrate-corpus-${c.name}-`));
  const from = join(HERE, "cases", c.name);
  if (existsSync(from)) cpSync(from, dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (f.endsWith(".yaml") && statSync(p).isFile()) {
      const text = readFileSync(p, "latin1");
      if (text.includes("$CARD")) writeFileSync(p, text.replaceAll("$CARD", CARD), "latin1");
    }
  }
  if (c.long) {
    const p = join(dir, c.long.file);
    writeFileSync(p, readFileSync(p, "utf8").replace(c.long.marker, c.long.char.repeat(c.long.count)));
  }
  return dir;
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  dir: string;
  /** The `unchanged` files as they were before the run. */
  before: Map<string, Buffer>;
}

/**
 * The cases that run the built binary: standard input (`-` reads the process's own), a time
 * limit (the process's whole run, start-up included), and the one finding (exit 1), so that each
 * exit code is also seen from a process. CORPUS_BINARY=1 runs every case through the binary.
 */
const throughBinary = (c: Case) =>
  process.env.CORPUS_BINARY === "1" || c.stdin !== undefined || c.args.includes("-") || c.time_max_ms !== undefined || c.exit === 1;

/** In-process runs change the working directory: one at a time (binary runs overlap them and each other). */
let inProcessTurn: Promise<unknown> = Promise.resolve();

/**
 * Run a case, each in its own folder: the other cases in process, through run(argv, io), with the
 * binary's environment and exit code (a spawn costs about half a CPU second, times 360 cases).
 */
/** The report's file, named as its format is (a --format the name says otherwise is warned about). */
const EXTENSIONS: Record<string, string> = { json: "json", table: "txt", markdown: "md", csv: "csv", html: "html", github: "txt" };
const outName = (c: Case): string => `out.${EXTENSIONS[c.format ?? "json"] ?? "txt"}`;

function run(c: Case): Promise<Result> {
  const dir = prepare(c);
  const args = [...c.args.map((a) => a.replaceAll("$ROOT", ROOT)), ...(c.own_output ? [] : ["-o", outName(c), "--format", c.format ?? "json"])];
  const before = new Map((c.unchanged ?? []).map((f) => [f, readFileSync(join(dir, f))]));
  if (!throughBinary(c)) {
    const result = inProcessTurn.then(async () => {
      const started = Date.now();
      const r = await burnrate(args, { cwd: dir });
      return { ...r, signal: null, ms: Date.now() - started, dir, before };
    });
    inProcessTurn = result.catch(() => undefined);
    return result;
  }
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" },
    timeout: 30_000,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => stdout.push(b));
  child.stderr.on("data", (b: Buffer) => stderr.push(b));
  // A run that fails before reading all of its input closes the pipe: that is its answer, not the test's error.
  child.stdin.on("error", () => {});
  child.stdin.end(c.stdin ? readFileSync(join(dir, c.stdin)) : "");
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8"), ms: Date.now() - started, dir, before }),
    );
  });
}

function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
}

const outputs = new Map<string, string>();
async function output(name: string): Promise<string> {
  if (!outputs.has(name)) {
    const c = cases.find((x) => x.name === name)!;
    const r = await run(c);
    if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr}`);
    outputs.set(name, readFileSync(join(r.dir, outName(c)), "utf8"));
  }
  return outputs.get(name)!;
}

// Cases run a few at a time (vitest's maxConcurrency): the binary's each a process of its own.
describe.concurrent("bad-input corpus", () => {
  it("holds at least 40 rejected inputs across usage logs, cards, accounts, scenarios and bills", async () => {
    const rejected = cases.filter((c) => c.exit === 2);
    expect(rejected.length).toBeGreaterThanOrEqual(40);
    for (const kind of ["usage-", "card-", "account-", "scenario-", "bill-"]) {
      expect(rejected.filter((c) => c.name.startsWith(kind)).length, kind).toBeGreaterThanOrEqual(5);
    }
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const c of cases.filter((x) => x.exit === 2)) {
    // A case with a time limit runs alone, so that the others' processes do not eat its time.
    (c.fails ? it.fails : c.time_max_ms !== undefined ? it.sequential : it)(`rejects ${c.name}${c.fails ? ` (known bug: ${c.fails})` : ""}`, async () => {
      const r = await run(c);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      // One format: every line is "burnrate: error: ...", and never a stack trace.
      expect(r.stderr).toMatch(/^burnrate: error: /);
      for (const line of r.stderr.trimEnd().split("\n")) expect(line).toMatch(/^burnrate: error: /);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      expect(r.stderr).not.toMatch(RAW_CONTROL);
      // Where: file, line and column (a where ending in ":" leaves the column or line open).
      const where = escape(c.where!) + (c.where!.endsWith(":") ? "\\d+(:\\d+)?" : "");
      const problems = c.says_any ?? [c.says!];
      expect(r.stderr).toMatch(new RegExp(`^burnrate: error: ${where}: (${problems.map(escape).join("|")})`, "m"));
      // What was expected and what was found.
      expect(r.stderr).toMatch(/\(expected .+\)/);
      if (c.expected !== undefined) expect(r.stderr).toContain(`(expected ${c.expected}`);
      if (c.found !== undefined) expect(r.stderr).toMatch(new RegExp(`found ${escape(c.found)}`));
      if (c.stderr_max !== undefined) expect(r.stderr.length).toBeLessThan(c.stderr_max);
      if (c.time_max_ms !== undefined) expect(r.ms).toBeLessThan(c.time_max_ms);
      // No output file, and no temporary file left beside it.
      expect(existsSync(join(r.dir, outName(c)))).toBe(false);
      expect(readdirSync(r.dir).filter((f) => f.includes(outName(c)))).toEqual([]);
      for (const [f, bytes] of r.before) expect(readFileSync(join(r.dir, f)).equals(bytes), `${f} unchanged`).toBe(true);
      expect(readdirSync(r.dir).filter((f) => f.endsWith(".tmp")), "no temporary file left").toEqual([]);
    });
  }

  for (const c of cases.filter((x) => x.exit === 1)) {
    it(`finds ${c.name}`, async () => {
      const r = await run(c);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^burnrate: ${escape(c.says!)}\n$`));
      const doc = JSON.parse(readFileSync(join(r.dir, outName(c)), "utf8"));
      for (const [path, want] of Object.entries(c.json ?? {})) expect(at(doc, path), path).toEqual(want);
    });
  }

  for (const c of cases.filter((x) => x.exit === 0)) {
    it(`reads ${c.name}`, async () => {
      const r = await run(c);
      // reconcile exits 1 on a finding; these inputs are clean bills.
      expect(r.code, r.stderr).toBe(0);
      if (c.warns === undefined) expect(r.stderr).toBe("");
      else {
        for (const line of r.stderr.trimEnd().split("\n")) expect(line).toMatch(/^burnrate: (warning|note): /);
        for (const text of c.warns) expect(r.stderr).toContain(text);
      }
      const text = readFileSync(join(r.dir, outName(c)), "utf8");
      outputs.set(c.name, text);
      if (c.same_as) expect(text).toBe(await output(c.same_as));
      for (const want of c.output_has ?? []) expect(text).toContain(want);
      for (const unwanted of c.output_lacks ?? []) expect(text).not.toMatch(new RegExp(unwanted, "m"));
      if (c.format !== undefined && c.format !== "json") return;
      const doc = JSON.parse(text);
      for (const [path, want] of Object.entries(c.json ?? {})) expect(at(doc, path), path).toEqual(want);
    });
  }
});
