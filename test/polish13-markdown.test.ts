import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

describe("diff's pull-request comment: an account name with emphasis marks", () => {
  const dir = mkdtempSync(join(tmpdir(), "polish13-markdown-"));
  const card = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8")
    .replace('price: "0.5"              # "0.5 per message"', 'price: "0.6"')
    .replace('version: "2026-11"', 'version: "2026-12"');
  writeFileSync(join(dir, "up.yaml"), card);
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: "\`x\`*y*_z_"\nplan: pro\nanchor: 2026-11-01\n`);

  it("writes the name with every mark escaped, in each table that names it", async () => {
    const run = await burnrate(
      ["diff", "--base", "ratecards/fliplet.yaml", "--card", join(dir, "up.yaml"), "--account", join(dir, "account.yaml"), "--usage", "fixtures/ci/fliplet/sms-100.csv", "--format", "markdown"],
    );
    expect(run.code, run.stderr).toBe(0);
    // sms-100.csv holds 100 messages, 0.1 credit dearer each under the new card.
    expect(run.stdout).toContain("| \\`x\\`\\*y\\*\\_z\\_ | 2026-11-01 | sms | 50.00 | 60.00 | +10.00 (+20.00%) |");
    expect(run.stdout).toContain("| \\`x\\`\\*y\\*\\_z\\_ | 50.00 | 60.00 | +10.00 (+20.00%) |");
    expect(run.stdout).not.toMatch(/(^|[^\\])[*_]z/m);
  });
});
