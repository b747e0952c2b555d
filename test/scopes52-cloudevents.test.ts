import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteFile } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// CloudEvents' id is unique within its source (`--layout cloudevents` reads `SOURCE ID`). Stop 52:
// a flat Parquet export read the id alone, so two gateways' event "1" were one event and the second
// was dropped as its repeat; and a source with a space read `a b` + `c` as `a` + `b c`.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const STATEMENT = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--layout", "cloudevents", "--format", "json"];

interface Event {
  id: string;
  source: string;
  second: number;
}

/** Four events of 3 data reads each (0.03 credits): gateway a's "1", gateway b's "1", gateway a's "1" again (a true repeat), gateway b's "2". */
const EVENTS: Event[] = [
  { id: "1", source: "gw-a", second: 0 },
  { id: "1", source: "gw-b", second: 1 },
  { id: "1", source: "gw-a", second: 2 },
  { id: "2", source: "gw-b", second: 3 },
];
const time = (second: number) => `2026-11-02T10:00:0${second}Z`;

function figures(stdout: string): { events: unknown; repeats: string[]; total: string } {
  const s = JSON.parse(stdout);
  return { events: s.events, repeats: s.duplicate_events.listed.map((d: { event_id: string }) => d.event_id), total: s.accounts[0].cycles[0].total };
}

// Three events priced at 0.03: 0.09; gateway a's "1" the one repeat.
const WANT = { events: { read: 4, priced: 3, duplicates: 1, rejected: 0 }, repeats: ["gw-a 1"], total: "0.09" };

describe("an event id within its source (CloudEvents)", () => {
  it("is read within its source from a flat Parquet export, as from JSON Lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scopes52-"));
    const column = (name: string, data: string[]) => ({ name, data, type: "STRING" as const });
    parquetWriteFile({
      filename: join(dir, "events.parquet"),
      columnData: [
        column("specversion", EVENTS.map(() => "1.0")),
        column("type", EVENTS.map(() => "data_read")),
        column("id", EVENTS.map((e) => e.id)),
        column("source", EVENTS.map((e) => e.source)),
        column("time", EVENTS.map((e) => time(e.second))),
        column("subject", EVENTS.map(() => "acme")),
        column("quantity", EVENTS.map(() => "3")),
        column("project", EVENTS.map(() => "alpha")),
      ],
    });
    const lines = EVENTS.map((e) => JSON.stringify({ specversion: "1.0", type: "data_read", id: e.id, source: e.source, time: time(e.second), subject: "acme", quantity: "3", project: "alpha" }));
    writeFileSync(join(dir, "events.jsonl"), `${lines.join("\n")}\n`);
    for (const file of ["events.parquet", "events.jsonl"]) {
      const run = await burnrate([...STATEMENT, "--usage", file], { cwd: dir });
      expect(run.code, `${file}: ${run.stderr}`).toBe(0);
      expect(figures(run.stdout), file).toEqual(WANT);
    }
  });

  it("is refused at its line where the source holds a space, which would read one pair as another", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scopes52-"));
    // Line 3 is written as lines 1 and 2 are (the template reads it); line 2's id "b c" within "a" and line 3's "c" within "a b" were one id.
    const line = (id: string, source: string, second: number) => JSON.stringify({ specversion: "1.0", type: "data_read", id, source, time: time(second), subject: "acme", quantity: "3", project: "alpha" });
    writeFileSync(join(dir, "events.jsonl"), `${[line("x", "gw", 0), line("b c", "a", 1), line("c", "a b", 2)].join("\n")}\n`);
    const run = await burnrate([...STATEMENT, "--usage", "events.jsonl"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      'burnrate: error: events.jsonl:3:1: field "source", which an event\'s id is unique within, holds a space (expected a URI reference, as CloudEvents\' source is (a space written %20), found "a b")\n',
    );
  });
});
