import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A folder of exports is read by its files' names: a day saved as .json (JSON Lines an API
// client wrote) was passed over as a README is, and the month billed without it in silence.
// Floopy prices gpt-4o on openai at 0.00025 cents an input token and 0.001 an output token:
// a request of 1,000 in and 200 out is 0.25 + 0.2 = 0.45 cents.
const ACCOUNT = join(ROOT, "fixtures/layouts/account.yaml");
const day = (d: number) => `{"timestamp":"2026-11-0${d}T10:00:00Z","meter":"request","model":"gpt-4o","provider":"openai","input_tokens":1000,"output_tokens":200}\n`;
const root = mkdtempSync(join(tmpdir(), "field13-folder-"));
let made = 0;
function folder(files: Record<string, string>): string {
  const path = join(root, String(made++));
  mkdirSync(path);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(path, name), content);
  return path;
}

describe("a usage folder's file that no reader takes by its name", () => {
  it.each(["2026-11-03.json", "2026-11-03.json.gz", "2026-11-03.tsv", "2026-11-03.csv.zip", "2026-11-03.xlsx", "2026-11-03.csv.zst"])("refuses %s, naming it, rather than billing the month without it", async (name) => {
    const dir = folder({ "2026-11-02.jsonl": day(2), [name]: day(3) });
    const out = await burnrate(["statement", "--account", ACCOUNT, "--usage", dir, "--format", "json"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      `burnrate: error: ${join(dir, name)}:1:1: a file in the usage folder that no reader takes by its name, which would be passed over (expected usage named *.csv, *.jsonl, *.ndjson or *.parquet, each maybe ending .gz: JSON Lines renamed .jsonl, a TSV or a spreadsheet saved as CSV, zip, bzip2, xz or zstd recompressed as gzip; or the file moved out of the folder, found "${name}")\n`,
    );
  });

  it("still passes over a README, notes and a mapping, naming the two files (field15), and reads the usage beside them", async () => {
    const dir = folder({ "2026-11-02.jsonl": day(2), "README.md": "exports\n", "notes.txt": "quiet week\n", "burnrate.mapping.yaml": "ignore_columns: [notes]\n" });
    const out = await burnrate(["statement", "--account", ACCOUNT, "--usage", dir, "--format", "json"]);
    expect(out.stderr).toBe(`burnrate: note: usage folder ${dir}: passed over 2 files that no reader takes by name ("README.md", "notes.txt")\n`);
    expect((JSON.parse(out.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("0.45");
  });

  it("passes over a statement burnrate wrote into the folder (-o exports/november.json)", async () => {
    const dir = folder({ "2026-11-02.jsonl": day(2) });
    const first = await burnrate(["statement", "--account", ACCOUNT, "--usage", dir, "--format", "json", "-o", join(dir, "november.json")]);
    expect(first.stderr).toBe("");
    const again = await burnrate(["statement", "--account", ACCOUNT, "--usage", dir, "--format", "json"]);
    expect(again.stderr).toBe("");
    expect((JSON.parse(again.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("0.45");
  });

  it("reads a .json file named on its own, by its content", async () => {
    const dir = folder({ "2026-11-03.json": day(3) });
    const out = await burnrate(["statement", "--account", ACCOUNT, "--usage", join(dir, "2026-11-03.json"), "--format", "json"]);
    expect(out.stderr).toBe("");
    expect((JSON.parse(out.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("0.45");
  });
});
