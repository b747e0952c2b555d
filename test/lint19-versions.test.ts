import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { besidesNoTests, checkFindings } from "./helpers/cards.js";

// A recurring item is charged at each cycle start by the version then in force, with no usage row: a later
// version without its meter charged the items still active nothing, without a word (red team, stop 37, #14).
const dir = mkdtempSync(join(tmpdir(), "burnrate-lint19-versions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const PUBLISHED = FLIPLET.slice(FLIPLET.indexOf("  published:\n"), FLIPLET.indexOf("  storage_added:\n"));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function later(edits: [string, string][]): string {
  let text = FLIPLET.replace('version: "2026-11"', 'version: "2026-12"').replace('effective: "2026-11-01"', 'effective: "2026-12-01"');
  for (const [from, to] of edits) {
    expect(text.includes(from), `the card no longer contains ${from}`).toBe(true);
    text = text.replace(from, to);
  }
  return text;
}

async function check(...files: string[]) {
  const { code, byFile } = await checkFindings(...files);
  return { code, byFile: new Map([...byFile].map(([file, found]) => [file, found.filter(besidesNoTests)])) };
}

describe("a later version that drops a recurring or gauge meter", () => {
  const v1 = write("fliplet.yaml", FLIPLET);
  const dropped = later([[PUBLISHED, ""]]);
  const v2 = write("fliplet-2026-12.yaml", dropped);

  it("warns at the later version's meters, whatever the order the files are named in", async () => {
    for (const files of [[v1, v2], [v2, v1]]) {
      const { code, byFile } = await check(...files);
      expect(code).toBe(0);
      expect(byFile.get(v1)).toEqual([]);
      const meters = dropped.split("\n").findIndex((l) => l === "meters:") + 1;
      expect(byFile.get(v2)!.map((f) => `${f.line} ${f.severity} ${f.rule}`)).toEqual([`${meters + 1} warning dropped-recurring-meter`]);
      expect(byFile.get(v2)![0]!.message).toBe(`recurring meter "published" of version 2026-11 (${v1}) is not in this version: its items still active when version 2026-12 takes effect (2026-12-01) are charged nothing at its cycle starts, without a word`);
    }
  });

  it("fails with --strict, as a CI gate that takes warnings would", async () => {
    const run = await burnrate(["check", v1, v2, "--strict"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("warning [dropped-recurring-meter]");
  });

  it("warns of a gauge that is a flow meter in the later version", async () => {
    const v3 = write("fliplet-gauge.yaml", later([["    aggregation: gauge\n    decreased_by: storage_deleted\n    key: [project]\n", "    aggregation: flow\n"]]));
    const { byFile } = await check(v1, v3);
    expect(byFile.get(v3)!.map((f) => f.message)).toEqual([expect.stringContaining('gauge meter "storage_added" of version 2026-11 (') as unknown as string]);
    expect(byFile.get(v3)![0]!.message).toContain("is a flow meter in this version: its levels still active");
  });

  it("says nothing of a version that keeps the meter, nor of a card alone", async () => {
    const kept = write("fliplet-kept.yaml", later([['table: { web: "2", ios: "3", android: "3" }', 'table: { web: "0", ios: "0", android: "0" }']]));
    expect((await check(v1, kept)).byFile.get(kept)).toEqual([]);
    expect((await check(v2)).byFile.get(v2)).toEqual([]);
  });
});
