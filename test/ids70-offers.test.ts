import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// The event id offered beside a layout's (red70c L2, red70b #4 and #5): a name that needs quotes is written quoted, a
// rename: to event_id is the user's choice as columns: is, and a column empty on every row is no event id.
const ACCOUNT = `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`;
// Floopy's gpt-4o on openai: 0.00025 cents a token in, 0.001 out.
const LITELLM = "request_id,event_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens";

/** `statement` in `at`, as JSON, with these usage flags. */
function statement(at: string, ...usage: string[]) {
  return burnrate(["statement", "--account", "account.yaml", ...usage, "--format", "json"], { cwd: at });
}

function dir(): string {
  const at = mkdtempSync(join(tmpdir(), "ids70-"));
  writeFileSync(join(at, "account.yaml"), ACCOUNT);
  return at;
}

describe("an event id named with a space, beside OpenRouter's id (red70c L2)", () => {
  // OpenRouter's generations export with an `Event ID` column; gen-2 is gen-1 sent again.
  const header = `${readFileSync(join(ROOT, "fixtures/layouts/openrouter/generations.csv"), "utf8").split("\n", 1)[0]},Event ID`;
  const rows = [
    "gen-1,2026-11-02T10:00:00Z,openai/gpt-4o,OpenAI,1000,200,0.0045,,true,false,stop,e-1",
    "gen-2,2026-11-02T10:00:05Z,openai/gpt-4o,OpenAI,1000,200,0.0045,,true,false,stop,e-1",
    "gen-3,2026-11-02T11:00:00Z,openai/gpt-4o,OpenAI,400,100,0.002,,true,false,stop,e-2",
  ];
  const beside = readFileSync(join(ROOT, "fixtures/layouts/openrouter/generations.csv.mapping.yaml"), "utf8");
  function generations(): string {
    const at = dir();
    writeFileSync(join(at, "gen.csv"), `${header}\n${rows.join("\n")}\n`);
    writeFileSync(join(at, "gen.csv.mapping.yaml"), beside);
    return at;
  }

  it("is offered quoted, as the mapping and the shell read it, not as a placeholder; so read, the retry counts once", async () => {
    const at = generations();
    const run = await statement(at, "--usage", "gen.csv", "--layout", "openrouter");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('gen.csv:1:12: header column "Event ID" looks like the canonical column "event_id"');
    expect(run.stderr).toContain('columns: { event_id: "Event ID" } in the usage mapping (--map "event_id=Event ID")');
    expect(run.stderr).not.toContain("COLUMN");
    // Read as offered, by the flag or the mapping, the retry is counted once.
    // The flag as the shell passes `--map "event_id=Event ID"`. gen-1 once: 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents; gen-3: 0.1 + 0.1.
    const flag = await statement(at, "--usage", "gen.csv", "--layout", "openrouter", "--map", "event_id=Event ID", "--map", "ignore:id");
    expect([flag.code, flag.stderr]).toEqual([0, ""]);
    expect(JSON.parse(flag.stdout).accounts[0].cycles[0].total).toBe("0.65");
    writeFileSync(join(at, "gen.csv.mapping.yaml"), `${beside}columns: { event_id: "Event ID" }\nignore_columns: [id]\n`);
    const mapped = await statement(at, "--usage", "gen.csv", "--layout", "openrouter");
    expect([mapped.code, mapped.stderr]).toEqual([0, ""]);
    expect(JSON.parse(mapped.stdout).accounts[0].cycles[0].duplicates.length).toBe(1);
  });
});

describe("a column nothing reads, named with a space", () => {
  it("is offered to rename or to ignore quoted, and so ignored, the log is read", async () => {
    const at = dir();
    writeFileSync(join(at, "ip.csv"), "timestamp,account,meter,event_id,model,provider,input_tokens,output_tokens,Client IP\n2026-11-02T10:00:00Z,acme,request,r-1,gpt-4o,openai,1000,200,192.0.2.1\n");
    const run = await statement(at, "--usage", "ip.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ip.csv:1:9: column "Client IP" is read by no meter of floopy 2026-11');
    expect(run.stderr).toContain('rename: { "Client IP": NAME } in the usage mapping (--map "dim:NAME=Client IP"), or the column under ignore_columns: (--map "ignore:Client IP")');
    // 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents.
    const read = await statement(at, "--usage", "ip.csv", "--map", "ignore:Client IP");
    expect([read.code, read.stderr]).toEqual([0, ""]);
    expect(JSON.parse(read.stdout).accounts[0].cycles[0].total).toBe("0.45");
  });
});

describe("an id beside LiteLLM's request_id", () => {
  /** A folder with the account and this LiteLLM log. */
  function litellm(log: string): string {
    const at = dir();
    writeFileSync(join(at, "litellm.csv"), log);
    return at;
  }

  it("is not offered where the mapping names the event id by rename: (red70b #4)", async () => {
    const at = litellm(`${LITELLM}\nr-1,e-1,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\n`);
    writeFileSync(join(at, "m.yaml"), "rename: { request_id: event_id }\n");
    const layout = await statement(at, "--usage", "litellm.csv", "--mapping", "m.yaml", "--layout", "litellm");
    expect(layout.code).toBe(2);
    expect(layout.stderr).toContain('litellm.csv:1:2: column "event_id" is read by no meter of floopy 2026-11');
    expect(layout.stderr).not.toContain("--map event_id=event_id");
    expect(layout.stderr).toContain("(--map ignore:event_id)");
    const hint = await statement(at, "--usage", "litellm.csv", "--mapping", "m.yaml");
    expect(hint.code).toBe(2);
    expect(hint.stderr).toContain("--layout litellm reads it as it is");
    expect(hint.stderr).not.toContain("--map event_id=event_id");
  });

  it("is offered if a retry repeats it, not as likely (red70b #5)", async () => {
    const at = litellm(`${LITELLM},latency_ms\nr-1,e-1,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200,4\n`);
    const run = await statement(at, "--usage", "litellm.csv", "--layout", "litellm");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('(expected the event id if a request sent twice repeats it, not "request_id" (read as the event id now): columns: { event_id: event_id }');
    expect(run.stderr).not.toContain("likely the event id");
  });

  it("empty on every row read is still offered as the event id, the rows read said beside it and the fix that ignores it (red70b #5, red71b H1)", async () => {
    const at = litellm(`${LITELLM}\nr-1,,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\nr-2,,2026-11-02T11:00:00Z,gpt-4o,openai,400,100\n`);
    const layout = await statement(at, "--usage", "litellm.csv", "--layout", "litellm");
    expect(layout.code).toBe(2);
    expect(layout.stderr).toContain("(--map event_id=event_id)");
    expect(layout.stderr).toContain("(--map ignore:event_id)");
    expect(layout.stderr).toContain('"event_id" is empty on all 2 of its rows in this file; where no other file read with it fills it, no retry repeats it: ignore_columns: [event_id] (--map ignore:event_id)');
    const hint = await statement(at, "--usage", "litellm.csv");
    expect(hint.stderr).toContain("--layout litellm reads it as it is");
    expect(hint.stderr).toContain("--map event_id=event_id with it; \"event_id\" is empty on all 2 of its rows in this file");
    // One cell filled, on a later row: offered, and nothing said of empty rows.
    writeFileSync(join(at, "litellm.csv"), `${LITELLM}\nr-1,,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\nr-2,e-2,2026-11-02T11:00:00Z,gpt-4o,openai,400,100\n`);
    const filled = await statement(at, "--usage", "litellm.csv", "--layout", "litellm");
    expect(filled.stderr).toContain("(--map event_id=event_id)");
    expect(filled.stderr).not.toContain("is empty on");
  });

  it("spelled otherwise and empty on every row, is offered by the look-alike error with its empty rows said (red71b H1, L4)", async () => {
    const at = litellm(`${LITELLM.replace("event_id", "Event ID")}\nr-1,,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\n`);
    const run = await statement(at, "--usage", "litellm.csv", "--layout", "litellm");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('litellm.csv:1:2: header column "Event ID" looks like the canonical column "event_id" (expected the event id if a request sent twice repeats it');
    expect(run.stderr).toContain('columns: { event_id: "Event ID" } in the usage mapping (--map "event_id=Event ID")');
    expect(run.stderr).toContain('"Event ID" is empty on its one row in this file; where no other file read with it fills it, no retry repeats it: ignore_columns: ["Event ID"] (--map "ignore:Event ID")');
  });
});
