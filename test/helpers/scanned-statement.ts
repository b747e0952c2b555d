import { expect, vi } from "vitest";
import { RowScanner } from "../../src/usage/row-scanner.js";
import { burnrate, type Run } from "./cli.js";

/** A statement run in process whose rows the row scanner read (it fails where none was scanned). */
export async function scannedStatement(args: readonly string[], cwd: string): Promise<Run> {
  const scan = vi.spyOn(RowScanner.prototype, "scan");
  try {
    const run = await burnrate(args, { cwd });
    expect(scan).toHaveBeenCalled();
    return run;
  } finally {
    scan.mockRestore();
  }
}

/** A JSON statement's events of one meter in its first account's first cycle. */
export function eventsOf(stdout: string, meter: string): number {
  const lines = JSON.parse(stdout).accounts[0].cycles[0].lines as { meter: string; events: number }[];
  return lines.filter((l) => l.meter === meter).reduce((sum, l) => sum + l.events, 0);
}
