import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Found by red team 13: a --through before the first cycle was held to the first cycle, and the error
// then blamed the first usage row after it (usage.csv:763:1) instead of the flag.
describe("--through before the first cycle", () => {
  const statement = (through: string) =>
    burnrate(["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--through", through, "--format", "json", "--no-progress"]);

  it("is refused at the flag, naming the anchor (2026-09-14 in the account file)", async () => {
    for (const through of ["1900-01-01", "2026-09-13"]) {
      const r = await statement(through);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`burnrate: error: --through: through before the anchor (expected an instant on or after the anchor 2026-09-14, found "${through}")\n`);
    }
  });

  it("without an anchor, is refused against the month the earliest usage starts", async () => {
    const run = (through: string) =>
      burnrate(["statement", "--card", "ratecards/fliplet.yaml", "--plan", "pro", "--usage", "-", "--through", through, "--format", "csv", "--no-progress"], {
        input: "timestamp,meter,quantity,project,source\n2026-02-02T00:00:00Z,sms,1,p1,project\n",
      });
    const r = await run("2026-01-31T23:59:59Z");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: --through: through before the first cycle (expected an instant on or after 2026-02-01T00:00:00Z (the start of the earliest usage\'s month, where the cycles start without an anchor), found "2026-01-31T23:59:59Z")\n');
    // The first cycle's own start is inside it.
    const at = await run("2026-02-01T00:00:00Z");
    expect(at.stderr).toBe("");
    expect(at.code).toBe(0);
  });
});

describe("a growth of -100%", () => {
  it("is refused as -100% or below, at the growth", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lead13-"));
    const file = join(dir, "gone.yaml");
    writeFileSync(file, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nstart: 2026-11-01\ntimezone: UTC\nplan: pro\ncycles: 2\npopulations:\n  - name: member\n    users: 300\n    growth: -100%\n    dimensions: { project: portal }\n    per_user:\n      - { meter: end_user_open, quantity: 1 }\n`);
    const r = await burnrate(["simulate", file, "--format", "csv", "--no-progress"]);
    expect(r.code).toBe(2);
    // Line 9, "    growth: -100%": the value starts at column 13.
    expect(r.stderr).toBe(`burnrate: error: ${file}:9:13: growth of -100% or below (expected a percentage above -100%, found -100%)\n`);
  });
});
