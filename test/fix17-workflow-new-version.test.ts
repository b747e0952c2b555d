import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { costStep, workflowRepository } from "./helpers/workflow-repo.js";

// The example workflow's "Cost of the change" step, run in a scratch repository: a pull request that adds a card's
// next version as a file of its own (timelines.md's way, with effective:) got "is a new card, no earlier version to
// compare with" and passed with no gate (newcomer, stop 35). Fliplet: data_read 0.01 a read; the next version, from
// 2026-12-01, 0.012 a read and a new meter voice_minute at 2 a minute.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");

/** A repository whose main branch has the Fliplet card, its corpus and `onMain`, and a branch `pr` that writes `files`. */
function repository(files: Record<string, string>, onMain: Record<string, string> = {}): string {
  return workflowRepository({
    "ratecards/fliplet.yaml": FLIPLET,
    "fixtures/fliplet/account.yaml": "plan: pro\nanchor: 2026-11-01\n",
    "fixtures/fliplet/usage.csv": "timestamp,meter,quantity,project\n2026-11-05T10:00:00Z,data_read,1000,alpha\n2026-12-05T10:00:00Z,data_read,1000,alpha\n2026-12-10T10:00:00Z,voice_minute,30,alpha\n",
    ...onMain,
  }, files);
}

const NEXT = FLIPLET.replace('version: "2026-11"', 'version: "2026-12"')
  .replace('effective: "2026-11-01"', 'effective: "2026-12-01"')
  .replace('price: "0.01"             # "0.01 per read"', 'price: "0.012"')
  .replace("meters:\n", 'meters:\n  voice_minute:\n    aggregation: flow\n    dimensions: [project]\n    category: end_users\n    pool: run\n    price: "2"\n');

describe("examples/github-workflow.yml: a card's next version in a file of its own", () => {
  it("is priced with the earlier version from its effective date, on that card's corpus, and gated", () => {
    const { comment, output } = costStep(repository({ "ratecards/fliplet-2026-12.yaml": NEXT }));
    expect(output).toBe("status=1\n");
    expect(comment).toContain("### burnrate: fliplet 2026-11 → fliplet 2026-11 + 2026-12");
    // Base: November 1,000 x 0.01 = 10, December 10, the minutes at 0 = 20. With the new version: November 10,
    // December 1,000 x 0.012 = 12 and 30 minutes x 2 = 60: 82.
    expect(comment).toContain("from 20.00 to 82.00");
    expect(comment).toContain("| default | 2026-12-01 | data_read | 10.00 | 12.00 | +2.00 (+20.00%) |");
    expect(comment).not.toContain("is a new card");
  });

  it("a card of a provider the base branch has none of is still a new card, with nothing to compare", () => {
    const other = FLIPLET.replace("provider: fliplet", "provider: otherco");
    const { comment, output } = costStep(repository({ "ratecards/otherco.yaml": other }));
    expect(output).toBe("status=0\n");
    expect(comment).toBe("### burnrate: ratecards/otherco.yaml is a new card\n\nNo earlier version to compare with.\n\n");
  });

  it("an edit of a version file that has no corpus of its own is priced with its card's versions, on that card's corpus", () => {
    // Main already has the 2026-12 version (0.012 a read from 2026-12-01); the pull request raises it to 0.05.
    const raised = NEXT.replace('price: "0.012"', 'price: "0.05"');
    const { comment, output } = costStep(repository({ "ratecards/fliplet-2026-12.yaml": raised }, { "ratecards/fliplet-2026-12.yaml": NEXT }));
    expect(output).toBe("status=1\n");
    expect(comment).toContain("### burnrate: fliplet 2026-11 + 2026-12 → fliplet 2026-11 + 2026-12");
    // December's 1,000 reads: 12 at 0.012, 50 at 0.05; November's at 0.01 under both. 82 → 120.
    expect(comment).toContain("from 82.00 to 120.00");
    expect(comment).not.toContain("No usage corpus");
  });
});
