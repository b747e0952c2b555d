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
