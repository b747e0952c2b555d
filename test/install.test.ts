import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/**
 * What a user outside the clone gets: the packed tarball (package.json "files"),
 * installed globally into an empty prefix, run from a folder that is not the
 * checkout. Dependencies come from npm's cache when it has them (the registry
 * otherwise); dist/ is what `npm run build` made, as `npm pack` would ship it.
 */
describe("install from the packed tarball", () => {
  it("npm pack, npm install -g into an empty prefix, and burnrate runs from another folder", () => {
    expect(existsSync(join(ROOT, "dist/cli.js")), "npm run build first").toBe(true);
    const work = mkdtempSync(join(tmpdir(), "burnrate-install-"));
    const packed = JSON.parse(execFileSync(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: ROOT, encoding: "utf8" }));
    const tarball = join(work, packed[0].filename);
    const prefix = join(work, "prefix");
    execFileSync(npm, ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball], { cwd: work, encoding: "utf8", stdio: "pipe" });

    const elsewhere = join(work, "elsewhere");
    mkdirSync(elsewhere);
    const bin = join(prefix, "bin", "burnrate");
    const installed = join(prefix, "lib", "node_modules", "burnrate");
    const run = (...args: string[]) => spawnSync(bin, args, { cwd: elsewhere, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

    const version = run("--version");
    expect([version.status, version.stdout]).toEqual([0, `${pkg.version}\n`]);
    // A bundled fixture, its card found through the account file's card: inside the installed package.
    const statement = run("statement", "--account", join(installed, "fixtures/fliplet/account.yaml"), "--usage", join(installed, "fixtures/fliplet/usage.csv"), "--format", "json");
    expect([statement.status, statement.stderr]).toEqual([0, ""]);
    // Duplicates are traced to the usage file as it was named: here, by its installed path.
    expect(statement.stdout.replaceAll(`${installed}/`, "")).toBe(readFileSync(join(ROOT, "test/golden/fliplet-statement.json"), "utf8"));
    const check = run("check", join(installed, "ratecards/fliplet.yaml"));
    expect(check.status).toBe(0);
    expect(run("completion", "bash").stdout).toContain("complete -o filenames -F _burnrate burnrate");
    // Only what the binary and its users need is shipped: no sources or tests.
    expect(existsSync(join(installed, "src"))).toBe(false);
    expect(existsSync(join(installed, "test"))).toBe(false);
  }, 120_000);
});
