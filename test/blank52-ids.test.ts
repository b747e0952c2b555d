import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, burnrate, ROOT } from "./helpers/cli.js";
import { ON_THREAD, THREAD_BYTES } from "./helpers/thread.js";

// An event_id of spaces or tabs alone is no id (red51 #7): an export that writes an empty cell as a
// space made every such row a repeat of the first, and dropped it without a word.

const CARD = join(ROOT, "ratecards/fliplet.yaml");
const STATEMENT = ["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--format", "json", "--no-progress"];

interface Figures {
  events: { read: number; priced: number; duplicates: number };
  duplicate_events: { listed: { event_id: string }[] };
  accounts: { cycles: { total: string }[] }[];
}

const figures = (stdout: string) => {
  const s = JSON.parse(stdout) as Figures;
  return { events: s.events, ids: s.duplicate_events.listed.map((d) => d.event_id), total: s.accounts[0]!.cycles[0]!.total };
};

/** `count` rows of data_read, 3 reads each (0.03 credits a row), a second apart; `id(i)` is each row's event_id cell. */
function log(count: number, id: (i: number) => string): string {
  const start = Date.parse("2026-11-02T10:00:00Z");
  let text = "timestamp,meter,quantity,project,event_id\n";
  for (let i = 0; i < count; i++) text += `${new Date(start + i * 1000).toISOString().replace(".000", "")},data_read,3,alpha,${id(i)}\n`;
  return text;
}

describe("an event_id of spaces or tabs alone", () => {
  // Six rows: a space, two spaces, a tab, a quoted space, and "r1" twice, the second a true repeat.
  const cells = [" ", "  ", "\t", '" "', "r1", "r1"];

  it("is no id, in process and on the command line, with or without --dedupe-window", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blank52-"));
    writeFileSync(join(dir, "usage.csv"), log(cells.length, (i) => cells[i]!));
    // Five rows priced at 0.03: 0.15; the one repeat is r1's.
    const want = { events: { read: 6, priced: 5, duplicates: 1, rejected: 0 }, ids: ["r1"], total: "0.15" };
    for (const window of [[], ["--dedupe-window", "1h"]]) {
      const run = await burnrate([...STATEMENT, "--usage", "usage.csv", ...window], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      expect(figures(run.stdout)).toEqual(want);
      const bin = binary([...STATEMENT, "--usage", "usage.csv", ...window], { cwd: dir });
      expect(bin.code, bin.stderr).toBe(0);
      expect(figures(bin.stdout)).toEqual(want);
    }
  });

  it("is no id on the reading thread and in the ids' first pass, where the blank rows are most of the log", () => {
    const dir = mkdtempSync(join(tmpdir(), "blank52-"));
    // Rows of 41 bytes or more (`2026-11-02T10:00:00Z,data_read,3,alpha, ` and its line end), 31,458 of them, past the
    // thread's size: every row's id a space, but each 100th row's `r<i/100>`, and each 1000th row repeating the id of
    // the row 100 before it.
    const count = Math.ceil((THREAD_BYTES * 1.5) / 50);
    const id = (i: number) => (i % 1000 === 0 && i > 0 ? `r${(i - 100) / 100}` : i % 100 === 0 ? `r${i / 100}` : " ");
    writeFileSync(join(dir, "usage.csv"), log(count, id));
    expect(statSync(join(dir, "usage.csv")).size).toBeGreaterThan(THREAD_BYTES);
    // The repeats: rows 1000, 2000, ... below count.
    const repeats = Math.floor((count - 1) / 1000);
    const run = binary([...STATEMENT, "--usage", "usage.csv"], { cwd: dir, env: ON_THREAD });
    expect(run.code, run.stderr).toBe(0);
    const got = figures(run.stdout);
    // 31,427 rows priced at 0.03 credits are 942.81, within Pro's 1,000: none refused.
    expect(got.events).toEqual({ read: count, priced: count - repeats, duplicates: repeats, rejected: 0 });
    expect(got.total).toBe("942.81");
    expect(new Set(got.ids)).toEqual(new Set(Array.from({ length: repeats }, (_, k) => `r${(k + 1) * 10 - 1}`)));
  });
});
