import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A usage folder's file that no reader takes by its name but holds usage is refused, not passed over with a
// note: a header of near misses of the canonical columns (Timestamp, Meter) is usage too, and so is a gzip's (red15).
const root = mkdtempSync(join(tmpdir(), "burnrate-folder-usage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const DAY = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,alpha\n";

function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, body] of Object.entries(files)) writeFileSync(join(dir, file), body);
  return dir;
}

const statement = (dir: string) => burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", dir, "--format", "json"]);

describe("a usage folder's usage under another name", () => {
  it("refuses a backup whose header is the canonical columns capitalised", async () => {
    const dir = folder("capital", { "a.csv": DAY, "b.bak": "Timestamp,Meter,Quantity,Project\n2026-11-03T10:00:00Z,data_read,5,alpha\n" });
    const run = await statement(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "b.bak")}:1:1: a file in the usage folder whose first line is a header of usage`);
  });

  it("refuses a gzipped usage file under another name", async () => {
    const dir = folder("gzip", { "a.csv": DAY, "e.csv.gz.bak": gzipSync(DAY.replace("alpha", "beta")) });
    const run = await statement(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "e.csv.gz.bak")}:1:1:`);
    expect(run.stderr).toContain("(.csv.gz if gzipped)");
  });

  it("refuses a day of JSON Lines under another name, by its fields, gzipped or not (newcomer, stop 48)", async () => {
    const line = (day: string) => `${JSON.stringify({ id: `r-${day}`, created_at: `2026-11-0${day}T10:00:00Z`, org: { id: "o1" }, usage: { prompt_tokens: 5 } })}\n`;
    const mapping = "columns: { timestamp: created_at, event_id: id, account: org.id }\nmeter: data_read\nrename: { usage.prompt_tokens: quantity }\n";
    const cases: [string, string | Buffer, string][] = [["c.jsonl.bak", line("3"), "(.jsonl.gz if gzipped)"], ["d.txt", line("4"), `renamed "d.jsonl"`], ["e.jsonl.gz.old", gzipSync(line("5")), "(.jsonl.gz if gzipped)"]];
    for (const [name, body, hint] of cases) {
      const dir = folder(`json-${name}`, { "a.jsonl": line("2"), "burnrate.mapping.yaml": mapping, [name]: body });
      const run = await statement(dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${join(dir, name)}:1:1: a file in the usage folder whose first line is a JSON object of usage`);
      expect(run.stderr).toContain(hint);
    }
  });

  it("names every such file at once, the first at its place (newcomer49 F11)", async () => {
    const dir = folder("several", { "a.csv": DAY, "b.bak": DAY.replace("alpha", "beta"), "c.txt": DAY.replace("alpha", "gamma"), "d.log": DAY });
    const run = await statement(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "b.bak")}:1:1: a file in the usage folder whose first line is a header of usage`);
    expect(run.stderr).toContain('; and 2 more such file(s) in the folder: "c.txt", "d.log")');
  });

  it("refuses a Parquet file under another name, by its magic bytes", async () => {
    const dir = folder("parquet", { "a.csv": DAY, "b.parquet.bak": Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(64), Buffer.from("PAR1")]) });
    const run = await statement(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "b.parquet.bak")}:1:1: a Parquet file in the usage folder whose name no reader takes`);
    expect(run.stderr).toContain(`renamed "b.parquet"`);
  });

  it("refuses it after a blank first line, and with a first field past 4 KiB (red48 #6, #7)", async () => {
    const mapping = "columns: { timestamp: created_at }\nmeter: data_read\nrename: { n: quantity }\n";
    const row = (project: string) => JSON.stringify({ project, created_at: "2026-11-03T10:00:00Z", n: 2 });
    // A first field past 64 KiB too, as a stored prompt is (red48b #8).
    for (const [name, body, line] of [["blank", `\r\n${row("alpha")}\n`, 2], ["long", `${row("a".repeat(5000))}\n`, 1], ["longer", `${row("a".repeat(100_000))}\n`, 1]] as const) {
      const dir = folder(`json-${name}`, { "a.csv": DAY, "burnrate.mapping.yaml": mapping, "b.jsonl.bak": body });
      const run = await statement(dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${join(dir, "b.jsonl.bak")}:${line}:1: a file in the usage folder whose first line is a JSON object of usage`);
    }
  });

  it("refuses a CloudEvents day under another name, by its own time and id, with no mapping in the folder (red48b #9)", async () => {
    const event = JSON.stringify({ specversion: "1.0", id: "e1", source: "gw", type: "data_read", time: "2026-11-03T10:00:00Z", subject: "acme", data: { tokens: 5 } });
    const dir = folder("cloudevents", { "a.jsonl": `${event}\n`, "b.jsonl.bak": `${event.replace("e1", "e2")}\n` });
    const run = await statement(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "b.jsonl.bak")}:1:1: a file in the usage folder whose first line is a JSON object of usage`);
  });

  it("still names a JSON text of no usage, one naming an account but no time, and a README (red48 #8)", async () => {
    const dir = folder("json-notes", { "a.csv": DAY, "notes.txt": `${JSON.stringify({ author: "finance", reviewed: true })}\n`, "settings.txt": `${JSON.stringify({ account: "acme", theme: "dark" })}\n`, "README.md": '{"account": "acme"} is how an account is named\n' });
    const run = await statement(dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("passed over 3 files");
  });

  it("still only names a README", async () => {
    const dir = folder("readme", { "a.csv": DAY, "README.md": "# November exports\nOne file a day.\n" });
    const run = await statement(dir);
    expect(run.code).toBe(0);
    // data_read 3 x 0.01.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.03");
    expect(run.stderr).toContain("passed over");
  });
});
