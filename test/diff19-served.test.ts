import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A price rise with a smaller allowance: the new card refuses the events the allowance no longer covers, which are
// charged nothing, so the credits "fall" and the comment read as a price cut, "Within the --fail-over limit", under a
// bare "Over the limit." that only --fail-on-unmeasured had tripped (newcomer, stop 37). The change is now split:
// what the prices do to the usage both cards serve, and what the events one card refuses cost; --fail-over judges both.
const fliplet = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
// Free: 100 included credits, no grace, no top-ups. SMS from the studio draws on the build pool, which blocks.
const next = fliplet.replace('    price: "0.5"              # "0.5 per message"', '    price: "0.6"').replace("    included: 100 ", "    included: 90 ");
const sms = (n: number) => ["timestamp,meter,quantity,project,source", ...Array.from({ length: n }, (_, i) => `2026-11-0${i < 9 ? i + 1 : 9}T1${i % 10}:00:00Z,sms,20,alpha,studio`)].join("\n") + "\n";

function diff(usage: string, card: string, ...flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "diff19-"));
  for (const [name, text] of Object.entries({ "base.yaml": fliplet, "new.yaml": card, "usage.csv": usage })) writeFileSync(join(dir, name), text);
  return burnrate(["diff", "--base", "base.yaml", "--card", "new.yaml", "--usage", "usage.csv", "--plan", "free", "--anchor", "2026-11-01", ...flags], { cwd: dir });
}

describe("diff: a price rise the refused events hide", () => {
  it("splits the change into the prices on what both cards serve and the events one card refuses; --fail-over trips on the prices", async () => {
    expect(next).not.toContain('price: "0.5"              # "0.5 per message"');
    // Ten messages of 20 units. Base: 20 x 0.5 = 10 credits each, 100 in all, the whole allowance of 100.
    // New: 20 x 0.6 = 12 each; 90 credits cover 7 (84), the 8th needs 12 of the 6 left: 3 refused. 84 charged.
    // Served by both: 7 x 20 = 140 units, 140 x 0.5 = 70 under the base, 84 under the new card: +14, +20%.
    // The 3 refused cost 3 x 10 = 30 under the base: 100 - 30 + 14 = 84.
    const json = await diff(sms(10), next, "--fail-over", "10", "--format", "json");
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout);
    expect([out.base_total, out.card_total, out.total_delta_percent]).toEqual(["100", "84", "-16"]);
    expect(out.served).toEqual({ old: "70", new: "84", delta: "14", delta_percent: "20", old_rejected: 0, new_rejected: 3 });
    // The 3 messages refused are worth 30 credits at the base card's prices, 30% of the 100 it charged: past 10% too (stop 38).
    expect(out.fail_over).toEqual({ percent: "10", exceeded: true, credits_exceeded: false, money_exceeded: false, paid_credits_exceeded: false, prices_exceeded: true, refused_exceeded: true, expired_exceeded: false });
    expect(json.stderr).toContain("burnrate: total credits on the usage both cards serve rise by more than --fail-over 10%, by the prices: 70 → 84 (the events the new card refuses, charged nothing, left out)\n");

    const md = await diff(sms(10), next, "--fail-over", "10", "--format", "markdown");
    expect(md.stdout).toContain("**Over the limit.** Failed: --fail-over. Credits fall by -16.00 (-16.00%), from 100.00 to 84.00, for 1 account over 1 cycle. "
      + "On the usage both cards serve, credits rise by +14.00 (+20.00%), from 70.00 to 84.00: what the prices change. "
      + "The other -30.00 is the events one card serves and the other refuses (0 → 3 events refused in all): what the customer no longer gets, charged nothing.");
  });

  it("a rise of the prices of exactly the limit passes, as any gate's; the comment's \"Over the limit.\" names the gate that failed, --fail-on-unmeasured", async () => {
    // Since stop 38 --fail-over also judges what the new card refuses more of: 3 messages worth 30 credits at the base
    // card's prices, 30% of the 100 it charged, past 20%, though the prices (+20%) are not. At 30% that is within too.
    const run = await diff(sms(10), next, "--fail-over", "20", "--fail-on-unmeasured", "--format", "markdown");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("**Over the limit.** Failed: --fail-over, --fail-on-unmeasured. Credits fall");
    expect(run.stdout).toContain("The rise is more than the --fail-over limit of 20% (the worth of the usage the new card refuses more of, at the base card's prices).");
    const at30 = await diff(sms(10), next, "--fail-over", "30", "--fail-on-unmeasured", "--format", "markdown");
    expect(at30.stdout).toContain("**Over the limit.** Failed: --fail-on-unmeasured. Credits fall");
    expect(at30.stdout).toContain("Within the --fail-over limit of 30%.");
  });

  it("where both cards serve the same events, the totals are the prices' change and the headline says no more", async () => {
    // Five messages: 5 x 10 = 50 under the base, 5 x 12 = 60 under the new card (within its 90): +20%.
    const run = await diff(sms(5), next, "--fail-over", "10", "--format", "json");
    const out = JSON.parse(run.stdout);
    expect(out.served).toEqual({ old: "50", new: "60", delta: "10", delta_percent: "20", old_rejected: 0, new_rejected: 0 });
    expect(out.fail_over).toMatchObject({ exceeded: true, credits_exceeded: true, prices_exceeded: false });
    const md = await diff(sms(5), next, "--format", "markdown");
    expect(md.stdout).not.toContain("both cards serve");
  });
});
