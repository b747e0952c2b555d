import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nearest } from "../src/nearest.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// Field report 12: gateways export providers in capitals (OPENAI), and floopy.yaml's request prices its tokens
// by [model, provider] with providers in lower case. "OPENAI" is six edits from "openai", past the
// did-you-mean's reach (a third of the word, at least two), so the refusal named no candidate.
describe("a value that differs from the card's only in case", () => {
  it("is named as the card's spelling, through the CLI", async () => {
    const r = await floopyRow("gpt-4o", "OPENAI");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('provider "OPENAI"');
    expect(r.stderr).toContain('did you mean "openai"?');
  });

  it("wins over a candidate as near by edit distance, whatever the word's length", () => {
    // "Pro" is one edit from "pr" and from "pro": the one of the same letters is meant.
    expect(nearest("Pro", ["pr", "pro"])).toBe("pro");
    expect(nearest("OPENAI", ["openai", "azure"])).toBe("openai");
    expect(nearest("CLAUDE-SONNET-4", ["claude-sonnet-4", "claude-sonnet-3"])).toBe("claude-sonnet-4");
    expect(nearest("GROQ", ["groq", "Groq"])).toBe("groq");
  });
});

// Newcomer, stop 44: an export's gpt-4.1, which Floopy does not price, was met with "did you mean gpt-4o?" and a
// mapping reading it so: two edits apart, and another model at other prices. Names that both hold numbers, and not
// the same, are two releases; a digit where the other has none may still be the typo.
describe("a did-you-mean between names of other numbers", () => {
  it("names none where both hold numbers and they differ", () => {
    expect(nearest("gpt-4.1", ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "llama-3.1-70b"])).toBeUndefined();
    expect(nearest("claude-3-7-sonnet", ["claude-3-5-sonnet"])).toBeUndefined();
    expect(nearest("llama-3.1-8b", ["llama-3.1-70b"])).toBeUndefined();
  });

  it("still names a typo of the same numbers, or a digit where the other has none", () => {
    expect(nearest("gpt-4oo", ["gpt-4o", "gpt-4o-mini"])).toBe("gpt-4o");
    expect(nearest("gtp-4o", ["gpt-4o", "claude-sonnet-4"])).toBe("gpt-4o");
    expect(nearest("quill-pr0", ["quill-pro", "quill-lite"])).toBe("quill-pro");
  });

  it("through the CLI: the refusal names the card's models and no mapping to another", async () => {
    const r = await floopyRow("gpt-4.1", "openai");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('model "gpt-4.1"');
    expect(r.stderr).not.toContain("did you mean");
    expect(r.stderr).not.toContain('"gpt-4.1": "gpt-4o"');
  });
});

/** A statement of one Floopy request of this model and provider, on pro from 2026-11-01. */
function floopyRow(model: string, provider: string) {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-provider-case-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,${model},${provider},1000,200\n`);
  return burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
}
