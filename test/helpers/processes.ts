import { existsSync, readdirSync, readFileSync } from "node:fs";

/**
 * Whether a process runs: not a zombie. A run whose first process was killed is reaped by init, which in a
 * container may take seconds after it died; on Linux its state says so at once.
 */
export function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" && existsSync("/proc/self")) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The processes `pid` started that still run, where /proc tells (Linux); none elsewhere. */
export function childrenOf(pid: number): number[] {
  if (!existsSync("/proc/self")) return [];
  const children: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The parent's id is the second field after the command's name, which is in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(name));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return children;
}

/** Wait until none of `pids` runs, for at most `ms`. */
export async function ended(pids: readonly number[], ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
