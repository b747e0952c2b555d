import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { markdownText } from "../src/render/shared/escape.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// Emphasis in a Markdown value (CommonMark 0.31, "Emphasis and strong emphasis"): `*` opens and
// closes emphasis anywhere, inside a word too; `_` only where it is not between two word characters.

describe("markdownText: emphasis", () => {
  it("escapes every * and ~, and every _ that could open or close emphasis", () => {
    expect(markdownText("`x`*y*_z_")).toBe("\\`x\\`\\*y\\*\\_z\\_");
    expect(markdownText("a*b*c")).toBe("a\\*b\\*c");
    expect(markdownText("~~gone~~")).toBe("\\~\\~gone\\~\\~");
    expect(markdownText("_lead")).toBe("\\_lead");
    expect(markdownText("trail_")).toBe("trail\\_");
    expect(markdownText("a _b_ c")).toBe("a \\_b\\_ c");
    expect(markdownText("a_(b)")).toBe("a\\_(b)");
    expect(markdownText("(a)__b")).toBe("(a)\\_\\_b");
  });

  it("leaves an _ between two word characters as it is, so meters read as they are written", () => {
    for (const text of ["input_tokens", "data_read", "a__b", "café_über", "東京_大阪", "v2_1"]) expect(markdownText(text)).toBe(text);
  });

  it("escapes an _ next to a symbol, an emoji or an escape it adds itself", () => {
    expect(markdownText("🚀_a")).toBe("🚀\\_a");
    expect(markdownText("a_🚀")).toBe("a\\_🚀");
    // The backslash before the `_` is the value's own, escaped first: `\\\_` renders `\_`.
    expect(markdownText("a\\_b")).toBe("a\\\\\\_b");
    expect(markdownText("a<_b")).toBe("a&lt;\\_b");
  });
});

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
