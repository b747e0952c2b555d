import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { folderMaker } from "./helpers/gateway-logs.js";
import { join } from "node:path";

// newcomer71b H1: the fix a lookalike warning offers, `--map value:account:c12=C12`, over a folder of daily files gave
// every row of the file holding both spellings the log's first shape: c01's writes were priced as c12's reads, other
// customers' rows too, exit 0. Two spellings of one account made the file's account numbers differ from the log's, and
// the rows' shapes were then looked up in a table the first file, whose shapes are the log's own, never fills.
const made = folderMaker("files71-");
const ACCOUNT = `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  c12: { plan: pro }\n  c01: { plan: pro }\n`;
const HEADER = "timestamp,account,meter,quantity,project";
const DAY1 = ["2026-11-01T09:00:00Z,c12,data_read,100,p1", "2026-11-01T09:10:00Z,c01,data_write,10,p1", "2026-11-01T09:30:00Z,C12,data_read,50,p1"];
const DAY2 = ["2026-11-02T09:00:00Z,c01,data_read,10,p1", "2026-11-02T09:10:00Z,C12,data_write,4,p1"];

async function totals(files: Record<string, string>, usage: string[]): Promise<Record<string, string>> {
  const dir = made({ "account.yaml": ACCOUNT, ...files });
  const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), ...usage.flatMap((u) => ["--usage", join(dir, u)]), "--map", "value:account:c12=C12", "--format", "json"]);
  expect(r.code).toBe(0);
  // The mapping reads C12 as c12: no lookalike is left to warn of (a header-only file is noted).
  expect(r.stderr).not.toContain("warning");
  return Object.fromEntries(JSON.parse(r.stdout).accounts.map((a: { account: string; cycles: { total: string }[] }) => [a.account, a.cycles[0]!.total]));
}

describe("an account written two ways, mapped to one, over several files", () => {
  // By hand, at Fliplet's 0.01 a read and 0.05 a write: c12 reads 100 + 50 (1.5) and writes 4 (0.2), 1.7; c01 writes 10
  // (0.5) and reads 10 (0.1), 0.6.
  const expected = { c12: "1.7", c01: "0.6" };

  it("prices each row by its own meter, in one file", async () => {
    expect(await totals({ "usage.csv": `${[HEADER, ...DAY1, ...DAY2].join("\n")}\n` }, ["usage.csv"])).toEqual(expected);
  });

  it("and in daily files, in either order, in a folder or named one by one", async () => {
    const days = { "usage-2026-11-01.csv": `${[HEADER, ...DAY1].join("\n")}\n`, "usage-2026-11-02.csv": `${[HEADER, ...DAY2].join("\n")}\n` };
    expect(await totals(days, ["usage-2026-11-01.csv", "usage-2026-11-02.csv"])).toEqual(expected);
    expect(await totals(days, ["usage-2026-11-02.csv", "usage-2026-11-01.csv"])).toEqual(expected);
    expect(await totals({ ...days, "empty.csv": `${HEADER}\n` }, ["usage-2026-11-01.csv", "empty.csv"])).toEqual({ c12: "1.5", c01: "0.5" });
  });
});
