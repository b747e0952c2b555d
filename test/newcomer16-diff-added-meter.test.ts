import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A card change that adds a priced activity, diffed on usage that has its rows: the base card cannot price them. They
// were refused (newcomer, stop 34: the CI step stopped with no cost comment), then the refusal said to give the base
// card the meter at 0 by hand, which a CI step reading the base card from git cannot do (newcomer, stop 35). The
// base now prices them at 0 itself, and the rise from 0 is what the gates see. Fliplet: data_read 0.01 a read.
const fliplet = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const voice = (price: string) => `meters:\n  voice_minute:\n    aggregation: flow\n    dimensions: [project]\n    category: end_users\n    pool: run\n    price: "${price}"\n`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "nc16-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const USAGE = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,10,alpha\n2026-11-02T11:00:00Z,voice_minute,30,alpha\n";

describe("diff: a meter the new card adds", () => {
  it("is priced at 0 by the base card: its cost is a rise from 0, which --fail-over-meter trips on", async () => {
    const dir = folder({ "base.yaml": fliplet, "new.yaml": fliplet.replace("meters:\n", voice("2")), "usage.csv": USAGE });
    const run = await burnrate(["diff", "--base", "base.yaml", "--card", "new.yaml", "--usage", "usage.csv", "--plan", "pro", "--anchor", "2026-11-01", "--fail-over-meter", "10", "--format", "json"], { cwd: dir });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    // 10 reads x 0.01 = 0.1 under both; 30 minutes x 2 = 60 under the new card only.
    expect([out.base_total, out.card_total]).toEqual(["0.1", "60.1"]);
    expect(out.meters.find((m: { meter: string }) => m.meter === "voice_minute")).toEqual({ meter: "voice_minute", old: "0", new: "60", delta: "60", delta_percent: null });
    expect(out.card_changes.map((c: { change: string; path: string }) => [c.change, c.path])).toEqual([["added", "meters.voice_minute"]]);
    expect(run.stderr).toBe("burnrate: 1 meter change(s) past --fail-over-meter 10%; largest: voice_minute +60 credits, from 0 in the cycle from 2026-11-01, account default\n");
  });

  it("as a new version beside the base (--card OLD --card NEW): priced from its effective date, the base's rows before it unchanged", async () => {
    const next = fliplet.replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace("meters:\n", voice("2"));
    const usage = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,10,alpha\n2026-11-20T11:00:00Z,voice_minute,30,alpha\n";
    const dir = folder({ "base.yaml": fliplet, "next.yaml": next, "usage.csv": usage });
    const run = await burnrate(["diff", "--base", "base.yaml", "--card", "base.yaml", "--card", "next.yaml", "--usage", "usage.csv", "--plan", "pro", "--anchor", "2026-11-01", "--format", "json"], { cwd: dir });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const out = JSON.parse(run.stdout);
    expect([out.base_total, out.card_total]).toEqual(["0.1", "60.1"]);
    // No "meter removed" from comparing the base with a base given the meter by hand: the cards are compared as written.
    expect(out.card_changes.map((c: { change: string; path: string }) => [c.change, c.path])).toEqual([
      ["changed", "version"],
      ["changed", "effective"],
      ["added", "meters.voice_minute"],
    ]);
  });
});
