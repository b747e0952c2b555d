import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A scenario's text written to a folder of its own as s.yaml: its path. */
export function scenarioFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "burnrate-scenario-")), "s.yaml");
  writeFileSync(file, text);
  return file;
}
