import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A tests file whose case gives its CSV inline (`usage: |`): it was "no such usage file" naming
// "ratecards/timestamp,meter,..." as a path. It is now said as CSV text at the usage key's value, as that
// case's failure: the other cases still run (red team 12: a schema refusal stopped every case, and made
// `check CARD` drop the card's own findings about its tests), and a path in a block scalar stays a path.
describe("a tests case with its usage written inline (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-cardtest-"));
  copyFileSync(join(ROOT, "ratecards/floopy.yaml"), join(dir, "floopy.yaml"));
  // gpt-4o on openai: 1,000 input tokens x 0.00025 + 200 output x 0.001 = 0.45 (floopy.yaml).
  writeFileSync(join(dir, "one.csv"), "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200\n");
  const tests = join(dir, "floopy.tests.yaml");
  writeFileSync(
    tests,
    [
      "cases:",
      "  - name: inline rows",
      "    account: { plan: pro, anchor: 2026-11-01, grants: [{ kind: purchase, amount: 100000, at: \"2026-11-01T00:00:00Z\" }] }",
      "    usage: |",
      "      timestamp,meter,model,provider,input_tokens,output_tokens",
      "      2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200",
      '    expect: { total: "0.45" }',
      "  - name: the same request from a file",
      "    account: { plan: pro, anchor: 2026-11-01, grants: [{ kind: purchase, amount: 100000, at: \"2026-11-01T00:00:00Z\" }] }",
      "    usage: one.csv",
      '    expect: { total: "0.45" }',
      "  - name: a path in a block scalar",
      "    account: { plan: pro, anchor: 2026-11-01, grants: [{ kind: purchase, amount: 100000, at: \"2026-11-01T00:00:00Z\" }] }",
      "    usage: |",
      "      one.csv",
      '    expect: { total: "0.45" }',
      "",
    ].join("\n"),
  );

  // cards15: a tests file's own mistake is bad input (exit 2), every one of them said at once, at the value.
  it("test refuses the tests file (exit 2), at the value, with every case's mistake", async () => {
    const out = await burnrate(["test", join(dir, "floopy.yaml"), "--format", "json"]);
    expect([out.code, out.stdout]).toEqual([2, ""]);
    const lines = out.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`burnrate: error: ${tests}:4:12: usage is a path, not CSV text (expected a usage file, folder or quoted glob, relative to the tests file (write the rows to a file beside it), found text of 2 lines)`);
    expect(lines[1]).toContain(`${tests}:14:12: no such usage file`);
  });

  it("check reports it as an error of the tests file, and the card's own findings stay", async () => {
    const out = await burnrate(["check", tests, "--format", "json"]);
    expect(out.code).toBe(1);
    const findings = (JSON.parse(out.stdout) as { files: { findings: { rule: string; line: number; column: number; message: string }[] }[] }).files[0]!.findings;
    expect(findings).toContainEqual(expect.objectContaining({ rule: "missing-file", line: 4, column: 12, message: "usage is a path, not CSV text (found text of 2 lines)" }));
    const card = await burnrate(["check", join(dir, "floopy.yaml"), "--format", "json"]);
    const cardRules = (JSON.parse(card.stdout) as { files: { findings: { rule: string }[] }[] }).files[0]!.findings.map((f) => f.rule);
    // floopy.yaml's grant kinds that no case above grants are still named: the tests file loads.
    expect(cardRules).toContain("unused-grant-kind");
  });
});
