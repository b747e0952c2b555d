import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { burnrate, ROOT } from "./helpers/cli.js";
import { folderMaker } from "./helpers/gateway-logs.js";

// red71e M1: an event id column a database exported with the text NULL on the rows that had none read those rows as
// one event and its retries: 19 of them were dropped, 11 images billed of 30, exit 0 under --strict, nothing said.
const made = folderMaker("null71-");
const ACCOUNT = `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\naccount: acme\n`;

describe("an event id written as a database's NULL", () => {
  it("is a warning where rows repeat it, which --strict fails on", async () => {
    const rows = ["timestamp,meter,quantity,project,event_id", "2026-11-02T10:00:00Z,data_read,1,p1,e1", "2026-11-02T10:01:00Z,data_read,1,p1,NULL", "2026-11-02T10:02:00Z,data_read,1,p1,NULL", "2026-11-02T10:03:00Z,data_read,1,p1,NULL", "2026-11-02T10:04:00Z,data_read,1,p1,\\N", "2026-11-02T10:05:00Z,data_read,1,p1,\\N", ""];
    const dir = made({ "account.yaml": ACCOUNT, "usage.csv": rows.join("\n") });
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json", "--strict"]);
    expect(r.code).toBe(1);
    const warnings: string[] = JSON.parse(r.stdout).warnings;
    // Two of the three NULL rows repeat the first; one of the two \N rows the other.
    expect(warnings.map((w) => w.slice(0, w.indexOf(" (the first")))).toEqual(['2 rows repeat the event id "NULL"', '1 row repeats the event id "\\\\N"']);
    expect(warnings[0]).toContain("(the first at usage.csv:4:1, of usage.csv:3:1)".replace(/usage\.csv/g, join(dir, "usage.csv")));
  });

  it("says nothing of a real id's retries", async () => {
    const rows = ["timestamp,meter,quantity,project,event_id", "2026-11-02T10:00:00Z,data_read,1,p1,e1", "2026-11-02T10:01:00Z,data_read,1,p1,e1", ""];
    const dir = made({ "account.yaml": ACCOUNT, "usage.csv": rows.join("\n") });
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json", "--strict"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });
});
