import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { Script } from "node:vm";
import * as zlib from "node:zlib";

/**
 * Run one of the build's CommonJS bundles (scripts/bundle.mjs), compiled from
 * the V8 code cache the build wrote beside it where V8 takes it. A run spent
 * about a tenth of a second of the main thread parsing and compiling its
 * bundle's functions before its first row (docs/performance.md, boot17); the
 * cache holds them compiled, as a run of the build left them.
 *
 * The cache is only a hint. Its first line says what it was made from, and V8
 * checks its own version and flags (`defaultFlags`): a cache of another bundle,
 * node or V8 flag, or a damaged one, is not used, and the bundle is compiled as
 * it would be without one. Nothing is written, but when the build asks
 * (`BURNRATE_WRITE_CODE_CACHE`).
 */
export function runBundle(url: URL): void {
  const file = fileURLToPath(url);
  const bytes = readFileSync(file);
  const crc32 = (zlib as { crc32?: Sum }).crc32;
  const made = crc32 === undefined ? undefined : { crc32, from: `${crc32(bytes)} ${bytes.length} ${process.version}` };
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString("latin1")}\n})`, { filename: file, cachedData: made && cacheOf(`${file}.cache`, made) });
  if (process.env.BURNRATE_WRITE_CODE_CACHE === "1" && made !== undefined) process.once("exit", () => writeCache(`${file}.cache`, made, script));
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
}

/**
 * V8 checks a code cache against the flags in force, node's own too: each of its modules that is not in
 * the start-up snapshot is compiled from the cache node was built with, under no flag. The bin's
 * `--max-semi-space-size=4` made every such module compile from source, on both threads: 22 to 33
 * against 6 to 7 ms of CPU for a dozen of them, 61 to 64 against 49 to 55 ms for the reading thread's
 * boot (docs/performance.md, boot18). The flag has done its work once the main thread's heap is made, so
 * it is set back at once, before the reading thread is started; the heap watch's `--expose-gc` is set
 * back by main.ts once it has its `gc`. So the bundle is compiled, and its cache made, under no flag,
 * through the bin or `node bin/burnrate` alike.
 */
export function defaultFlags(): void {
  setFlagsFromString("--max-semi-space-size=0");
}

type Sum = (data: Buffer) => number;

/** What a cache is made from: the bundle's CRC-32 and length and the node, as text, and the sum its data is checked by. */
interface Made {
  from: string;
  crc32: Sum;
}

/**
 * A cache's first line says what it was made from (the bundle's CRC-32 and length, and the node that
 * made it) and the CRC-32 of the V8 data after it: V8 does not check its data's own sum, and a damaged
 * cache it takes can crash the process. node:zlib is loaded by the bundle anyway, where node:crypto's
 * first use took 17 ms; a node without `zlib.crc32` (before 20.15) uses no cache.
 */
function cacheOf(path: string, made: Made): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(path);
  } catch {
    return undefined;
  }
  const end = cache.indexOf(10);
  const data = cache.subarray(end + 1);
  return end > 0 && cache.toString("latin1", 0, end) === `${made.from} ${made.crc32(data)}` ? data : undefined;
}

/**
 * The functions compiled so far, as the build's run leaves them, behind what they were made from; written
 * whole or not at all. A folder that cannot be written (an install read-only) leaves the run's end as it was.
 */
function writeCache(path: string, made: Made, script: Script): void {
  const data = script.createCachedData();
  const part = `${path}.${process.pid}.part`;
  try {
    writeFileSync(part, Buffer.concat([Buffer.from(`${made.from} ${made.crc32(data)}\n`, "latin1"), data]));
    renameSync(part, path);
  } catch {
    rmSync(part, { force: true });
  }
}
