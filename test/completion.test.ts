import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

const COMMANDS = ["statement", "check", "test", "diff", "schema", "reconcile", "simulate", "completion"];

let bashScript: { dir: string; script: string } | undefined;
/** The bash script, generated once for every case. */
async function generated(): Promise<{ dir: string; script: string }> {
  if (bashScript === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-completion-"));
    bashScript = { dir, script: join(dir, "burnrate.bash") };
    writeFileSync(bashScript.script, (await burnrate(["completion", "bash"])).stdout);
  }
  return bashScript;
}

/** What bash offers after the words typed so far (the last one being completed), with the generated script loaded. */
async function bashCompletes(words: string[]): Promise<string[]> {
  const { dir, script } = await generated();
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const run = spawnSync("bash", ["-c", `source '${script}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _burnrate; printf '%s\\n' "\${COMPREPLY[@]}"`], { cwd: dir, encoding: "utf8" });
  expect(run.stderr).toBe("");
  return run.stdout.split("\n").filter(Boolean);
}

describe("burnrate completion", () => {
  it("bash: commands, then each command's own options, then an option's fixed values", async () => {
    expect(await bashCompletes(["burnrate", ""])).toEqual([...COMMANDS, "--help", "--version"]);
    expect(await bashCompletes(["burnrate", "re"])).toEqual(["reconcile"]);
    expect(await bashCompletes(["burnrate", "diff", "--fail-"])).toEqual(["--fail-over", "--fail-over-meter", "--fail-over-amount", "--fail-under-meter", "--fail-under-amount", "--fail-over-line", "--fail-on-unmeasured"]);
    expect(await bashCompletes(["burnrate", "reconcile", "--all"])).toEqual(["--all-lines"]);
    expect(await bashCompletes(["burnrate", "check", "--format", ""])).toEqual(["table", "json", "markdown", "github"]);
    expect(await bashCompletes(["burnrate", "completion", ""])).toEqual(["bash", "zsh", "fish"]);
  });

  it("zsh and fish: every command and every option of diff, from the same tree", async () => {
    const zsh = await burnrate(["completion", "zsh"]);
    const fish = await burnrate(["completion", "fish"]);
    expect([zsh.code, fish.code]).toEqual([0, 0]);
    expect(zsh.stdout.startsWith("#compdef burnrate\n")).toBe(true);
    for (const c of COMMANDS) {
      expect(zsh.stdout).toMatch(new RegExp(`^ {4}'${c}:`, "m"));
      expect(fish.stdout).toContain(`complete -c burnrate -n __fish_use_subcommand -a ${c} -d `);
    }
    for (const o of ["fail-over-meter", "fail-under-amount", "base"]) {
      expect(zsh.stdout).toMatch(new RegExp(`'--${o}\\[[^\\]]+\\]:file:_files'`));
      expect(fish.stdout).toContain(`complete -c burnrate -n '__fish_seen_subcommand_from diff' -l ${o} -r -F -d `);
    }
    expect(fish.stdout).toContain("complete -c burnrate -n '__fish_seen_subcommand_from check' -l format -x -a 'table json markdown github'");
  });

  it("refuses a shell it does not know, with exit 2", async () => {
    const run = await burnrate(["completion", "tcsh"]);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toMatch(/^burnrate: error: command-argument value 'tcsh' is invalid for argument 'shell'/);
  });
});
