import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Times without an offset read in the account's zone are told where UTC would put them in another cycle (stop 40), but
// only for CSV: a JSON Lines or Parquet export of the same rows moved them in silence (newcomer, stop 41: 30 events of
// October billed to November). The note reads those files' timestamps as their readers do.

const STAMPS = ["2026-11-15 10:00:00", "2026-12-01 02:30:00", "2026-12-01T03:59:00"];

type Format = "csv" | "jsonl" | "parquet";

function run(format: Format, { stamps = STAMPS, mapping }: { stamps?: string[]; mapping?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "naive-objects-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: America/New_York\n`);
  const file = join(dir, `usage.${format}`);
  if (format === "csv") writeFileSync(file, `timestamp,meter,quantity,project\n${stamps.map((t) => `${t},data_read,100,alpha`).join("\n")}\n`);
  if (format === "jsonl") writeFileSync(file, `${stamps.map((t) => JSON.stringify({ timestamp: t, meter: "data_read", quantity: 100, project: "alpha" })).join("\n")}\n`);
  if (format === "parquet") {
    const column = (name: string, data: string[]) => ({ name, data, type: "STRING" as const });
    writeFileSync(file, Buffer.from(parquetWriteBuffer({ columnData: [column("timestamp", stamps), column("meter", stamps.map(() => "data_read")), column("quantity", stamps.map(() => "100")), column("project", stamps.map(() => "alpha"))] })));
  }
  const args = ["statement", "--account", "account.yaml", "--usage", `usage.${format}`, "--format", "json"];
  if (mapping !== undefined) {
    writeFileSync(join(dir, "map.yaml"), mapping);
    args.push("--mapping", "map.yaml");
  }
  return burnrate(args, { cwd: dir });
}

const note = (file: string, line: number) =>
  `burnrate: note: 2 rows of ${file} (the first at ${file}:${line}) have times without an offset, read in America/New_York, the account's time zone, where UTC would put them in another cycle; if the export writes UTC, timestamp_zone: UTC in the usage mapping reads them so (timestamp_zone: "America/New_York" says the account's zone is meant, and ends this note)\n`;

describe("times without an offset in JSON Lines and Parquet", () => {
  // The second row is the first UTC would put in November: CSV line 3 (after the header), the second JSON line, Parquet's second row.
  for (const [format, line] of [["jsonl", 2], ["parquet", 2]] as const) {
    it(`are told in ${format} as in CSV, at their own ${format === "parquet" ? "row" : "line"}, with the statement of the same rows`, async () => {
      const csv = await run("csv");
      const r = await run(format);
      expect(r.code).toBe(0);
      expect(csv.stderr).toBe(note("usage.csv", 3));
      expect(r.stderr).toBe(note(`usage.${format}`, line));
      expect(JSON.parse(r.stdout).accounts).toEqual(JSON.parse(csv.stdout).accounts);
    });

    it(`are not told in ${format} under timestamp_zone: UTC, nor where the times have an offset`, async () => {
      expect((await run(format, { mapping: "timestamp_zone: UTC\n" })).stderr).toBe("");
      expect((await run(format, { stamps: ["2026-11-15T10:00:00Z", "2026-12-01T02:30:00Z"] })).stderr).toBe("");
    });
  }

  it("are told in JSON Lines whatever fields later lines add", async () => {
    // A field first seen on a later row (an end user's), which the run reads where the card reads it (red team, stop 41: the note's own reading refused the line, and the note was lost).
    const stamps = ["2026-11-15 10:00:00", "2026-12-01 02:30:00", "2026-12-01T03:59:00"];
    const dir = mkdtempSync(join(tmpdir(), "naive-objects-late-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: America/New_York\n`);
    const rows = stamps.map((t, i) => (i === 2 ? { timestamp: t, meter: "end_user_open", project: "alpha", user: "u1" } : { timestamp: t, meter: "data_read", quantity: 100, project: "alpha" }));
    writeFileSync(join(dir, "usage.jsonl"), `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.jsonl", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(note("usage.jsonl", 2));
  });
});
