import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer51 #5: an export without a column a meter needs (Flowly's server) could not be read, and the error named no
// way on. A usage mapping's constants: gives every row one value of such a column. Fliplet's data_read needs a
// project and costs 0.01 a read.
const args = (usage: string) => ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"];

function folder(usage: string, mapping?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "constants51-"));
  writeFileSync(join(dir, "usage.csv"), usage);
  if (mapping !== undefined) writeFileSync(join(dir, "usage.csv.mapping.yaml"), mapping);
  return dir;
}

describe("a usage mapping's constants:", () => {
  it("is named by the error of a column the export does not write", async () => {
    const r = await burnrate(args("usage.csv"), { cwd: folder("timestamp,meter,quantity\n2026-11-02T10:00:00Z,data_read,5\n") });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: usage.csv:2:1: meter "data_read" needs dimension "project" (expected a value for "project"; or, where every row has one, constants: { project: VALUE } in the usage mapping, found no such column)\n');
  });

  it("gives every row the column's one value, in CSV and in JSON Lines", async () => {
    const csv = await burnrate(args("usage.csv"), { cwd: folder("timestamp,meter,quantity\n2026-11-02T10:00:00Z,data_read,5\n2026-11-03T10:00:00Z,data_read,2\n", "constants: { project: alpha }\n") });
    expect(csv.code, csv.stderr).toBe(0);
    const lines = JSON.parse(csv.stdout).accounts[0].cycles[0].lines as { dimensions: Record<string, string>; quantity: string; amount: string }[];
    // 7 reads at 0.01: 0.07, on alpha's line.
    expect(lines.map((l) => [l.dimensions, l.quantity, l.amount])).toEqual([[{ project: "alpha" }, "7", "0.07"]]);
    const dir = mkdtempSync(join(tmpdir(), "constants51-"));
    writeFileSync(join(dir, "usage.jsonl"), '{"timestamp":"2026-11-02T10:00:00Z","meter":"data_read","quantity":5}\n');
    writeFileSync(join(dir, "usage.jsonl.mapping.yaml"), "constants: { project: alpha }\n");
    const jsonl = await burnrate(args("usage.jsonl"), { cwd: dir });
    expect(jsonl.code, jsonl.stderr).toBe(0);
    expect(JSON.parse(jsonl.stdout).accounts[0].cycles[0].lines[0].dimensions).toEqual({ project: "alpha" });
  });

  it("is refused beside a column of that name, at the file's column", async () => {
    const r = await burnrate(args("usage.csv"), { cwd: folder("timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,5,beta\n", "constants: { project: alpha }\n") });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: usage.csv:1:4: column "project" is given by the usage mapping\'s constants: too (expected the column, or constants: { project: ... } in the mapping for an export without it, not both, found "project")\n');
  });

  it("is refused at its key where no meter reads it, as such a column is (stop 52: a typo gave no row the value, in silence)", async () => {
    // The mapping's second line, its key two spaces in.
    const r = await burnrate(args("usage.csv"), { cwd: folder("timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,5,beta\n", "constants:\n  projectt: alpha\n") });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('burnrate: error: usage.csv.mapping.yaml:2:3: constant "projectt" is read by no meter of fliplet 2026-11; did you mean "project"? (expected a column the card reads (channel, distribution, model, project, source, user), found "projectt")\n');
  });
});
