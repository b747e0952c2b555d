import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A tests file whose case gives its CSV inline (`usage: |`): it was "no such usage file" naming
// "ratecards/timestamp,meter,..." as a path; it is refused as CSV text, at the usage key's value.
describe("a tests case with its usage written inline (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-cardtest-"));
  copyFileSync(join(ROOT, "ratecards/floopy.yaml"), join(dir, "floopy.yaml"));
  const tests = join(dir, "floopy.tests.yaml");
  writeFileSync(
    tests,
    [
      "cases:",
      "  - name: one gpt-4o request",
      "    account: { plan: pro, anchor: 2026-11-01 }",
      "    usage: |",
      "      timestamp,meter,model,provider,input_tokens,output_tokens",
      "      2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200",
      '    expect: { total: "0.45" }',
      "",
    ].join("\n"),
  );
  const message = `${tests}:4:12: usage is a path, not CSV text (expected a usage file, folder or quoted glob, relative to this file (write the rows to a file beside it), found text of 2 lines)`;

  it("test refuses it as bad input (exit 2), at the value", async () => {
    const out = await burnrate(["test", join(dir, "floopy.yaml")]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${message}\n`);
  });

  it("check reports it as a schema error of the tests file", async () => {
    const out = await burnrate(["check", tests, "--format", "json"]);
    expect(out.code).toBe(1);
    const findings = (JSON.parse(out.stdout) as { files: { findings: { rule: string; line: number; column: number; message: string }[] }[] }).files[0]!.findings;
    expect(findings).toEqual([
      expect.objectContaining({ rule: "schema", line: 4, column: 12, message: "usage is a path, not CSV text (expected a usage file, folder or quoted glob, relative to this file (write the rows to a file beside it), found text of 2 lines)" }),
    ]);
  });
});
