import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { smallCard, tokenMeter } from "./helpers/cards.js";

// newcomer72b L3: a card pricing input_cached_tokens refused an OpenRouter export, which holds them as
// native_tokens_cached, with "no such column" alone. A column the mapping reads as nothing else, whose name shares a
// telling word with the card's, is offered. A call: 100 input tokens at 1, 40 of them cached at 0.1: 60 + 4 = 64.
const CARD = smallCard({ provider: "tok", version: "1", effective: "2026-11-01", plans: ["pro: { label: Pro, included: 1000, price: 0 }"], meters: tokenMeter(true) });

function folder(header: string, row: string, parts = "native_tokens_cached"): string {
  const dir = mkdtempSync(join(tmpdir(), "column72-"));
  writeFileSync(join(dir, "card.yaml"), CARD);
  writeFileSync(join(dir, "usage.csv"), `${header}\n${row}\n`);
  writeFileSync(join(dir, "usage.csv.mapping.yaml"), `counts_inside: { input_tokens: [${parts}] }\n`);
  return dir;
}

const statement = (dir: string, ...more: string[]) => burnrate(["statement", "--card", "card.yaml", "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--format", "json", ...more], { cwd: dir });

describe("a count the export holds under a name of its own (newcomer72b L3)", () => {
  it("offers the export's native_tokens_cached for the card's input_cached_tokens, and the offered flag prices it: 64", async () => {
    const dir = folder("timestamp,meter,quantity,input_tokens,native_tokens_cached", "2026-11-02T10:00:00Z,call,1,100,40");
    const r = await statement(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('found no such column; where the export\'s "native_tokens_cached" holds "input_cached_tokens", rename: { native_tokens_cached: input_cached_tokens } in the usage mapping (--map dim:input_cached_tokens=native_tokens_cached))');
    const fixed = await statement(dir, "--map", "dim:input_cached_tokens=native_tokens_cached");
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout).accounts[0].cycles[0].total).toBe("64");
  });

  it("offers nothing where two columns share the word, or none does", async () => {
    const two = await statement(folder("timestamp,meter,quantity,input_tokens,native_tokens_cached,cached_audio", "2026-11-02T10:00:00Z,call,1,100,40,0", "native_tokens_cached, cached_audio"));
    expect(two.stderr).toContain("found no such column)");
    const none = await statement(folder("timestamp,meter,quantity,input_tokens,reasoning_tokens", "2026-11-02T10:00:00Z,call,1,100,40", "reasoning_tokens"));
    expect(none.stderr).toContain("found no such column)");
  });
});
