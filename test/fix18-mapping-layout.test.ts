import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

const LAYOUTS = join(ROOT, "fixtures/layouts");
const ACCOUNT = ["--account", join(LAYOUTS, "account.yaml")];
// The values OpenRouter writes, read as Floopy's card names them (the mapping beside the fixture).
const VALUES = readFileSync(join(LAYOUTS, "openrouter/generations.csv.mapping.yaml"), "utf8").split("\n").filter((l) => !l.startsWith("#")).join("\n");

function folder(mapping: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "burnrate-maplayout-")), "exports");
  mkdirSync(dir);
  copyFileSync(join(LAYOUTS, "openrouter/generations.csv"), join(dir, "generations.csv"));
  writeFileSync(join(dir, "burnrate.mapping.yaml"), mapping);
  return dir;
}

describe("a usage mapping's layout: key", () => {
  it("reads a folder of a gateway's exports as --layout does, without the flag", async () => {
    const dir = folder(`layout: openrouter\n${VALUES}`);
    const flagged = await burnrate(["statement", ...ACCOUNT, "--layout", "openrouter", "--usage", join(LAYOUTS, "openrouter/generations.csv"), "--format", "json"]);
    const mapped = await burnrate(["statement", ...ACCOUNT, "--usage", dir, "--format", "json"]);
    expect([mapped.code, mapped.stderr]).toEqual([0, ""]);
    expect(flagged.code).toBe(0);
    const cycles = (out: string) => JSON.stringify(JSON.parse(out).accounts.map((a: { cycles: unknown }) => a.cycles));
    expect(cycles(mapped.stdout)).toBe(cycles(flagged.stdout));
  });

  it("an unknown layout is refused at its value, naming the layouts", async () => {
    const dir = folder("layout: open-router\n");
    const r = await burnrate(["statement", ...ACCOUNT, "--usage", dir]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain(`${join(dir, "burnrate.mapping.yaml")}:1:9:`);
    expect(r.stderr).toContain("openrouter");
  });
});
