import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Fliplet Pro's included credits halved (1,000 to 500), on the bundled account and usage: the credits run out
// sooner, more events are refused and charged nothing, and the credit totals fall. A cost gate reads a fall; what
// the customer no longer gets is a change it cannot measure (newcomer, stop 36: exit 0).
const halved = () => {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-refusedmore-"));
  const card = join(dir, "fliplet-500.yaml");
  const text = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8").replace(/^(\s+included: )1000(\s)/m, "$1500$2");
  writeFileSync(card, text);
  return card;
};
const diff = (card: string, ...more: string[]) =>
  burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", card, "--usage", join(ROOT, "fixtures/fliplet/usage.csv"), "--account", join(ROOT, "fixtures/fliplet/account.yaml"), "--format", "json", ...more]);

describe("diff: a card change that refuses more events", () => {
  it("fails --fail-on-unmeasured, with the refused events under each card", async () => {
    const r = await diff(halved(), "--fail-over", "10", "--fail-on-unmeasured");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.refused_more.new).toBeGreaterThan(j.refused_more.old);
    expect(j.fail_on_unmeasured).toEqual({ exceeded: true });
    expect(r.stderr).toContain(`more event(s) refused for want of credits under the new card (${j.refused_more.old} → ${j.refused_more.new}): charged nothing, not measured by the cost gates, past --fail-on-unmeasured`);
  });

  it("is a warning without the flag, and nothing where no more events are refused", async () => {
    const warned = await diff(halved());
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain("charged nothing, no gate measured them");
    const same = await diff(join(ROOT, "ratecards/fliplet.yaml"), "--fail-on-unmeasured");
    expect([same.code, JSON.parse(same.stdout).refused_more]).toEqual([0, null]);
  });
});
