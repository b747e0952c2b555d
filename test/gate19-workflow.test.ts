import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ROOT } from "./helpers/cli.js";
import { workflowRepository } from "./helpers/workflow-repo.js";

// The example workflow's "Cost of the change" step (examples/github-workflow.yml), run in a scratch repository: it
// skipped a card file the pull request deleted, so deleting a scheduled price cut merged green while `burnrate diff`
// of the same change said +100% (red team, stop 37 #6). Every card file added, changed, renamed or deleted is diffed
// now, and one it cannot diff fails the step.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const WRITE = 'price: "0.05"             # "0.05 per write"';
/** December's version: data_write halved, 0.05 -> 0.025 a write, from 2026-12-01. */
const CUT = FLIPLET.replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', 'effective: "2026-12-01"').replace(WRITE, 'price: "0.025"');
const CORPUS = {
  "fixtures/fliplet/account.yaml": "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n",
  // 4,000 writes in November and 4,000 in December: within Pro's 1,000 credits under either card.
  "fixtures/fliplet/usage.csv": "timestamp,meter,quantity,project\n2026-11-03T10:00:00Z,data_write,4000,alpha\n2026-12-03T10:00:00Z,data_write,4000,alpha\n",
};
const MAIN = { "ratecards/fliplet.yaml": FLIPLET, "ratecards/fliplet-2026-12.yaml": CUT, ...CORPUS };

const workflow = parseYaml(readFileSync(join(ROOT, "examples/github-workflow.yml"), "utf8"));
const step: string = workflow.jobs["rate-cards"].steps.find((s: { id?: string }) => s.id === "diff").run;

/** A repository whose branch `pr` writes `files` over main and then runs `git` with each of `commands`. */
function repository(files: Record<string, string>, ...commands: string[][]): string {
  // A file of its own on the branch: the helper commits the branch before the deletions, and git commits no empty change.
  const repo = workflowRepository(MAIN, { "NOTES.md": "pr\n", ...files });
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], { cwd: repo, stdio: "ignore" });
  for (const command of commands) git(...command);
  git("commit", "-qm", "pr: deletions and renames");
  return repo;
}

/** The step as the runner runs it: its exit code, the comment and the step's output. */
function run(repo: string): { code: number; comment: string; output: string; stdout: string } {
  const temp = mkdtempSync(join(tmpdir(), "burnrate-runner-"));
  const env = { ...process.env, BASE_REF: "main", RUNNER_TEMP: temp, GITHUB_OUTPUT: join(temp, "output"), FAIL_OVER: "10", FAIL_OVER_METER: "10", FAIL_OVER_LINE: "10", BURNRATE: `node ${join(ROOT, "bin/burnrate")}` };
  const r = spawnSync("bash", ["-e", "-c", step], { cwd: repo, env, encoding: "utf8" });
  const read = (f: string) => {
    try {
      return readFileSync(join(temp, f), "utf8");
    } catch {
      return "";
    }
  };
  return { code: r.status ?? -1, comment: read("comment.md"), output: read("output"), stdout: r.stdout };
}

describe("examples/github-workflow.yml: every card file the pull request touches is diffed", () => {
  it("a deleted version (the December price cut) is diffed: the corpus priced with it and without it, and gated", () => {
    const r = run(repository({}, ["rm", "-q", "ratecards/fliplet-2026-12.yaml"]));
    // With the cut: November 4,000 x 0.05 = 200, December 4,000 x 0.025 = 100: 300. Without it, December 200: 400 (+33.33%).
    expect(r.code, r.comment).toBe(0);
    expect(r.output).toBe("status=1\n");
    expect(r.comment).toContain("### burnrate: fliplet 2026-11 + 2026-12 → fliplet 2026-11");
    expect(r.comment).toContain("from 300.00 to 400.00");
  });

  it("a renamed version is diffed as its new file against the base's, the change in it gated", () => {
    // Renamed, and December's write price raised from 0.025 to 0.04: December 4,000 x 0.04 = 160; 300 -> 360 (+20%).
    const raised = CUT.replace('price: "0.025"', 'price: "0.04"');
    const r = run(repository({}, ["mv", "ratecards/fliplet-2026-12.yaml", "ratecards/fliplet-december.yaml"]));
    expect(r.code, r.comment).toBe(0);
    expect(r.output).toBe("status=0\n");
    expect(r.comment).toContain("No change in credits");
    const r2 = run(repository({ "ratecards/fliplet-december.yaml": raised }, ["rm", "-q", "ratecards/fliplet-2026-12.yaml"]));
    expect(r2.output).toBe("status=1\n");
    expect(r2.comment).toContain("from 300.00 to 360.00");
  });

  it("a changed card without a usage corpus fails the step, said in the comment", () => {
    const r = run(repository({ "ratecards/fliplet.yaml": FLIPLET.replace(WRITE, 'price: "0.06"') }, ["rm", "-rq", "fixtures/fliplet"]));
    expect(r.code).toBe(1);
    expect(r.comment).toContain("No usage corpus (usage files and account.yaml in fixtures/fliplet/) to price it with: not diffed.");
    expect(r.stdout).toContain("::error::Not diffed, so no cost gate measured them: ratecards/fliplet.yaml");
  });

  it("every card of a provider deleted fails while its corpus is left, and removes the provider with it", () => {
    const left = run(repository({}, ["rm", "-q", "ratecards/fliplet.yaml", "ratecards/fliplet-2026-12.yaml"]));
    expect(left.code).toBe(1);
    expect(left.comment).toContain("No card of provider fliplet is left to price its corpus fixtures/fliplet/: not diffed.");
    const removed = run(repository({}, ["rm", "-rq", "ratecards/fliplet.yaml", "ratecards/fliplet-2026-12.yaml", "fixtures/fliplet"]));
    expect(removed.code, removed.comment).toBe(0);
    expect(removed.output).toBe("status=0\n");
    expect(removed.comment).toContain("No card of provider fliplet and no corpus is left: the provider is removed.");
  });
});
