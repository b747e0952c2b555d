import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/burnrate", import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real binary (built by `npm run build`) from the repository root, without colour. */
export function burnrate(args: readonly string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "", ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Run and parse JSON stdout, failing loudly with stderr when the command did not succeed. */
export function burnrateJson<T = any>(args: readonly string[]): T {
  const run = burnrate([...args, "--format", "json"]);
  if (run.code !== 0) throw new Error(`burnrate ${args.join(" ")} exited ${run.code}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
