import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A bill that counts the calls a gateway's export marks failed, which the usage mapping's skip_rows: leaves out
// (newcomer, stop 38: 14,516 tokens of 6 failed calls read as a bare quantity_mismatch). Floopy prices gpt-4o on
// openai at 0.00025 cents an input token and 0.001 an output token, gpt-4o-mini on openai 0.000015 and 0.00006.

const GRANT = 'grants:\n  - { kind: purchase, amount: 100000, at: "2026-11-01T00:00:00Z" }\n';

function dir(): string {
  return mkdtempSync(join(tmpdir(), "fix20b-"));
}

/** LiteLLM spend-log rows: request id, prompt and completion tokens, start time, model, provider, status. */
function litellm(d: string, rows: readonly string[]): string[] {
  writeFileSync(join(d, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n${GRANT}`);
  writeFileSync(join(d, "usage.csv"), `request_id,prompt_tokens,completion_tokens,startTime,model,custom_llm_provider,status\n${rows.join("\n")}\n`);
  return ["reconcile", "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv")];
}

/** A bill by token component in the card's unit (cents): input tokens and output tokens of gpt-4o on openai. */
function bill(d: string, input: [number, string], output: [number, string]): string {
  const file = join(d, "bill.csv");
  writeFileSync(file, `period_start,activity,model,provider,quantity,amount\n2026-11-01,input,gpt-4o,openai,${input[0]},${input[1]}\n2026-11-01,output,gpt-4o,openai,${output[0]},${output[1]}\n`);
  writeFileSync(`${file}.mapping.yaml`, "activities:\n  input: request:input_tokens\n  output: request:output_tokens\n");
  return file;
}

// r1: 1000 in, 200 out (0.25 + 0.2 cents); r2 failed: 2000 in, 0 out (it would add 2000 x 0.00025 = 0.5 cents of
// input); r3: 3000 in, 400 out (0.75 + 0.4). The usage: input 4000 tokens, 1.0 cents; output 600 tokens, 0.6 cents.
const ROWS = [
  "r1,1000,200,2026-11-02 10:00:00.000,gpt-4o,openai,success",
  "r2,2000,0,2026-11-03 10:00:00.000,gpt-4o,openai,failure",
  "r3,3000,400,2026-11-04 10:00:00.000,gpt-4o,openai,success",
];

interface Line { meter: string; class: string | null; delta: string; explanation: string | null }

async function lines(args: string[]): Promise<{ code: number; lines: Line[] }> {
  const run = await burnrate([...args, "--layout", "litellm", "--format", "json", "--all-lines"]);
  return { code: run.code, lines: JSON.parse(run.stdout).lines as Line[] };
}

describe("reconcile: a bill that counts the rows skip_rows: left out", () => {
  it("says the input line's gap is the failed call's tokens, and how to count them where the contract bills them", async () => {
    const d = dir();
    // Billed: input 6000 tokens for 1.5 cents (4000 + 2000 tokens; 1.0 + 0.5 cents), output 600 for 0.6, as used.
    const { code, lines: all } = await lines([...litellm(d, ROWS), "--bill", bill(d, [6000, "1.5"], [600, "0.6"])]);
    expect(code).toBe(1);
    const input = all.find((l) => l.meter === "request:input_tokens")!;
    expect([input.class, input.delta]).toEqual(["quantity_mismatch", "0.5"]);
    expect(input.explanation).toBe(`the bill counts the 1 usage row(s) that skip_rows: leaves out as not usage (status "failure"; the first at ${join(d, "usage.csv")}:3:7): priced as the events they would have been, they add quantity 2000 and 0.5 cents, and the usage with them comes to 1.5, exactly the bill's; if the contract bills them, skip_rows: without those values of status counts them (in the usage mapping, and the --map skip: flags, which add to it), else the bill charges what was not used`);
    // The output line: the failed call had no output tokens, and the bill none of them.
    expect(all.find((l) => l.meter === "request:output_tokens")!.class).toBeNull();
  });

  it("the key it names counts them: the same bill then agrees", async () => {
    const d = dir();
    const args = litellm(d, ROWS);
    writeFileSync(join(d, "mapping.yaml"), "layout: litellm\nskip_rows: { status: [] }\n");
    const run = await burnrate([...args, "--mapping", join(d, "mapping.yaml"), "--bill", bill(d, [6000, "1.5"], [600, "0.6"]), "--format", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).differences).toEqual([]);
  });

  it("only the skipped rows of the line: a failed gpt-4o-mini call does not explain a gpt-4o gap", async () => {
    const d = dir();
    // r2 on gpt-4o-mini: 2000 input tokens, 0.03 cents there; gpt-4o's input is 4000 tokens, 1.0 cents, billed 6000 for 1.5.
    const rows = [ROWS[0]!, "r2,2000,0,2026-11-03 10:00:00.000,gpt-4o-mini,openai,failure", ROWS[2]!];
    const { lines: all } = await lines([...litellm(d, rows), "--bill", bill(d, [6000, "1.5"], [600, "0.6"])]);
    const input = all.find((l) => l.meter === "request:input_tokens")!;
    expect([input.class, input.explanation]).toEqual(["quantity_mismatch", "the bill counts 6000, usage has 4000 from 2 event(s); both priced at the card's 0.00025"]);
  });

  it("only rows that add the bill's quantity: a bill over by other tokens is not put down to them", async () => {
    const d = dir();
    // 5000 billed: 1000 over the usage's 4000, where the failed call has 2000.
    const { lines: all } = await lines([...litellm(d, ROWS), "--bill", bill(d, [5000, "1.25"], [600, "0.6"])]);
    const input = all.find((l) => l.meter === "request:input_tokens")!;
    expect(input.explanation).toBe("the bill counts 5000, usage has 4000 from 2 event(s); both priced at the card's 0.00025");
  });

  it("what is left once they are counted is held to the tolerance", async () => {
    const d = dir();
    // 6000 tokens billed 1.6 cents: with the failed call's 0.5 the usage is 1.5, 0.1 off; --tolerance 0.1 passes that rest.
    const args = [...litellm(d, ROWS), "--bill", bill(d, [6000, "1.6"], [600, "0.6"])];
    const loose = (await lines([...args, "--tolerance", "0.1"])).lines.find((l) => l.meter === "request:input_tokens")!;
    expect(loose.class).toBe("quantity_mismatch");
    expect(loose.explanation).toContain("the usage with them comes to 1.5, 0.1 off the bill's 1.6, within the tolerance");
    const exact = (await lines(args)).lines.find((l) => l.meter === "request:input_tokens")!;
    expect(exact.explanation).not.toContain("skip_rows");
  });

  it("a line the usage has only as skipped rows: missing_in_usage, said to be them", async () => {
    const d = dir();
    // r2 failed on gpt-4o-mini, the only gpt-4o-mini call: 2000 input tokens x 0.000015 = 0.03 cents, billed so.
    const rows = [ROWS[0]!, "r2,2000,0,2026-11-03 10:00:00.000,gpt-4o-mini,openai,failure", ROWS[2]!];
    const file = bill(d, [4000, "1"], [600, "0.6"]);
    appendFileSync(file, "2026-11-01,input,gpt-4o-mini,openai,2000,0.03\n");
    const { lines: all } = await lines([...litellm(d, rows), "--bill", file]);
    const mini = all.find((l) => l.meter === "request:input_tokens" && l.explanation?.includes("skip_rows"))!;
    expect([mini.class, mini.delta]).toEqual(["missing_in_usage", "0.03"]);
    expect(mini.explanation).toContain("they add quantity 2000 and 0.03 cents, and the usage with them comes to 0.03, exactly the bill's");
  });

  it("any skip rule and meter: a mapping's own skip_rows: on a bill of whole requests", async () => {
    const d = dir();
    writeFileSync(join(d, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n${GRANT}`);
    // Two requests answered and one timed out, each 1000 in and 1000 out on gpt-4o: 1.25 cents each. The bill's one
    // line of requests, unitemised: 3 requests for 3.75 cents; the usage 2 for 2.5, and the timed-out one would add 1.25.
    writeFileSync(join(d, "usage.csv"), "timestamp,meter,event_id,model,provider,input_tokens,output_tokens,outcome\n"
      + "2026-11-02T10:00:00Z,request,a,gpt-4o,openai,1000,1000,ok\n2026-11-03T10:00:00Z,request,b,gpt-4o,openai,1000,1000,timeout\n2026-11-04T10:00:00Z,request,c,gpt-4o,openai,1000,1000,ok\n");
    writeFileSync(join(d, "burnrate.mapping.yaml"), "skip_rows: { outcome: [timeout] }\n");
    const file = join(d, "bills", "bill.csv");
    mkdirSync(join(d, "bills"));
    writeFileSync(file, "period_start,activity,model,provider,quantity,amount\n2026-11-01,request,gpt-4o,openai,3,3.75\n");
    const run = await burnrate(["reconcile", "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv"), "--bill", file, "--format", "json"]);
    const [diff] = JSON.parse(run.stdout).differences;
    expect([diff.class, diff.delta]).toEqual(["quantity_mismatch", "1.25"]);
    expect(diff.explanation).toContain('(outcome "timeout"; the first at');
    expect(diff.explanation).toContain("they add quantity 1 and 1.25 cents, and the usage with them comes to 3.75, exactly the bill's; if the contract bills them, skip_rows: without those values of outcome counts them");
  });
});
