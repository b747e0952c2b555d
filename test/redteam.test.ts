import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, burnrate, ROOT } from "./helpers/cli.js";

// SPEC 7, Safety: no control character from the data reaches a terminal raw. CSV and HTML carry the
// data's characters as they are (a spreadsheet, a browser reads them); on a terminal they are escaped.
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const TERMINAL = { columns: 120, colors: 2 };

function hostileUsage(): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-redteam-"));
  const file = join(dir, "usage.csv");
  writeFileSync(file, 'timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,5,"\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil"\n');
  return file;
}

const card = ["--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01"];

describe("reports on a terminal", () => {
  for (const format of ["csv", "html"]) {
    it(`escapes the data's control characters in ${format} on a terminal, and leaves a pipe byte for byte`, async () => {
      const usage = hostileUsage();
      const onTerminal = await burnrate(["statement", ...card, "--usage", usage, "--format", format], { terminal: TERMINAL });
      expect(onTerminal.code, onTerminal.stderr).toBe(0);
      expect(onTerminal.stdout).not.toMatch(RAW);
      expect(onTerminal.stdout).toContain("\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202eevil");
      const piped = binary(["statement", ...card, "--usage", usage, "--format", format]);
      expect(piped.code, piped.stderr).toBe(0);
      expect(piped.stdout).toContain("\u001b]0;pwned\u0007");
    });
  }

  it("escapes them in the ledger's CSV, which is streamed through a file", async () => {
    const run = await burnrate(["statement", ...card, "--usage", hostileUsage(), "--ledger", "--format", "csv"], { terminal: TERMINAL });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(RAW);
    expect(run.stdout).toContain("\\u202eevil");
  });
});
