import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every temporary folder of a run (the tests' own and the spills of the binaries they start)
// goes under one folder made for the run and removed after it, so that runs do not leave
// their logs and spills behind in the machine's TMPDIR.
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "burnrate-tests-"));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
