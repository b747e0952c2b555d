import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// The CI workflow keeps each card's account file beside its usage (fixtures/NAME/account.yaml): a file the run reads
// as its account is not "passed over" in the usage folder's note (newcomer, stop 34: the note came with every diff).
function folder(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "nc16-")), "fliplet");
  mkdirSync(dir);
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,alpha\n");
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\n`);
  writeFileSync(join(dir, "README.md"), "The corpus of the fliplet card.\n");
  return dir;
}

describe("a usage folder holding the run's own account file", () => {
  it("names only the files no input of the run reads", async () => {
    const dir = folder();
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", dir, "--format", "json"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`burnrate: note: usage folder ${dir}: passed over 1 file that no reader takes by name ("README.md")\n`);
  });

  it("still names the account file where the run does not read it", async () => {
    const dir = folder();
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", dir, "--format", "json"]);
    expect(run.stderr).toBe(`burnrate: note: usage folder ${dir}: passed over 2 files that no reader takes by name ("README.md", "account.yaml")\n`);
  });
});
