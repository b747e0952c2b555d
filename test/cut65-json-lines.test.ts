import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer64b L1: a JSON Lines file whose last line was cut mid-object (a copy or an export that stopped) was told
// "a pretty-printed file spans lines: jq -c . writes one a line", a fix for another file.
const ACCOUNT = join(ROOT, "fixtures/layouts/account.yaml");
const ROW = '{"timestamp":"2026-11-02T10:00:00Z","account":"acme","meter":"request","model":"gpt-4o-mini","provider":"openai","input_tokens":10,"output_tokens":1}';

async function read(text: string) {
  const dir = mkdtempSync(join(tmpdir(), "cut65-"));
  const file = join(dir, "events.jsonl");
  writeFileSync(file, text);
  return { file, r: await burnrate(["statement", "--account", ACCOUNT, "--usage", file, "--format", "json"]) };
}

describe("a JSON Lines file cut short", () => {
  it("is told its line ends before its object does, cut in a string or after a number", async () => {
    for (const cut of ['{"timestamp":"2026-11-02T11:00:00Z","account":"acme","meter":"req', '{"timestamp":"2026-11-02T11:00:00Z","account":"acme","input_tokens":12']) {
      const { file, r } = await read(`${ROW}\n${cut}`);
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toMatch(new RegExp(`^burnrate: error: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:1: not valid JSON \\(expected one JSON object per line: this one ends before its object does, as a file cut short ends where a copy or an export stopped \\(an object written over several lines ends so too: jq -c \\. writes one a line\\), found `));
    }
  });

  it("a pretty-printed file keeps its own hint", async () => {
    const { r } = await read('{\n  "timestamp": "2026-11-02T10:00:00Z"\n}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(":1:1: not valid JSON (expected one JSON object per line (a pretty-printed file spans lines: jq -c . writes one a line)");
  });
});
