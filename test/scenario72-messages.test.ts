import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer72b L1 and L2: a test case's plan was told as the --plan flag, which nobody gave; and a meter renamed in the
// card, no typo of the scenario's name, got no list of the card's meters, as an unknown plan gets the plans.
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "scenario72m-"));
  writeFileSync(join(dir, "prospect.yaml"), "name: prospect\nplan: pro\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\nschedules:\n  - { name: digest, meter: sms, every: day at 02:00 }\n");
  writeFileSync(join(dir, "renamed.yaml"), "name: prospect\nplan: pro\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\nschedules:\n  - { name: digest, meter: text_message, every: day at 02:00 }\n");
  writeFileSync(join(dir, "card.tests.yaml"), "cases:\n  - name: a quote on a plan the card lacks\n    scenario: prospect.yaml\n    plan: enterprise\n    expect: { total: \"1\" }\n");
  return dir;
}

describe("scenario messages (newcomer72b L1, L2)", () => {
  it("tells a test case's unknown plan at the case's plan:, not at a --plan flag", async () => {
    const r = await burnrate(["test", join(ROOT, "ratecards/fliplet.yaml"), "--tests", "card.tests.yaml"], { cwd: folder() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('burnrate: error: card.tests.yaml:4:11: unknown plan "enterprise"');
    expect(r.stderr).not.toContain("--plan");
  });

  it("lists the card's meters for a meter no name of the card is near: a rename, not a typo", async () => {
    const r = await burnrate(["simulate", "renamed.yaml", "--card", join(ROOT, "ratecards/fliplet.yaml")], { cwd: folder() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('renamed.yaml:7:28: unknown meter "text_message" (expected a meter of fliplet 2026-11: project_created, project_deleted, published, unpublished, storage_added, storage_deleted, records_added, records_deleted, end_user_open, data_read, data_write, email and 9 more, found "text_message")');
  });
});
