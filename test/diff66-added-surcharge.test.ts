import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer66b F2: a per-event surcharge the new card adds was one priced line per app and creator (347 of them on a
// quarter), where diff.md names a line by its price's dimensions: the surcharge's total was on no row.
describe("diff: a surcharge only the new card has", () => {
  it("is one priced line, named by its when: dimension, summing every row it charges", async () => {
    const dir = mkdtempSync(join(tmpdir(), "diff66-"));
    const base = readFileSync(join(ROOT, "ratecards/appbuilder.yaml"), "utf8");
    const image = '    labels: [Standard Image Generation, Advanced Image Generation]\n';
    expect(base).toContain(image);
    writeFileSync(join(dir, "new.yaml"), base.replace(image, `${image.replace("    labels", "    surcharges:\n      - { name: hd_render, when: { tier: advanced }, per_event: \"10\" }\n    labels")}`));
    // Three advanced images in two apps by two creators, and a standard one the surcharge does not charge.
    writeFileSync(join(dir, "usage.csv"), [
      "timestamp,account,meter,app,creator,tier,input_tokens,event_id",
      "2026-11-02T09:03:00Z,alice,image,recipes,alice,advanced,1000,t-1",
      "2026-11-02T09:04:00Z,alice,image,quiz,bob,advanced,1000,t-2",
      "2026-11-02T09:05:00Z,alice,image,quiz,bob,advanced,1000,t-3",
      "2026-11-02T09:06:00Z,alice,image,quiz,bob,standard,1000,t-4",
      "",
    ].join("\n"));
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/appbuilder.yaml"), "--card", join(dir, "new.yaml"), "--usage", join(dir, "usage.csv"), "--plan", "standard", "--anchor", "2026-11-01", "--format", "json"], { cwd: dir });
    expect([r.code, r.stderr.includes("error")]).toEqual([0, false]);
    const lines = JSON.parse(r.stdout).lines as { line: string; old: string; new: string }[];
    const surcharge = lines.filter((l) => l.line.includes("hd_render"));
    // 3 advanced images at 10 credits each: one line of 30, from 0.
    expect(surcharge.map((l) => [l.line, l.old, l.new])).toEqual([["image · hd_render · tier=advanced", "0", "30"]]);
  });
});

// newcomer66b F4: --base and --card given the wrong way round (the classic `git show` slip in a CI job) passed a price
// rise as a fall, exit 0, with nothing said but the heading's versions.
describe("diff: a new card that takes effect before the base", () => {
  it("is warned of as the flags the wrong way round", async () => {
    const dir = mkdtempSync(join(tmpdir(), "diff66-"));
    const base = readFileSync(join(ROOT, "ratecards/appbuilder.yaml"), "utf8");
    const later = base.replace(/^version: .*$/m, 'version: "2027-02"').replace(/^effective: .*$/m, 'effective: "2027-02-01"');
    expect(later).not.toBe(base);
    writeFileSync(join(dir, "later.yaml"), later);
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,app,creator,tier,input_tokens,event_id\n2026-11-02T09:03:00Z,alice,image,recipes,alice,advanced,1000,t-1\n");
    const card = join(ROOT, "ratecards/appbuilder.yaml");
    const effective = /^effective: "?([0-9-]+)"?/m.exec(base)![1];
    const version = /^version: "?([^"\n]+)"?/m.exec(base)![1];
    const args = (from: string, to: string) => ["diff", "--base", from, "--card", to, "--usage", join(dir, "usage.csv"), "--plan", "standard", "--anchor", "2026-11-01", "--format", "json"];
    const swapped = await burnrate(args(join(dir, "later.yaml"), card), { cwd: dir });
    expect(swapped.code).toBe(0);
    expect(swapped.stderr).toContain(`burnrate: warning: the new card (--card ${card}, version ${version}, effective ${effective}) takes effect before the base (--base ${join(dir, "later.yaml")}, version 2027-02, effective 2027-02-01): are --base and --card the wrong way round?`);
    const right = await burnrate(args(card, join(dir, "later.yaml")), { cwd: dir });
    expect(right.stderr).not.toContain("wrong way round");
    // The same day written as an instant is no earlier (red66c: compared as text, it was).
    writeFileSync(join(dir, "instant.yaml"), base.replace(/^effective: .*$/m, `effective: "${effective}T00:00:00Z"`));
    const sameDay = await burnrate(args(join(dir, "instant.yaml"), card), { cwd: dir });
    expect(sameDay.stderr).not.toContain("wrong way round");
  });
});

// newcomer66b F5: a plan the new card renames stopped diff at one line of the account file of the 33 naming it, with
// nothing to say it was a rename.
describe("diff: a plan the new card does not have", () => {
  it("names the new card's plan of its price and included credits, and every line naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "diff66-"));
    const base = readFileSync(join(ROOT, "ratecards/appbuilder.yaml"), "utf8");
    expect(base).toContain("\n  super:\n");
    writeFileSync(join(dir, "new.yaml"), base.replace("\n  super:\n", "\n  pro:\n"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/appbuilder.yaml")}\naccount: alice\nplan: super\nanchor: 2026-11-01\ntimezone: UTC\nchanges:\n  - { at: 2026-11-10, plan: standard }\n  - { at: 2026-11-20, plan: super }\n`);
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,app,creator,tier,input_tokens,event_id\n2026-11-02T09:03:00Z,alice,image,recipes,alice,advanced,1000,t-1\n");
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/appbuilder.yaml"), "--card", join(dir, "new.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")], { cwd: dir });
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain(`unknown plan "super" in the new card ${join(dir, "new.yaml")}; the base card's plan "super" is not in the new card, whose "pro" has its price and included credits: a rename? (the account file names it on 2 lines: 3, 8)`);
  });
});
