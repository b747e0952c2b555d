import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer59 H1: a gateway's cell written otherwise than its dimension_values: key, in case alone (`Customer` for
// `customer`), went through unmapped: Flowly's byok exemption reads "true", so a call on the customer's own key was
// charged, exit 0 and not a word. Flowly Starter: claude-haiku-4.5 at 0.001 an input token and 0.005 an output token.
const HEAD = "timestamp,meter,server,model,key_source,input_tokens,output_tokens,quantity\n";
const MAPPING = "rename: { key_source: byok }\ndimension_values:\n  byok: { customer: \"true\", platform: \"false\" }\n";

function files(rows: string) {
  const dir = mkdtempSync(join(tmpdir(), "newcomer59-mapped-"));
  writeFileSync(join(dir, "u.csv"), HEAD + rows);
  writeFileSync(join(dir, "u.csv.mapping.yaml"), MAPPING);
  return ["statement", "--account", join(ROOT, "fixtures/flowly/account.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"];
}

const row = (source: string, model = "claude-haiku-4.5") => `2026-11-02T10:00:00Z,message,srv-sales,${model},${source},1000,100,1\n`;

describe("a cell written otherwise than its dimension_values: key", () => {
  it("as mapped: the customer's key is exempt, the platform's charged 1000 x 0.001 + 100 x 0.005 = 1.5", async () => {
    const r = await burnrate(files(row("customer") + row("platform")));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("1.5");
  });

  it("is refused at its cell, in case alone, with the entry it nearly is: read by the row scanner and by the plain reader", async () => {
    for (const cell of ["Customer", '"Customer"', " customer"]) {
      const args = files(row("platform") + row(cell));
      const r = await burnrate(args);
      expect(r.code, cell).toBe(2);
      const shown = cell.replace(/"/g, "");
      expect(r.stderr).toContain(`u.csv:3:5: byok ${JSON.stringify(shown)} is not "customer", which dimension_values: maps to "true" (`);
      expect(r.stderr).toContain(`: its rows would be read as ${JSON.stringify(shown)}; did you mean "customer"? (expected "customer" exactly, as the mapping writes it; or an entry for ${JSON.stringify(shown)} of its own`);
    }
  });

  it("a cell already the card's value, or one no key is near, is read as written", async () => {
    // "true" is what customer maps to: exempt. "partner" is no key's: not exempt, charged 1.5.
    const r = await burnrate(files(row("true") + row("partner")));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("1.5");
  });
});
