import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Under --cycle, a cycle's table counts the duplicates of its own rows, and the note below the cycles counted the
// whole replay's: a reader checking November read 2,349 in the table and 2,361 under it (newcomer, stop 43). Fliplet
// data_read rows with event ids: e1 twice in October, e2 twice and e3 three times in November.
const LOG = [
  "timestamp,meter,quantity,project,event_id",
  "2026-10-05T10:00:00Z,data_read,1,p1,e1",
  "2026-10-05T11:00:00Z,data_read,1,p1,e1",
  "2026-11-05T10:00:00Z,data_read,1,p1,e2",
  "2026-11-05T11:00:00Z,data_read,1,p1,e2",
  "2026-11-06T10:00:00Z,data_read,1,p1,e3",
  "2026-11-06T11:00:00Z,data_read,1,p1,e3",
  "2026-11-06T12:00:00Z,data_read,1,p1,e3",
].join("\n");

async function table(extra: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "cycle-dups-"));
  writeFileSync(join(dir, "u.csv"), `${LOG}\n`);
  const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-10-01", "--usage", join(dir, "u.csv"), "--format", "table", "--no-chart", ...extra]);
  expect([run.code, run.stderr]).toEqual([0, ""]);
  return run.stdout;
}

describe("the duplicates' note under --cycle (newcomer, stop 43)", () => {
  it("gives the whole replay's count and the cycles shown's, which their tables count", async () => {
    const out = await table(["--cycle", "2026-11-01"]);
    // 1 repeat in October, 1 + 2 in November.
    expect(out).toContain("4 duplicate event(s) by event_id were counted once and not priced again in the whole replay, 3 of them in the cycle(s) shown; the list below is the whole replay's.");
  });

  it("gives the one count where every cycle is shown", async () => {
    const out = await table([]);
    expect(out).toContain("4 duplicate event(s) by event_id were counted once and not priced again.\n");
  });
});
