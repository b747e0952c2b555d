import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// An LLM invoice itemises tokens: "Input tokens" and "Output tokens" lines per model. Such a bill could not be
// reconciled: `request:input_tokens` was an unknown meter, and billing both under `request` compared tokens with
// requests (newcomer, stop 35). Floopy: gpt-4o on openai, 0.00025 a prompt token and 0.001 a completion token, the
// request itself free. Two requests of 1,000 + 200 tokens: 2,000 prompt tokens (0.5 cents), 400 completion (0.4).
const USAGE = [1, 2].map((n) => JSON.stringify({ timestamp: `2026-11-02T10:00:0${n}Z`, meter: "request", model: "gpt-4o", provider: "openai", input_tokens: 1000, output_tokens: 200 })).join("\n");

function reconcile(bill: string, mapping?: string, usage = USAGE) {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
  writeFileSync(join(dir, "usage.jsonl"), `${usage}\n`);
  writeFileSync(join(dir, "bill.csv"), bill);
  if (mapping !== undefined) writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
  return burnrate(["reconcile", "--card", join(ROOT, "ratecards/floopy.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
}

describe("reconcile: a bill itemised by token component", () => {
  it("compares each component's tokens and cost with its own lines: input agrees, output is 0.1 over at the same quantity", async () => {
    const run = await reconcile(
      "period_start,Service,model,provider,quantity,amount\n2026-11-01,Input tokens,gpt-4o,openai,2000,0.5\n2026-11-01,Output tokens,gpt-4o,openai,400,0.5\n",
      "columns: { activity: Service }\nactivities:\n  Input tokens: request:input_tokens\n  Output tokens: request:output_tokens\n",
    );
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.differences.map((d: { meter: string; class: string; delta: string; bill_quantity: string; computed_quantity: string }) => [d.meter, d.class, d.delta, d.bill_quantity, d.computed_quantity])).toEqual([
      ["request:output_tokens", "rate_drift", "0.1", "400", "400"],
    ]);
    expect(out.differences[0].explanation).toContain("the bill charges 0.00125 per unit and the card 0.001");
    expect([out.bill_total, out.computed_total]).toEqual(["1", "0.9"]);
  });

  it("reads METER:COMPONENT as the activity itself, without a mapping", async () => {
    const run = await reconcile("period_start,activity,model,provider,quantity,amount\n2026-11-01,request:input_tokens,gpt-4o,openai,2000,0.5\n2026-11-01,request:output_tokens,gpt-4o,openai,400,0.4\n");
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout).status).toBe("agrees");
  });

  it("refuses a component the meter does not price, saying the form", async () => {
    const run = await reconcile("period_start,Service,model,provider,quantity,amount\n2026-11-01,Input tokens,gpt-4o,openai,2000,0.5\n", "columns: { activity: Service }\nactivities:\n  Input tokens: request:input_tokenz\n");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bill\.csv\.mapping\.yaml:3:17: unknown meter "request:input_tokenz" \(expected a meter of floopy 2026-11 \(or METER:COMPONENT, a component billed on a line of its own, such as request:input_tokens\), payments, overage, plan, credits_bought or ignore/);
  });

  it("billed as the meter alone, a gap at the same request count names the card's figure an average over the components", async () => {
    // 2 requests for 1 cent where the tokens come to 0.5 + 0.4 = 0.9: 0.45 a request on average.
    const run = await reconcile("period_start,activity,model,provider,quantity,amount\n2026-11-01,request,gpt-4o,openai,2,1\n");
    expect(run.code).toBe(1);
    const [d] = JSON.parse(run.stdout).differences;
    expect([d.class, d.delta]).toEqual(["rate_drift", "0.1"]);
    expect(d.explanation).toBe(
      "same quantity (2), but the bill comes to 0.5 per unit and the card's prices to 0.45 on average over the line's components (11.11% over the usage's amount): a component's price or count differs (a bill by component, METER:COMPONENT, says which)",
    );
  });

  it("a component the itemised bill lacks is its own missing line, with its tokens: output tokens 400, 0.4", async () => {
    const run = await reconcile("period_start,activity,model,provider,quantity,amount\n2026-11-01,request:input_tokens,gpt-4o,openai,2000,0.5\n");
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.differences.map((d: { meter: string; class: string; computed_quantity: string; computed_amount: string }) => [d.meter, d.class, d.computed_quantity, d.computed_amount])).toEqual([
      ["request:output_tokens", "missing_on_bill", "400", "0.4"],
    ]);
  });

  it("an activity a slip from METER:COMPONENT is refused with the one it misses, and the form", async () => {
    const run = await reconcile("period_start,activity,model,provider,quantity,amount\n2026-11-01,request:input_token,gpt-4o,openai,2000,0.5\n");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bill\.csv:2:2: unknown activity "request:input_token"; did you mean "request:input_tokens"\? \(expected a meter key or label of floopy 2026-11 \(or METER:COMPONENT for a component billed on a line of its own, such as request:input_tokens\)/);
  });

  it("a request the log repeats, billed twice on each component's line, is duplicate_events on both", async () => {
    // The same event_id twice: counted once, 1,000 + 200 tokens; the bill counts it twice.
    const repeated = ["e1", "e1"].map((id, n) => JSON.stringify({ timestamp: `2026-11-02T10:00:0${n}Z`, meter: "request", event_id: id, model: "gpt-4o", provider: "openai", input_tokens: 1000, output_tokens: 200 })).join("\n");
    const run = await reconcile("period_start,activity,model,provider,quantity,amount\n2026-11-01,request:input_tokens,gpt-4o,openai,2000,0.5\n2026-11-01,request:output_tokens,gpt-4o,openai,400,0.4\n", undefined, repeated);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.differences.map((d: { meter: string; class: string; delta: string }) => [d.meter, d.class, d.delta])).toEqual([
      ["request:input_tokens", "duplicate_events", "0.25"],
      ["request:output_tokens", "duplicate_events", "0.2"],
    ]);
  });

  it("a retry of an event_id routed to another model, billed on that model's line, is that repeat, not a charge of no events", async () => {
    // e1 on gpt-4o, then again on gpt-4o-mini: counted once, on gpt-4o. gpt-4o-mini: 1,000 x 0.000015 + 200 x 0.00006 = 0.027.
    const retried = [["gpt-4o", 1], ["gpt-4o-mini", 2]].map(([model, n]) => JSON.stringify({ timestamp: `2026-11-02T10:00:0${n}Z`, meter: "request", event_id: "e1", model, provider: "openai", input_tokens: 1000, output_tokens: 200 })).join("\n");
    const run = await reconcile("period_start,activity,model,provider,quantity,amount\n2026-11-01,request,gpt-4o,openai,1,0.45\n2026-11-01,request,gpt-4o-mini,openai,1,0.027\n", undefined, retried);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.differences.map((d: { meter: string; class: string; delta: string }) => [d.meter, d.class, d.delta])).toEqual([["request", "duplicate_events", "0.027"]]);
    expect(out.differences[0].explanation).toContain("only as repeats of an earlier event_id");
  });

  it("an invoice that itemises one model's tokens and bills another's requests whole compares each as billed: it agrees", async () => {
    // gpt-4o: 1,000 x 0.00025 = 0.25 and 200 x 0.001 = 0.2, itemised; gpt-4o-mini: 1,000 x 0.000015 + 200 x 0.00006 = 0.027, whole.
    const usage = [["gpt-4o", 1], ["gpt-4o-mini", 2]].map(([model, n]) => JSON.stringify({ timestamp: `2026-11-02T10:00:0${n}Z`, meter: "request", model, provider: "openai", input_tokens: 1000, output_tokens: 200 })).join("\n");
    const run = await reconcile("period_start,activity,model,provider,quantity,amount\n2026-11-01,request:input_tokens,gpt-4o,openai,1000,0.25\n2026-11-01,request:output_tokens,gpt-4o,openai,200,0.2\n2026-11-01,request,gpt-4o-mini,openai,1,0.027\n", undefined, usage);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout).status).toBe("agrees");
  });
});

