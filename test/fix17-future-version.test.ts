import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A card's next version in force after the corpus's last row prices none of it: its price rise is not measured by the
// corpus, and is said so, where the price check of --fail-over-line took it for a rise on lines the usage priced and
// failed the gate with "no change in credits" (newcomer, stop 35). Fliplet data_read: 0.01; the next version, from
// 2027-01-01, 0.02.
describe("diff: a version in force after the corpus", () => {
  it("is a rise the usage cannot measure: warned, no gate tripped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    const fliplet = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    writeFileSync(join(dir, "base.yaml"), fliplet);
    writeFileSync(join(dir, "next.yaml"), fliplet.replace('version: "2026-11"', 'version: "2027-01"').replace('effective: "2026-11-01"', 'effective: "2027-01-01"').replace('price: "0.01"             # "0.01 per read"', 'price: "0.02"'));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,100,alpha\n2026-12-02T10:00:00Z,data_read,100,alpha\n");
    const run = await burnrate(["diff", "--base", "base.yaml", "--card", "base.yaml", "--card", "next.yaml", "--usage", "usage.csv", "--plan", "pro", "--anchor", "2026-11-01", "--fail-over-line", "10", "--format", "json"], { cwd: dir });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    // 200 reads at 0.01 under both: 2.
    expect([out.base_total, out.card_total]).toEqual(["2", "2"]);
    expect([out.fail_over_line.exceeded, out.fail_over_line.rates]).toEqual([false, []]);
    expect(out.unmeasured_rises.map((c: { path: string; old: string; new: string }) => [c.path, c.old, c.new])).toEqual([["meters.data_read.price", "0.01", "0.02"]]);
    expect(run.stderr).toMatch(/next\.yaml:\d+:\d+: meters\.data_read\.price rises from 0\.01 to 0\.02, on a line the usage never priced: no gate measured it\n$/);
  });
});
