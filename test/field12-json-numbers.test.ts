import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A gateway's JSON Lines export with 64-bit integer request ids, as Snowflake-style id
// generators write them: the three ids below are distinct, but all three are the same double
// (1795132800000000000), so read as numbers they were one id and two requests were dropped
// as its repeats. Floopy prices gpt-4o on OpenAI at 0.00025 cents an input token and 0.001
// an output token: 1,000 in and 200 out are 0.25 + 0.2 = 0.45 cents.
describe("JSON Lines numbers a double cannot hold (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-json-"));
  const usage = join(dir, "usage.jsonl");
  const row = (id: string, second: number, input: string) =>
    `{"id":${id},"ts":"2026-11-02T10:00:0${second}Z","model":"gpt-4o","provider":"openai","input_tokens":${input},"output_tokens":200}`;
  writeFileSync(
    usage,
    [
      row("1795132800000000001", 0, "1000"),
      // 1000.0000000000000001 is 1000 as a double; as written it costs 0.0000000000000000001 x 0.00025 more.
      row("1795132800000000002", 1, "1000.0000000000000001"),
      row("1795132800000000001", 2, "1000"),
      "",
    ].join("\n"),
  );
  const args = ["statement", "--account", join(ROOT, "fixtures/layouts/account.yaml"), "--usage", usage, "--map", "timestamp=ts", "--map", "event_id=id", "--map", "meter:request", "--format", "json"];

  it("reads each number as written: distinct ids stay distinct, a real repeat is one, quantities are exact", async () => {
    const out = await burnrate(args);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const statement = JSON.parse(out.stdout) as {
      events: { read: number; priced: number; duplicates: number };
      duplicate_events: { listed: { event_id: string; first: string; repeat: string }[] };
      accounts: { cycles: { total: string }[] }[];
    };
    expect(statement.events).toMatchObject({ read: 3, priced: 2, duplicates: 1 });
    expect(statement.duplicate_events.listed).toEqual([{ event_id: "1795132800000000001", meter: "request", first: `${usage}:1`, repeat: `${usage}:3` }]);
    // 0.45 + (0.250000000000000000025 + 0.2)
    expect(statement.accounts[0]!.cycles[0]!.total).toBe("0.900000000000000000025");
  });

  it("reads a number written with an exponent and more digits than a double keeps as its plain decimal (red team 12)", async () => {
    // 10000000000000000001e-16 is 1000.0000000000000001 (the second row above); 1234567890123456789e-15 output tokens is 1234.567890123456789.
    const exponents = join(dir, "exponents.jsonl");
    writeFileSync(exponents, `${row("1795132800000000002", 1, "10000000000000000001e-16").replace('"output_tokens":200', '"output_tokens":1234567890123456789e-15')}\n`);
    const out = await burnrate(["statement", "--account", join(ROOT, "fixtures/layouts/account.yaml"), "--usage", exponents, "--map", "timestamp=ts", "--map", "event_id=id", "--map", "meter:request", "--format", "json"]);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    // 1000.0000000000000001 x 0.00025 + 1234.567890123456789 x 0.001 = 0.250000000000000000025 + 1.234567890123456789
    expect((JSON.parse(out.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("1.484567890123456789025");
  });
});
