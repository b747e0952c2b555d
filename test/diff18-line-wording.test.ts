import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Newcomer, stop 36: "No priced line past the --fail-over-line limit of 10%. 1 price on lines the usage priced rises
// past that limit" read as a contradiction, on a run that exits 1.
const card = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "burnrate-diff18-line-"));
const at = card.indexOf('gpt-4o: { openai: "0.001"', card.indexOf("\n  request:\n"));
const fifty = join(dir, "floopy-x50.yaml");
// gpt-4o output tokens on openai, 0.001 -> 0.05 cents: the research team's budget now refuses every such row, so the
// line's cost falls while its price rises 4,900%.
writeFileSync(fifty, `${card.slice(0, at)}gpt-4o: { openai: "0.05"${card.slice(at + 'gpt-4o: { openai: "0.001"'.length)}`);

describe("diff --fail-over-line: a price past the limit whose line's cost is not", () => {
  it("says in one sentence that the gate is passed by price, in the table and the comment", async () => {
    for (const format of ["table", "markdown"]) {
      const run = await burnrate(["diff", "--base", "ratecards/floopy.yaml", "--card", fifty, "--usage", "fixtures/floopy/gateway.csv", "--account", "fixtures/floopy/account.yaml", "--fail-over-line", "10", "--format", format]);
      expect(run.code).toBe(1);
      expect(run.stdout).not.toContain("No priced line past");
      expect(run.stdout).toContain("Past the --fail-over-line limit of 10% by price: 1 price of lines the usage priced rises by more: meters.request.components.output_tokens.table.gpt-4o.openai 0.001 → 0.05");
    }
  });
});
