import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { smallCard, tokenMeter } from "./helpers/cards.js";

// newcomer72b M1 and M2. The new card prices cached input tokens apart (0.1 a token, inside the input count), the old
// card prices every input token at 1. Three calls of 100 input tokens, 50 of them cached.
//   Old card: 250 credits included, a hard stop: calls 1 and 2 served (100 + 100 = 200), call 3 refused (300 > 250).
//   New card: an overage pool serves all three: each 50 x 1 + 50 x 0.1 = 55, so 165.
// On the two calls both cards serve, the prices take 200 to 2 x 55 = 110: -90 (-45%). The third call, which the new card
// alone serves, adds +55. In all 200 -> 165, -35.
// The per-component rule read the input tokens as 200 old against 150 new, the cached ones as served by one card only:
// "the prices change nothing", the 35 all put down to the refusals.
function card(newCard: boolean, terms: { pool: string; included: number } = { pool: newCard ? "overage" : "block", included: 250 }): string {
  return smallCard({
    provider: "tok", version: newCard ? "2" : "1", effective: "2026-11-01", currency: "USD", pool: terms.pool,
    plans: [`starter: { label: Starter, included: ${terms.included}, price: 0 }`],
    meters: tokenMeter(newCard),
  });
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "diff72-"));
  writeFileSync(join(dir, "old.yaml"), card(false));
  writeFileSync(join(dir, "new.yaml"), card(true));
  writeFileSync(join(dir, "account.yaml"), "account: acme\nplan: starter\nanchor: 2026-11-01\ntimezone: UTC\n");
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,input_tokens,input_cached_tokens\n" + [2, 3, 4].map((d) => `2026-11-0${d}T10:00:00Z,call,1,100,50\n`).join(""));
  writeFileSync(join(dir, "usage.csv.mapping.yaml"), "counts_inside: { input_tokens: [input_cached_tokens] }\n");
  return dir;
}

const diff = (dir: string, format: string, ...more: string[]) => burnrate(["diff", "--base", "old.yaml", "--card", "new.yaml", "--account", "account.yaml", "--usage", "usage.csv", "--format", format, ...more], { cwd: dir });

describe("diff of a card that splits a component out of another (newcomer72b M1)", () => {
  it("prices the calls both cards serve per call: 200 -> 110 is what the prices change, +55 the call the old card refused", async () => {
    const r = await diff(folder(), "json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect([json.base_total, json.card_total]).toEqual(["200", "165"]);
    expect(json.served).toMatchObject({ old: "200", new: "110", delta: "-90", delta_percent: "-45" });
  });

  it("says so in the summary", async () => {
    const r = await diff(folder(), "markdown");
    expect(r.stdout).toContain("On the usage both cards serve, credits fall by -90.00 (-45.00%), from 200.00 to 110.00: what the prices change. The other +55.00 is the events one card serves and the other refuses (1 → 0 events refused in all)");
  });

  it("passes a --fail-over gate of 0.5%: the prices fall, and so does the total", async () => {
    const r = await diff(folder(), "json", "--fail-over", "0.5");
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });
});

describe("the usage both serve judged by tokens, not per call (red72a H1)", () => {
  // Two calls: 1000 input tokens (100 cached) and 10 (1 cached). The old card serves both (overage pool): 1010. The new
  // card, 915 included and a hard stop, serves call 1 (900 + 100 x 0.1 = 910) and refuses call 2 (910 + 9 + 0.1 > 915).
  // Both serve call 1: 1000 -> 910, -9%. Per call, the old card's average (505) read as a rise of 80% and failed a gate.
  it("finds 1000 -> 910 on the call both serve, and passes --fail-over 10", async () => {
    const dir = folder();
    writeFileSync(join(dir, "old.yaml"), card(false, { pool: "overage", included: 915 }));
    writeFileSync(join(dir, "new.yaml"), card(true, { pool: "block", included: 915 }));
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,input_tokens,input_cached_tokens\n2026-11-02T10:00:00Z,call,1,1000,100\n2026-11-03T10:00:00Z,call,1,10,1\n");
    const r = await diff(dir, "json", "--fail-over", "10");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).served).toMatchObject({ old: "1000", new: "910", delta: "-90", delta_percent: "-9" });
  });
});

describe("the Why of a line whose refusals moved (newcomer72b M2)", () => {
  it("says fewer events were refused, not that the credits ran out later: the new card's pool serves past zero", async () => {
    const r = await diff(folder(), "table");
    expect(r.stdout).not.toContain("ran out later");
    expect(r.stdout).toContain("fewer events refused for want of credits: 1 → 0");
  });
});
