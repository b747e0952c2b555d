import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A JSON export's quantity written null is priced as one event, as an empty CSV cell is, and now said on stderr
// (newcomer, stop 34: `"count": null` was billed as 1 without a word). A field left out is an event of its own.
// Fliplet data_read: 0.01 a read.
function folder(lines: readonly object[]) {
  const dir = mkdtempSync(join(tmpdir(), "fix17-"));
  writeFileSync(join(dir, "usage.jsonl"), lines.map((o) => JSON.stringify(o)).join("\n") + "\n");
  writeFileSync(join(dir, "usage.jsonl.mapping.yaml"), "columns: { timestamp: ts, meter: event, quantity: count }\n");
  return join(dir, "usage.jsonl");
}
const read = (n: number, count: unknown) => ({ ts: `2026-11-02T10:00:0${n}Z`, event: "data_read", ...(count === undefined ? {} : { count }), project: "alpha" });
const statement = (usage: string) => burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]);

describe("JSON Lines: a quantity written null", () => {
  it("is priced as one read and told, with the rows' count and the first line", async () => {
    const usage = folder([read(1, 10), read(2, null), read(3, ""), read(4, undefined), read(5, 2.5)]);
    const run = await statement(usage);
    expect(run.code).toBe(0);
    // 10 + 1 (null) + 1 ("") + 1 (left out) + 2.5 = 15.5 reads at 0.01 = 0.155
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.155");
    expect(run.stderr).toBe(`burnrate: note: 2 rows of ${usage} have no quantity ("count" null or empty; the first at ${usage}:2:1): each is priced as one event, as an empty quantity is\n`);
  });

  it("says nothing of objects that leave the field out", async () => {
    const run = await statement(folder([read(1, 3), read(2, undefined)]));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.04");
  });
});
