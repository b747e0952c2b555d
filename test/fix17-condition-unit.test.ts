import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Flikly: pika text-to-video 0.2 a second, +0.1 a second at resolution "1080p", +0.3 at "4k". An export's `1080` (a
// number without its unit's letter, as video tools write it) paid no surcharge in silence, where `4K` was refused
// (red team, stop 35): 10 s at 1080p is 10 x 0.3 = 3, not 2.
function statement(resolution: string) {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,workflow,model,resolution,quantity\n2026-11-02T12:00:00Z,generate,text_to_video,pika,${resolution},10\n`);
  return burnrate(["statement", "--card", join(ROOT, "ratecards/flikly.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", join(dir, "usage.csv"), "--format", "json"]);
}

describe("a condition's value written without its unit's letter", () => {
  it("1080 for 1080p is refused at its cell, with the value the card compares against", async () => {
    const run = await statement("1080");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage\.csv:2:5: resolution "1080" is not "1080p", the value meter "generate"'s surcharge condition compares against \(.*flikly\.yaml:84:31\): its rows would pay no surcharge; did you mean "1080p"\?/);
  });

  it("1080p pays its surcharge, 10 x (0.2 + 0.1) = 3; another value with a letter of its own (1080i) is another value, 10 x 0.2 = 2", async () => {
    const p = await statement("1080p");
    expect([p.code, JSON.parse(p.stdout).accounts[0].cycles[0].total]).toEqual([0, "3"]);
    const i = await statement("1080i");
    expect([i.code, i.stderr, JSON.parse(i.stdout).accounts[0].cycles[0].total]).toEqual([0, "", "2"]);
  });

  it("so is the value with a space inside or after it (1080 p, 1080p followed by a space)", async () => {
    for (const value of ["1080 p", "1080p "]) {
      const run = await statement(value);
      expect(run.code, value).toBe(2);
      expect(run.stderr, value).toContain(`resolution "${value}" is not "1080p"`);
    }
  });
});
