import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Finding 5 of the fifteenth field report: no file of a usage folder is passed over in silence.
// Fliplet's card, Pro: data_read 0.01 a read.

const HEADER = "timestamp,meter,quantity,project\n";

function folder(files: Record<string, string>, subfolders: string[] = []): { dir: string; logs: string } {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field15-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
  const logs = join(dir, "logs");
  mkdirSync(logs);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(logs, name), text);
  for (const sub of subfolders) mkdirSync(join(logs, sub));
  return { dir, logs };
}

const statement = (dir: string, logs: string) => burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", logs, "--format", "json"]);

describe("a usage folder's files that no reader takes", () => {
  it("a README, a PDF and a subfolder are named in one counted note; hidden files and the mapping are not", async () => {
    const { dir, logs } = folder(
      { "a.csv": `${HEADER}2026-11-02T10:00:00Z,data_read,100,alpha\n`, "README.md": "# exports\n", "notes.pdf": "%PDF-1.4\n", ".DS_Store": "\0\0", "burnrate.mapping.yaml": "ignore_columns: [latency_ms]\n" },
      ["2026-10", ".git"],
    );
    const run = await statement(dir, logs);
    expect(run.code, run.stderr).toBe(0);
    // 100 reads x 0.01 = 1: the README's and the PDF's lines are no usage.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("1");
    expect(run.stderr).toBe(`burnrate: note: usage folder ${logs}: passed over 2 files that no reader takes by name ("README.md", "notes.pdf") and 1 subfolder ("2026-10"), whose files are read only when named or globbed ('${join(logs, "**", "*.csv")}')\n`);
  });

  it("a folder of usage files alone says nothing", async () => {
    const { dir, logs } = folder({ "a.csv": `${HEADER}2026-11-02T10:00:00Z,data_read,100,alpha\n`, ".DS_Store": "" });
    const run = await statement(dir, logs);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });

  it.each([
    ["c.txt", '"c.csv"'],
    ["d.csv.bak", "to end in .csv"],
    ["export.log", '"export.csv"'],
  ])("%s, whose first line is a CSV header of usage, is refused at its first line", async (name, fix) => {
    const { dir, logs } = folder({ "a.csv": `${HEADER}2026-11-02T10:00:00Z,data_read,100,alpha\n`, [name]: `${HEADER}2026-11-03T10:00:00Z,data_read,50,alpha\n` });
    const run = await statement(dir, logs);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(logs, name)}:1:1: a file in the usage folder whose first line is a header of usage`);
    expect(run.stderr).toContain(`renamed ${fix}`);
  });

  it("a header naming a column the folder's mapping reads is usage too", async () => {
    const { dir, logs } = folder({
      "a.csv": "ts,kind,n,project\n2026-11-02T10:00:00Z,data_read,100,alpha\n",
      "b.txt": "ts,kind,n,project\n2026-11-03T10:00:00Z,data_read,50,alpha\n",
      "burnrate.mapping.yaml": "columns:\n  timestamp: ts\n  meter: kind\n  quantity: n\n",
    });
    const run = await statement(dir, logs);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('found "b.txt", a header naming "ts", "kind", "n")');
  });
});
