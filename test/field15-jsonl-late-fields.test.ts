import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Finding 10 of the fifteenth field report: a JSON Lines field that first appears on a later
// line is read when the mapping, the layout or the canonical columns name it (a line without it
// has an empty cell, as a short CSV row has); one nobody names is still refused at its line.
// Fliplet's card (ratecards/fliplet.yaml), Pro: data_read 0.01, data_write 0.05, sms 0.5 a unit.

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-field15-"));
  writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const lines = (...objects: object[]) => objects.map((o) => JSON.stringify(o)).join("\n") + "\n";

async function lineAmounts(dir: string, args: string[]): Promise<Record<string, string>> {
  const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--format", "csv", ...args]);
  expect(run.code, run.stderr).toBe(0);
  const [head, ...rows] = run.stdout.trim().split("\n");
  const cols = head!.split(",");
  // The charge lines: the cycle's money rows (kind money, stop 38) are not lines.
  const charges = rows.map((r) => r.split(",")).filter((r) => r[cols.indexOf("kind")] !== "money");
  return Object.fromEntries(charges.map((r) => [`${r[cols.indexOf("meter")]} ${r[cols.indexOf("source")] ?? ""}`.trim(), r[cols.indexOf("amount")]!]));
}

describe("JSON Lines: a named field that first appears on a later line", () => {
  it("CloudEvents whose SMS event alone has data.source, renamed by the mapping on top of the layout", async () => {
    const event = (id: string, type: string, data: object) => ({ specversion: "1.0", id, source: "app", type, subject: "acme", time: "2026-11-02T10:00:00Z", data });
    const dir = folder({
      "usage.jsonl": lines(event("a1", "data_read", { project: "alpha", count: 250 }), event("a2", "data_write", { project: "alpha", count: 40 }), event("a3", "sms", { project: "alpha", count: 3, source: "project" })),
      "usage.jsonl.mapping.yaml": "columns:\n  quantity: data.count\nrename:\n  data.project: project\n  data.source: source\n",
    });
    // 250 x 0.01 = 2.5; 40 x 0.05 = 2; 3 x 0.5 = 1.5 (the SMS line's source read: the sms meter needs it).
    const amounts = await lineAmounts(dir, ["--layout", "cloudevents"]);
    expect(amounts).toEqual({ data_read: "2.5", data_write: "2", "sms project": "1.5" });
  });

  it("a canonical event_id absent from the first line is read where it appears: the repeat is dropped", async () => {
    const dir = folder({
      "usage.jsonl": lines(
        { timestamp: "2026-11-02T10:00:00Z", meter: "data_read", project: "alpha", quantity: 100 },
        { timestamp: "2026-11-02T11:00:00Z", meter: "data_read", project: "alpha", quantity: 10, event_id: "e1" },
        { timestamp: "2026-11-02T11:00:00Z", meter: "data_read", project: "alpha", quantity: 10, event_id: "e1" },
      ),
    });
    // 100 + 10 reads (the second e1 a repeat) x 0.01 = 1.1.
    expect(await lineAmounts(dir, [])).toEqual({ data_read: "1.1" });
  });

  it("a field under ignore_columns: that first appears later is passed over", async () => {
    const dir = folder({
      "usage.jsonl": lines({ timestamp: "2026-11-02T10:00:00Z", meter: "data_read", project: "alpha", quantity: 100 }, { timestamp: "2026-11-02T11:00:00Z", meter: "data_read", project: "alpha", quantity: 20, latency_ms: 40 }),
    });
    // 120 x 0.01 = 1.2.
    expect(await lineAmounts(dir, ["--map", "ignore:latency_ms"])).toEqual({ data_read: "1.2" });
  });

  it("a later field nobody names is still refused at its line, saying how to name it", async () => {
    const dir = folder({
      "usage.jsonl": lines({ timestamp: "2026-11-02T10:00:00Z", meter: "data_read", project: "alpha" }, { timestamp: "2026-11-02T11:00:00Z", meter: "data_read", project: "alpha", data: { team: "x" } }),
    });
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage.jsonl:2:1: field "data.team" is not in the first line (expected the fields of the first line, or a field the usage mapping names');
  });

  it("a mapping's quantity field on no line is refused at the mapping's key, as a header without it is", async () => {
    const dir = folder({
      "usage.jsonl": lines({ timestamp: "2026-11-02T10:00:00Z", meter: "data_read", project: "alpha" }),
    });
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--map", "quantity=count"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--map: the mapping's column for quantity, "count", is on no line of ${join(dir, "usage.jsonl")}`);
  });

  it("a near miss of the mapping's field in the first line is still named by the header check", async () => {
    const dir = folder({
      "usage.jsonl": lines({ timestamp: "2026-11-02T10:00:00Z", meter: "data_read", project: "alpha", cnt: 5 }),
    });
    const run = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.jsonl"), "--map", "quantity=cont"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the mapping's column for quantity, "cont", is not in the header of ${join(dir, "usage.jsonl")}; did you mean "cnt"?`);
  });

  it("CloudEvents that name the tokens two ways (input_tokens, prompt_tokens) are read as one component; both on a line are refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-field15-"));
    const event = (id: string, data: object) => JSON.stringify({ time: "2026-11-02T10:00:00Z", id, subject: "acme", type: "request", data: { model: "gpt-4o", provider: "openai", ...data } });
    writeFileSync(join(dir, "usage.jsonl"), `${event("a", { input_tokens: 1000, output_tokens: 200 })}\n${event("b", { prompt_tokens: 1000, completion_tokens: 200 })}\n`);
    const args = ["statement", "--account", join(ROOT, "fixtures/layouts/account.yaml"), "--layout", "cloudevents", "--usage", join(dir, "usage.jsonl"), "--format", "json"];
    const run = await burnrate(args);
    expect(run.code, run.stderr).toBe(0);
    // Floopy's gpt-4o on openai: 2 x (1000 x 0.00025 + 200 x 0.001) = 2 x 0.45 = 0.9.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.9");
    writeFileSync(join(dir, "usage.jsonl"), `${event("a", { input_tokens: 1000, output_tokens: 200 })}\n${event("b", { prompt_tokens: 1000, input_tokens: 5, completion_tokens: 200 })}\n`);
    const both = await burnrate(args);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('usage.jsonl:2:1: fields "data.input_tokens" and "data.prompt_tokens" are both read as "input_tokens" (expected one field for "input_tokens" in a line, found both, "5" and "1000")');
  });
});
