import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer69 H1: a PostgreSQL export of a gateway's request log has `id` (the table's row number, new on every row)
// beside `request_id` (what a retry repeats). Its header is OpenRouter's to the layouts, whose event id is `id`; the
// errors offered `request_id` among the columns to ignore, and a run that followed them counted no retry as a repeat.
const HEADER = "id,request_id,created_at,model,provider,prompt_tokens,completion_tokens,latency_ms";
// Floopy's gpt-4o on openai: 0.00025 cents a token in, 0.001 out. Request r-1 sent twice (a retry), r-2 once.
const ROWS = ["501,r-1,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200,812", "502,r-1,2026-11-02T10:00:05Z,gpt-4o,openai,1000,200,790", "503,r-2,2026-11-02T11:00:00Z,gpt-4o,openai,400,100,300"];

function logDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ids69-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/floopy.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n`);
  writeFileSync(join(dir, "requests.csv"), `${HEADER}\n${ROWS.join("\n")}\n`);
  return dir;
}

describe("an id column beside the one a layout reads as the event id", () => {
  it("is named where the header is told to be a layout's, with the flag that reads it instead", async () => {
    const dir = logDir();
    const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "requests.csv", "--format", "json"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--layout openrouter reads it as it is (it reads "id" as each row\'s event id; where a request sent twice repeats "request_id" instead, --map event_id=request_id with it)');
  });

  it("is offered as the event id under the layout, never among the columns to ignore", async () => {
    const dir = logDir();
    const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "requests.csv", "--layout", "openrouter", "--format", "json"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('requests.csv:1:2: column "request_id" is read by no meter of floopy');
    expect(run.stderr).toContain('the event id if a request sent twice repeats it, not "id" (read as the event id now): columns: { event_id: request_id } in the usage mapping (--map event_id=request_id)');
    expect(run.stderr).not.toMatch(/ignore_columns: \[[^\]]*request_id/);
  });

  it("is not offered where the user named the event id, where the layout's id names what it identifies, nor a trace's (red69c)", async () => {
    const dir = logDir();
    // F2: the user's own choice of the id stands; the other is one to ignore, as any column.
    const named = await burnrate(["statement", "--account", "account.yaml", "--usage", "requests.csv", "--layout", "openrouter", "--map", "event_id=request_id", "--format", "json"], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).not.toContain("the event id if a request sent twice repeats it");
    expect(named.stderr).toContain("(--map ignore:id)");
    // F4: LiteLLM's layout reads request_id, which names what it identifies: a row number `id` beside it is not offered.
    writeFileSync(join(dir, "litellm.csv"), "id,request_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens\n1,r-1,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\n");
    const litellm = await burnrate(["statement", "--account", "account.yaml", "--usage", "litellm.csv", "--format", "json"], { cwd: dir });
    expect(litellm.code).toBe(2);
    expect(litellm.stderr).toContain("--layout litellm reads it as it is (expected");
    expect(litellm.stderr).not.toContain("event_id=id");
    // F3: a trace's id, first in the header, is no request's: the request's is named.
    writeFileSync(join(dir, "traced.csv"), `created_at,id,trace_id,request_id,model,provider,prompt_tokens,completion_tokens\n2026-11-02T10:00:00Z,501,t-1,r-1,gpt-4o,openai,1000,200\n`);
    const traced = await burnrate(["statement", "--account", "account.yaml", "--usage", "traced.csv", "--format", "json"], { cwd: dir });
    expect(traced.stderr).toContain('where a request sent twice repeats "request_id" instead, --map event_id=request_id with it');
  });

  it("read as the event id as offered, counts the retry once", async () => {
    const dir = logDir();
    const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "requests.csv", "--layout", "openrouter", "--map", "event_id=request_id", "--map", "ignore:id", "--map", "ignore:latency_ms", "--format", "json"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const statement = JSON.parse(run.stdout);
    const cycle = statement.accounts[0].cycles[0];
    // r-1 once: 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents; r-2: 400 x 0.00025 + 100 x 0.001 = 0.2 cents.
    expect(cycle.total).toBe("0.65");
    expect(cycle.duplicates.length).toBe(1);
  });

  it("offers a column named event_id as the event id before any other id, beside any id a layout reads (stop 70)", async () => {
    const dir = logDir();
    // red69c's or4.csv: a generic `id` read, with a trace's id, a request's and one named event_id beside it.
    writeFileSync(join(dir, "ids.csv"), "created_at,id,latency_ms,trace_id,request_id,event_id,model,provider,prompt_tokens,completion_tokens\n2026-11-02T10:00:00Z,501,4,t-1,r-1,e-1,gpt-4o,openai,1000,200\n");
    const hint = await burnrate(["statement", "--account", "account.yaml", "--usage", "ids.csv", "--format", "json"], { cwd: dir });
    expect(hint.code).toBe(2);
    expect(hint.stderr).toContain('(it reads "id" as each row\'s event id; where a request sent twice repeats "event_id" instead, --map event_id=event_id with it)');
    const layout = await burnrate(["statement", "--account", "account.yaml", "--usage", "ids.csv", "--layout", "openrouter", "--format", "json"], { cwd: dir });
    expect(layout.code).toBe(2);
    expect(layout.stderr).toContain("all 3 at once: ignore_columns: [latency_ms, trace_id, request_id];");
    expect(layout.stderr).toContain('"event_id" is the event id if a request sent twice repeats it, not "id" (read as the event id now): columns: { event_id: event_id } in the usage mapping (--map event_id=event_id)');
    // LiteLLM's layout reads request_id, which names what it identifies; a column named event_id beside it is still offered.
    writeFileSync(join(dir, "litellm.csv"), "request_id,event_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens\nr-1,e-1,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\n");
    const litellm = await burnrate(["statement", "--account", "account.yaml", "--usage", "litellm.csv", "--layout", "litellm", "--format", "json"], { cwd: dir });
    expect(litellm.code).toBe(2);
    expect(litellm.stderr).toContain('litellm.csv:1:2: column "event_id" is read by no meter of floopy 2026-11 (expected the event id if a request sent twice repeats it, not "request_id" (read as the event id now)');
    expect(litellm.stderr).not.toContain("ignore_columns: [event_id");
    // Named by the user, the id read stands, and event_id is a column to ignore as any other (red69c F2).
    const named = await burnrate(["statement", "--account", "account.yaml", "--usage", "litellm.csv", "--layout", "litellm", "--map", "event_id=request_id", "--format", "json"], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).not.toContain("the event id if a request sent twice repeats it");
    expect(named.stderr).toContain("(--map ignore:event_id)");
  });

  it("offers an event id spelled otherwise (Event_ID, event-id, EVENTID) as the event id, not to ignore (red70b #2)", async () => {
    const dir = logDir();
    for (const name of ["Event_ID", "event-id", "EVENTID"]) {
      writeFileSync(join(dir, "spelled.csv"), `created_at,id,${name},model,provider,prompt_tokens,completion_tokens\n2026-11-02T10:00:00Z,501,e-1,gpt-4o,openai,1000,200\n2026-11-02T10:00:05Z,502,e-1,gpt-4o,openai,1000,200\n`);
      const run = await burnrate(["statement", "--account", "account.yaml", "--usage", "spelled.csv", "--layout", "openrouter", "--format", "json"], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`spelled.csv:1:3: header column "${name}" looks like the canonical column "event_id" (expected the event id if a request sent twice repeats it, not "id" (read as the event id now): columns: { event_id: ${name} } in the usage mapping (--map event_id=${name}), so that a retry is counted once; or one "event_id" column`);
      // As offered: the retry once, 1,000 x 0.00025 + 200 x 0.001 = 0.45 cents.
      const read = await burnrate(["statement", "--account", "account.yaml", "--usage", "spelled.csv", "--layout", "openrouter", "--map", `event_id=${name}`, "--map", "ignore:id", "--format", "json"], { cwd: dir });
      expect([read.code, read.stderr]).toEqual([0, ""]);
      expect(JSON.parse(read.stdout).accounts[0].cycles[0].total).toBe("0.45");
    }
  });

  it("offers no other id in the layout's hint where the mapping names the event id (red70b #3)", async () => {
    const dir = logDir();
    writeFileSync(join(dir, "litellm.csv"), "request_id,event_id,startTime,model,custom_llm_provider,prompt_tokens,completion_tokens\nr-1,e-1,2026-11-02T10:00:00Z,gpt-4o,openai,1000,200\n");
    writeFileSync(join(dir, "m.yaml"), "columns:\n  event_id: request_id\n  timestamp: startTime\n");
    const named = await burnrate(["statement", "--account", "account.yaml", "--usage", "litellm.csv", "--mapping", "m.yaml", "--format", "json"], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain("--layout litellm reads it as it is");
    expect(named.stderr).not.toContain("--map event_id=event_id");
    // Without the mapping, the hint names it.
    const bare = await burnrate(["statement", "--account", "account.yaml", "--usage", "litellm.csv", "--format", "json"], { cwd: dir });
    expect(bare.stderr).toContain('where a request sent twice repeats "event_id" instead, --map event_id=event_id with it');
  });
});
