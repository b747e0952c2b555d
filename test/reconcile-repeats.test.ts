import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const DIR = "fixtures/reconcile";

/**
 * Two rows at one instant share event_id x-9: beta's comes first in the file,
 * alpha's first in the replay's canonical order (project alpha sorts before
 * beta). The replay prices alpha's and counts beta's as the repeat, so reconcile
 * must put the repeated quantity on beta's line too.
 */
const REPEATED = ["2026-11-12T12:00:00Z,automation_run,2,x-9,beta,,,,,", "2026-11-12T12:00:00Z,automation_run,2,x-9,alpha,,,,,"];
const BETA_RUN = "2026-11-12T10:00:00Z,automation_run,1,b-1,beta,,,,,";

async function reconcileWith(usageRows: (rows: string[]) => string[]) {
  const [header, ...rows] = readFileSync(join(ROOT, DIR, "usage.csv"), "utf8").trimEnd().split("\n");
  const dir = mkdtempSync(join(tmpdir(), "burnrate-repeats-"));
  const usage = join(dir, "usage.csv");
  writeFileSync(usage, [header, ...usageRows(rows!)].join("\n") + "\n");
  // Beta's automation runs billed as the provider counts them: b-1 (1) and both x-9 rows' beta one (2), 0.15 each.
  const bill = join(dir, "bill.csv");
  writeFileSync(bill, readFileSync(join(ROOT, DIR, "bill-clean.csv"), "utf8") + "2026-11-01,Automation runs,beta,3,0.45\n");
  // Awaited, so the test holds whether the helper spawns the binary or runs the CLI in process.
  const r = await burnrate(["reconcile", "--account", `${DIR}/account.yaml`, "--usage", usage, "--bill", bill, "--format", "json"]);
  return { ...r, json: JSON.parse(r.stdout) };
}

const betaRuns = (json: { differences: { meter: string; dimensions: Record<string, string> }[] }) =>
  json.differences.find((d) => d.meter === "automation_run" && d.dimensions.project === "beta");

describe("reconcile counts a repeated event_id where the replay does", () => {
  it("at one instant, the repeat is the row after the first in canonical order, not in the file", async () => {
    const { code, json } = await reconcileWith((rows) => {
      const at = rows.findIndex((r) => r > REPEATED[0]!);
      expect(at).toBeGreaterThan(0);
      return [...rows.slice(0, at), BETA_RUN, ...REPEATED, ...rows.slice(at)];
    });
    expect(code).toBe(1);
    expect(betaRuns(json)).toMatchObject({ class: "duplicate_events", bill_quantity: "3", computed_quantity: "1", computed_amount: "0.15", delta: "0.3" });
  });

  it("in a log out of time order, the same rows are repeats as in the sorted log", async () => {
    const { code, json } = await reconcileWith((rows) => [...rows, BETA_RUN, ...REPEATED]);
    expect(code).toBe(1);
    expect(betaRuns(json)).toMatchObject({ class: "duplicate_events", bill_quantity: "3", computed_quantity: "1", computed_amount: "0.15", delta: "0.3" });
  });
});
