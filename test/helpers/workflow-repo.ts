import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { ROOT } from "./cli.js";

/** The example workflow's "Cost of the change" step (examples/github-workflow.yml), as a bash script. */
const workflow = parseYaml(readFileSync(join(ROOT, "examples/github-workflow.yml"), "utf8"));
const step: string = workflow.jobs["rate-cards"].steps.find((s: { id?: string }) => s.id === "diff").run;

function git(repo: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: repo, stdio: "ignore" });
}

/** A scratch repository whose main branch holds `onMain`, and a branch `pr` that writes `files` over it. */
export function workflowRepository(onMain: Record<string, string>, files: Record<string, string>): string {
  const repo = mkdtempSync(join(tmpdir(), "burnrate-ci-"));
  git(repo, "init", "-q");
  const write = (name: string, text: string) => {
    mkdirSync(join(repo, name, ".."), { recursive: true });
    writeFileSync(join(repo, name), text);
  };
  for (const [name, text] of Object.entries(onMain)) write(name, text);
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "main");
  git(repo, "checkout", "-qb", "pr");
  for (const [name, text] of Object.entries(files)) write(name, text);
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "pr");
  return repo;
}

/** The step run in the repository as the runner runs it: the comment it writes, and what it sets as the step's output. */
export function costStep(repo: string): { comment: string; output: string } {
  const temp = mkdtempSync(join(tmpdir(), "burnrate-runner-"));
  const env = { ...process.env, BASE_REF: "main", RUNNER_TEMP: temp, GITHUB_OUTPUT: join(temp, "output"), FAIL_OVER: "10", FAIL_OVER_METER: "10", FAIL_OVER_LINE: "10", BURNRATE: `node ${join(ROOT, "bin/burnrate")}` };
  execFileSync("bash", ["-e", "-c", step], { cwd: repo, env, stdio: "ignore" });
  // The comment is written in the runner's temporary folder since stop 36 (newcomer: it was left in the checked-out tree).
  expect(existsSync(join(repo, "comment.md")), "the comment is written in the runner's temporary folder, not the working tree").toBe(false);
  return { comment: readFileSync(join(temp, "comment.md"), "utf8"), output: readFileSync(join(temp, "output"), "utf8") };
}
