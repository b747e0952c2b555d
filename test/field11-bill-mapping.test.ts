import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Field report 11: a bill mapping that reads one column two ways (a dimension also ignored, a
// canonical column's source also a dimension) used one reading in silence. Refused at the entry.
const FIXTURES = join(ROOT, "fixtures/reconcile");

function reconcile(mapping: string) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field11-bill-"));
  const bill = readFileSync(join(FIXTURES, "bill-clean.csv"), "utf8").replace(/^period_start,activity,project,quantity,amount/, "period_start,activity,Project,qty,amount");
  writeFileSync(join(dir, "bill.csv"), bill);
  writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
  return burnrate(["reconcile", "--account", join(FIXTURES, "account.yaml"), "--usage", join(FIXTURES, "usage.csv"), "--bill", "bill.csv"], { cwd: dir });
}

describe("a bill mapping that reads a column two ways", () => {
  it("a dimension also under ignore_columns:, at the ignore entry", async () => {
    const r = await reconcile("columns: { quantity: qty }\ndimensions: { Project: project }\nignore_columns: [Project]\n");
    expect(r.code).toBe(2);
    // Line 3 is "ignore_columns: [Project]": the entry starts at column 18.
    expect(r.stderr).toBe('burnrate: error: bill.csv.mapping.yaml:3:18: bill column "Project" is both the dimension "project" (dimensions:) and under ignore_columns: (expected one of the two: "Project" read, or under ignore_columns:, found "Project" mapped twice)\n');
  });

  it("a canonical column's source also a dimension, at the dimensions: entry", async () => {
    const r = await reconcile("columns: { quantity: qty }\ndimensions: { Project: project, qty: project }\n");
    expect(r.code).toBe(2);
    // Line 2 is "dimensions: { Project: project, qty: project }": qty's value starts at column 38.
    expect(r.stderr).toBe('burnrate: error: bill.csv.mapping.yaml:2:38: bill column "qty" is both the canonical quantity (columns: quantity: qty) and a dimension (expected one reading of "qty": as quantity, or as the dimension, found "qty" mapped twice)\n');
  });

  it("the same bill, each column read one way, agrees", async () => {
    const r = await reconcile("columns: { quantity: qty }\ndimensions: { Project: project }\n");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
