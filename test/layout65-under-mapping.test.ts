import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Decimal } from "../src/money.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer64b M4: a column a layout passes over (Lago's `created_at`, `lago_customer_id`) that the user's mapping on
// top reads was refused as "both the canonical timestamp and under ignore_columns:", at the user's line, for an
// `ignore_columns:` the user never wrote. A mapping goes on top of a layout key by key: its reading wins.
// Floopy's gpt-4o-mini on openai: 0.000015 an input token, 0.00006 an output token (ratecards/floopy.yaml).
const ACCOUNT = join(ROOT, "fixtures/layouts/account.yaml");

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "layout65-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A Lago event of gpt-4o-mini on openai, 1,000 input and 200 output tokens: 0.015 + 0.012 = 0.027. */
const lagoEvent = (id: string, subscription: string, customer: string, seconds: number) =>
  JSON.stringify({ lago_id: `l-${id}`, lago_customer_id: customer, transaction_id: id, external_subscription_id: subscription, code: "request", timestamp: seconds, created_at: "2026-11-30T00:00:00Z", properties: { model: "gpt-4o-mini", provider: "openai", input_tokens: 1000, output_tokens: 200 } });

// 2026-11-02T10:00:00Z and 2026-11-03T10:00:00Z.
const NOV_2 = 1793613600;
const NOV_3 = NOV_2 + 86_400;

describe("a layout's passed-over column read by a mapping on top", () => {
  it("--layout lago with --map account=lago_customer_id (the subscription passed over) bills the customer the column names: 2 x 0.027 = 0.054", async () => {
    const dir = folder({ "events.jsonl": `${lagoEvent("t-1", "sub-1", "acme", NOV_2)}\n${lagoEvent("t-2", "sub-2", "acme", NOV_3)}\n` });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--layout", "lago", "--map", "account=lago_customer_id", "--map", "ignore:external_subscription_id", "--usage", join(dir, "events.jsonl"), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const statement = JSON.parse(r.stdout);
    expect(statement.accounts.map((a: { account: string }) => a.account)).toEqual(["acme"]);
    expect(statement.accounts[0].cycles[0].total).toBe("0.054");
  });

  it("a mapping file's rename of a column the layout passes over reads it: lago_customer_id as the card's `team` is read: 0.027", async () => {
    const dir = folder({ "events.jsonl": `${lagoEvent("t-1", "acme", "cust-9", NOV_2)}\n`, "events.jsonl.mapping.yaml": "layout: lago\nrename:\n  lago_customer_id: team\n" });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--usage", join(dir, "events.jsonl"), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.027");
  });

  it("a CSV mapped in full, read with a --layout of another export, is refused at the flag: the layout read nothing of it (newcomer64b M4)", async () => {
    const dir = folder({
      "u.csv": "created_at,customer,model,provider,prompt_tokens,completion_tokens\n2026-11-02T10:00:00Z,acme,gpt-4o-mini,openai,1000,200\n",
      "u.csv.mapping.yaml": "columns:\n  timestamp: created_at\n  account: customer\nmeter: request\nrename:\n  prompt_tokens: input_tokens\n  completion_tokens: output_tokens\n",
    });
    const file = join(dir, "u.csv");
    for (const layout of ["lago", "openrouter", "litellm", "helicone", "cloudevents", "stripe-meter-events"]) {
      const r = await burnrate(["statement", "--account", ACCOUNT, "--layout", layout, "--usage", file, "--format", "json"]);
      expect([r.code, r.stdout], layout).toEqual([2, ""]);
      expect(r.stderr, layout).toContain(`burnrate: error: --layout: --layout ${layout} reads nothing of ${JSON.stringify(file)}: the mappings on top of it read each column it names, or the file has none of them`);
      expect(r.stderr).not.toMatch(/ignore_columns/);
    }
    // Read without the flag, the mapping alone: 1,000 x 0.000015 + 200 x 0.00006 = 0.027.
    const alone = await burnrate(["statement", "--account", ACCOUNT, "--usage", file, "--format", "json"]);
    expect([alone.code, alone.stderr]).toEqual([0, ""]);
    expect(JSON.parse(alone.stdout).accounts[0].cycles[0].total).toBe("0.027");
  });

  it("--layout lago with --map timestamp=created_at reads Lago's ISO created_at: its seconds are its own timestamp's (red65 M1)", async () => {
    const dir = folder({ "events.jsonl": `${lagoEvent("t-1", "acme", "c-1", NOV_2)}\n` });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--layout", "lago", "--map", "timestamp=created_at", "--map", "ignore:timestamp", "--usage", join(dir, "events.jsonl"), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // created_at is 2026-11-30T00:00:00Z: November's cycle, one call, 0.027.
    const cycle = JSON.parse(r.stdout).accounts[0].cycles[0];
    expect([cycle.start, cycle.total]).toEqual(["2026-11-01T00:00:00Z", "0.027"]);
  });

  it("a user's own ignore_columns: beside the user's own reading of the column is still refused, at the entry", async () => {
    const dir = folder({
      "u.csv": "created_at,customer,model,provider,prompt_tokens,completion_tokens\n2026-11-02T10:00:00Z,acme,gpt-4o-mini,openai,1000,200\n",
      "m.yaml": "columns:\n  timestamp: created_at\n  account: customer\nmeter: request\nrename:\n  prompt_tokens: input_tokens\n  completion_tokens: output_tokens\nignore_columns: [created_at]\n",
    });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--mapping", join(dir, "m.yaml"), "--usage", join(dir, "u.csv"), "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "m.yaml")}:8:18: column "created_at" is both the canonical timestamp (columns: timestamp: created_at) and under ignore_columns:`);
  });

  it("a skip_rows: column that is also passed over is read to skip, in JSON Lines as in CSV (red65 H1: the failed call was billed)", async () => {
    const row = (id: string, status: string) => `{"timestamp":"2026-11-0${id}T10:00:00Z","account":"acme","meter":"request","event_id":"r-${id}","model":"gpt-4o-mini","provider":"openai","input_tokens":1000,"output_tokens":200,"status":"${status}"}`;
    const dir = folder({ "u.jsonl": `${row("2", "ok")}\n${row("3", "failure")}\n`, "m.yaml": "ignore_columns: [status]\nskip_rows:\n  status: [failure]\n" });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--mapping", join(dir, "m.yaml"), "--usage", join(dir, "u.jsonl"), "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`1 row of ${join(dir, "u.jsonl")} skipped as not usage by skip_rows: (status "failure"`);
    // The ok call alone: 0.027.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.027");
    // Lago's own passed-over customer id, skipped by --map.
    const lago = folder({ "events.jsonl": `${lagoEvent("t-1", "acme", "cust-1", NOV_2)}\n${lagoEvent("t-2", "acme", "test", NOV_3)}\n` });
    const skipped = await burnrate(["statement", "--account", ACCOUNT, "--layout", "lago", "--map", "skip:lago_customer_id=test", "--usage", join(lago, "events.jsonl"), "--format", "json"]);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout).accounts[0].cycles[0].total).toBe("0.027");
  });

  it("a folder of the export beside a file mapped in full reads both, and names the file --layout read nothing of (red65b M1)", async () => {
    const dir = folder({
      "spend-logs.csv": readFileSync(join(ROOT, "fixtures/layouts/litellm/spend-logs.csv"), "utf8"),
      "other.csv": "ts,cust,mdl,prov,in_tok,out_tok\n2026-11-04T10:00:00Z,acme,gpt-4o-mini,openai,1000,200\n",
      "other.csv.mapping.yaml": "columns:\n  timestamp: ts\n  account: cust\nmeter: request\nrename:\n  mdl: model\n  prov: provider\n  in_tok: input_tokens\n  out_tok: output_tokens\n",
    });
    const withExport = await burnrate(["statement", "--account", ACCOUNT, "--layout", "litellm", "--usage", dir, "--format", "json"]);
    expect(withExport.code, withExport.stderr).toBe(0);
    expect(withExport.stderr).toContain(`burnrate: note: --layout litellm reads nothing of ${JSON.stringify(join(dir, "other.csv"))}: the mappings on top of it read each column it names, or it has none of them; it is read through its mapping alone\n`);
    // The export alone, read with the flag, and other.csv's one call of 0.027 beside it.
    const exportOnly = folder({ "spend-logs.csv": readFileSync(join(ROOT, "fixtures/layouts/litellm/spend-logs.csv"), "utf8") });
    const alone = await burnrate(["statement", "--account", ACCOUNT, "--layout", "litellm", "--usage", exportOnly, "--format", "json"]);
    const total = (out: string) => new Decimal(JSON.parse(out).accounts[0].cycles[0].total);
    expect(total(withExport.stdout).minus(total(alone.stdout)).toString()).toBe("0.027");
  });

  it("an export with some of the layout's optional columns, mapped on top, is read: the layout passes them over (red65b H1)", async () => {
    const dir = folder({
      "v.csv": "request_id,startTime,prompt_tokens,completion_tokens,model,custom_llm_provider,spend,api_key,who\nr-1,2026-11-02T10:00:00Z,1000,200,gpt-4o-mini,openai,0.1,k,acme\n",
      "v.csv.mapping.yaml": "columns:\n  account: who\n",
    });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--layout", "litellm", "--usage", join(dir, "v.csv"), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.027");
  });

  it("with no mapping on top, a wrong --layout is refused by the column its export lacks, with the fix (red65b M2)", async () => {
    const dir = folder({ "spend.csv": readFileSync(join(ROOT, "fixtures/layouts/litellm/spend-logs.csv"), "utf8") });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--layout", "cloudevents", "--usage", join(dir, "spend.csv"), "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "spend.csv")}:1:1: header missing required column "time"`);
  });

  it("JSON Lines mapped in full is judged by the fields its objects hold, and a mapping's meter column hides no idle layout (red65c H1, H2)", async () => {
    const dir = folder({
      "u.jsonl": '{"ts":"2026-11-02T10:00:00Z","cust":"acme","mdl":"gpt-4o-mini","prov":"openai","inp":1000,"outp":200,"kind":"request"}\n',
      "u.jsonl.mapping.yaml": "columns: { timestamp: ts, account: cust, meter: kind }\nrename: { inp: input_tokens, outp: output_tokens, mdl: model, prov: provider }\n",
    });
    for (const layout of ["litellm", "helicone", "openrouter", "cloudevents", "lago"]) {
      const r = await burnrate(["statement", "--account", ACCOUNT, "--layout", layout, "--usage", join(dir, "u.jsonl"), "--format", "json"]);
      expect([r.code, r.stdout], layout).toEqual([2, ""]);
      expect(r.stderr, layout).toContain(`--layout ${layout} reads nothing of ${JSON.stringify(join(dir, "u.jsonl"))}`);
    }
  });

  it("an empty day's export beside a file mapped in full is the export the flag may be for: a note, not a refusal (red65c H3)", async () => {
    const dir = folder({
      "spend-logs.csv": "",
      "other.csv": "ts,cust,mdl,prov,in_tok,out_tok\n2026-11-04T10:00:00Z,acme,gpt-4o-mini,openai,1000,200\n",
      "other.csv.mapping.yaml": "columns:\n  timestamp: ts\n  account: cust\nmeter: request\nrename:\n  mdl: model\n  prov: provider\n  in_tok: input_tokens\n  out_tok: output_tokens\n",
    });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--layout", "litellm", "--usage", dir, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`burnrate: note: --layout litellm reads nothing of ${JSON.stringify(join(dir, "other.csv"))}`);
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.027");
  });

  it("a JSON file whose later objects hold a field the layout reads, the first not, was read by it (red65d H3)", async () => {
    const row = (n: number, team: string) => JSON.stringify({ startTime: `2026-11-0${n}T10:00:00Z`, request_id: `r-${n}`, mdl: "gpt-4o-mini", prov: "openai", inp: 1000, outp: 200, ...(team === "" ? {} : { team_alias: team }) });
    const dir = folder({
      "u.jsonl": `${row(2, "")}\n${row(3, "red")}\n`,
      "u.jsonl.mapping.yaml": "meter: request\ncolumns: { timestamp: startTime, event_id: request_id }\nrename: { inp: input_tokens, outp: output_tokens, mdl: model, prov: provider }\n",
    });
    const r = await burnrate(["statement", "--account", ACCOUNT, "--layout", "litellm", "--usage", join(dir, "u.jsonl"), "--format", "json"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // Two calls of 0.027.
    expect(JSON.parse(r.stdout).accounts[0].cycles[0].total).toBe("0.054");
  });
});
