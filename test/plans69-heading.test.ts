import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer69 L1: an account upgraded on 20 November was headed "plan Growth" in its October statement, whose fee was
// Starter's. The heading names the plans in force over the cycles shown, in order.
function upgraded(): string {
  const dir = mkdtempSync(join(tmpdir(), "plans69-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: free\nanchor: 2026-10-01\ntimezone: UTC\naccounts:\n  acme:\n    changes:\n      - { at: "2026-11-20T15:00:00Z", plan: pro }\n`);
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project,account\n2026-10-02T10:00:00Z,data_read,100,alpha,acme\n2026-11-25T10:00:00Z,data_read,100,alpha,acme\n");
  return dir;
}

const heading = async (dir: string, cycle: string[]) => {
  const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", ...cycle, "--format", "markdown"], { cwd: dir });
  expect(r.code).toBe(0);
  return r.stdout.split("\n").find((l) => l.includes("· account acme ·"));
};

describe("a statement's heading of an account whose plan changed", () => {
  it("names the plan of the cycles shown: Free for October, Free then Pro for November and for both", async () => {
    const dir = upgraded();
    expect(await heading(dir, ["--cycle", "2026-10"])).toContain("· account acme · plan Free · UTC");
    expect(await heading(dir, ["--cycle", "2026-11"])).toContain("· account acme · plan Free → Pro · UTC");
    expect(await heading(dir, [])).toContain("· account acme · plan Free → Pro · UTC");
  });

  it("names a plan again where the account went back to it, a downgrade taking effect at the next cycle (red69c F1)", async () => {
    const dir = upgraded();
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: free\nanchor: 2026-10-01\ntimezone: UTC\naccounts:\n  acme:\n    changes:\n      - { at: "2026-10-05T00:00:00Z", plan: pro }\n      - { at: "2026-10-20T00:00:00Z", plan: free }\n`);
    expect(await heading(dir, [])).toContain("· account acme · plan Free → Pro → Free · UTC");
  });

  it("labels each cycle's plan as the card version in force over it labels it (red69c F6)", async () => {
    // Two versions: October's labels Pro "Pro", November's relabels it "Pro Plus" and adds a plan of its own.
    const dir = upgraded();
    const card = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    const october = card.replace('version: "2026-11"', 'version: "2026-10"').replace('effective: "2026-11-01"', 'effective: "2026-10-01"');
    const november = card.replace("    label: Pro\n", "    label: Pro Plus\n").replace("plans:\n", "plans:\n  team:\n    label: Team\n    included: 5000\n    price: 29\n");
    expect(november).toContain("label: Pro Plus");
    writeFileSync(join(dir, "v1.yaml"), october);
    writeFileSync(join(dir, "v2.yaml"), november);
    writeFileSync(join(dir, "account.yaml"), `plan: pro\nanchor: 2026-10-01\ntimezone: UTC\naccounts:\n  acme: {}\n  beta:\n    plan: free\n    changes:\n      - { at: "2026-10-10T00:00:00Z", plan: pro }\n  gamma:\n    plan: free\n    changes:\n      - { at: "2026-11-10T00:00:00Z", plan: team }\n`);
    writeFileSync(join(dir, "usage.csv"), ["timestamp,meter,quantity,project,account", ...["acme", "beta", "gamma"].flatMap((a) => [`2026-10-02T10:00:00Z,data_read,100,alpha,${a}`, `2026-11-25T10:00:00Z,data_read,100,alpha,${a}`])].join("\n") + "\n");
    const headings = async (cycle: string[]) => {
      const r = await burnrate(["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "account.yaml", "--usage", "usage.csv", ...cycle, "--format", "markdown"], { cwd: dir });
      expect(r.code).toBe(0);
      return r.stdout.split("\n").filter((l) => l.includes("· account "));
    };
    // The same plan, relabelled between the cycles, is named by each label in turn; a plan only November's version has
    // is named by its label; November alone reads November's labels.
    expect(await headings([])).toEqual([
      "# fliplet 2026-11 · account acme · plan Pro → Pro Plus · UTC",
      "# fliplet 2026-11 · account beta · plan Free → Pro → Pro Plus · UTC",
      "# fliplet 2026-11 · account gamma · plan Free → Team · UTC",
    ]);
    expect(await headings(["--cycle", "2026-10"])).toEqual([
      "# fliplet 2026-11 · account acme · plan Pro · UTC",
      "# fliplet 2026-11 · account beta · plan Free → Pro · UTC",
      "# fliplet 2026-11 · account gamma · plan Free · UTC",
    ]);
    expect(await headings(["--cycle", "2026-11"])).toEqual([
      "# fliplet 2026-11 · account acme · plan Pro Plus · UTC",
      "# fliplet 2026-11 · account beta · plan Pro Plus · UTC",
      "# fliplet 2026-11 · account gamma · plan Free → Team · UTC",
    ]);
  });

  it("labels a plan the account left within a cycle as the version in force while it was on it (red70b #1)", async () => {
    // A version from November 15 relabels Free "Starter" and Pro "Pro Plus"; the account left Free on November 10.
    const dir = upgraded();
    const card = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    const v1 = card.replace('version: "2026-11"', 'version: "v1"').replace('effective: "2026-11-01"', 'effective: "2026-10-01"');
    const v2 = card.replace('version: "2026-11"', 'version: "v2"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"').replace("    label: Free\n", "    label: Starter\n").replace("    label: Pro\n", "    label: Pro Plus\n");
    expect(v2).toContain("label: Starter");
    writeFileSync(join(dir, "v1.yaml"), v1);
    writeFileSync(join(dir, "v2.yaml"), v2);
    writeFileSync(join(dir, "account.yaml"), `plan: free\nanchor: 2026-10-01\ntimezone: UTC\naccounts:\n  acme:\n    changes:\n      - { at: "2026-11-10T00:00:00Z", plan: pro }\n`);
    const r = await burnrate(["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "account.yaml", "--usage", "usage.csv", "--cycle", "2026-11", "--format", "markdown"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# fliplet v2 · account acme · plan Free → Pro Plus · UTC\n");
    expect(r.stdout).toContain("| Free | 2026-11-01 00:00 | 2026-11-10 00:00 |\n| Pro Plus | 2026-11-10 00:00 | 2026-12-01 00:00 |\n");
  });

  it("says in a changed cycle's Money which plan's fee it bills, whole (newcomer69 L2, newcomer70 L3)", async () => {
    // Fliplet's Pro is 9 USD a month, Free nothing: November, upgraded on the 20th, bills Pro's 9 whole; October is Free's.
    const dir = upgraded();
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "markdown"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("| Plan: Pro, in force at the cycle's end, whole |  | 9.00 |\n");
    expect(r.stdout).toContain("| Plan |  | 0.00 |\n");
    expect(r.stdout.match(/in force at the cycle's end, whole/g)).toHaveLength(1);
  });

  it("labels no plan of a cycle by a version that applies from the next cycle (red70c H1)", async () => {
    // The version from November 15 applies from the next cycle: November is v1's whatever the plans' dates in it.
    // Downgrades at once, so that the cycle holds four plans in force.
    const dir = upgraded();
    const card = `${readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8")}plan_changes: { downgrade: at_once }\n`;
    const v1 = card.replace('version: "2026-11"', 'version: "v1"').replace('effective: "2026-11-01"', 'effective: "2026-10-01"');
    const v2 = card.replace('version: "2026-11"', 'version: "v2"').replace('effective: "2026-11-01"', 'effective: "2026-11-15"\napplies: next_cycle').replace("    label: Free\n", "    label: Starter\n").replace("    label: Pro\n", "    label: Pro Plus\n");
    expect(v2).toContain("applies: next_cycle");
    writeFileSync(join(dir, "v1.yaml"), v1);
    writeFileSync(join(dir, "v2.yaml"), v2);
    writeFileSync(join(dir, "account.yaml"), `plan: free\nanchor: 2026-10-01\ntimezone: UTC\naccounts:\n  acme:\n    changes:\n      - { at: "2026-11-16T00:00:00Z", plan: pro }\n      - { at: "2026-11-20T00:00:00Z", plan: free }\n      - { at: "2026-11-25T00:00:00Z", plan: pro }\n`);
    const r = await burnrate(["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--account", "account.yaml", "--usage", "usage.csv", "--cycle", "2026-11", "--format", "markdown"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("· account acme · plan Free → Pro → Free → Pro · UTC\n");
    // A third version, at once from November 22, relabelling Pro "Pro3": November is v3's, and v2, which applies from
    // the next cycle, labels none of it (red70d H1): Pro from the 16th is v1's, the Pro from the 25th v3's.
    writeFileSync(join(dir, "v3.yaml"), card.replace('version: "2026-11"', 'version: "v3"').replace('effective: "2026-11-01"', 'effective: "2026-11-22"').replace("    label: Pro\n", "    label: Pro3\n"));
    const three = await burnrate(["statement", "--card", "v1.yaml", "--card", "v2.yaml", "--card", "v3.yaml", "--account", "account.yaml", "--usage", "usage.csv", "--cycle", "2026-11", "--format", "markdown"], { cwd: dir });
    expect(three.code).toBe(0);
    expect(three.stdout).toContain("· account acme · plan Free → Pro → Free → Pro3 · UTC\n");
  });
});
