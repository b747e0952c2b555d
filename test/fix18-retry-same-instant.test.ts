import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Fliplet's data_read is 0.01 a read (ratecards/fliplet.yaml). Two rows of one event_id at one second: the one priced
// is the same whatever their order, and it is the smaller by value, where "1000" sorted before "9" as text.
function log(...rows: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-retry-"));
  const file = join(dir, "usage.csv");
  writeFileSync(file, ["timestamp,meter,quantity,event_id,project", ...rows].join("\n") + "\n");
  return file;
}

const total = async (file: string) => {
  const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", file, "--format", "json"]);
  expect([r.code, r.stderr]).toEqual([0, ""]);
  const cycle = JSON.parse(r.stdout).accounts[0].cycles[0];
  return [cycle.total, cycle.duplicates.map((d: { quantity: string }) => d.quantity)];
};

describe("a repeated event_id at one instant: the smaller quantity is priced, in either order", () => {
  it.each([
    ["9 then 1000", "9", "1000", "0.09"],
    ["1000 then 9", "1000", "9", "0.09"],
    ["10 then 9", "10", "9", "0.09"],
    ["2.5 then 10", "2.5", "10", "0.025"],
  ])("%s", async (_, first, second, credits) => {
    // 9 reads x 0.01 = 0.09; 2.5 x 0.01 = 0.025. The other row is the repeat, counted with its own quantity.
    const repeat = Number(first) < Number(second) ? second : first;
    expect(await total(log(`2026-11-02T10:00:00Z,data_read,${first},e1,alpha`, `2026-11-02T10:00:00Z,data_read,${second},e1,alpha`))).toEqual([credits, [repeat]]);
  });
});

describe("a repeated event_id at one instant that differs in tokens alone: the smaller is priced, in either order", () => {
  // Floopy: gpt-4o on openai at 0.00025 a input token (ratecards/floopy.yaml); 1,000 cents bought.
  const dir = mkdtempSync(join(tmpdir(), "burnrate-retry-"));
  const account = join(dir, "account.yaml");
  writeFileSync(account, `card: ${join(ROOT, "ratecards/floopy.yaml")}\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
  const file = (name: string, tokens: number) => {
    const f = join(dir, name);
    writeFileSync(f, `timestamp,meter,model,provider,input_tokens,output_tokens,event_id\n2026-11-02T10:00:00Z,request,gpt-4o,openai,${tokens},0,r-1\n`);
    return f;
  };
  const [small, large] = [file("small.csv", 9), file("large.csv", 1_000_000)];

  it.each([["small first", [small, large]], ["large first", [large, small]]])("%s", async (_, files) => {
    const r = await burnrate(["statement", "--account", account, ...files.flatMap((f) => ["--usage", f]), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // 9 x 0.00025 = 0.00225 cents; the 1,000,000-token retry (250 cents) is the repeat.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.00225");
  });
});
