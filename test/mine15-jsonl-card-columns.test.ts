import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A JSON Lines log's objects carry the fields of their own meter: a column the card reads (Fliplet's `user`
// for end_user_open) may first appear on a later line, and is read there without a mapping (red15).
const dir = mkdtempSync(join(tmpdir(), "burnrate-jsonl-card-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a card's column first seen on a later JSON line", () => {
  it("is read where it appears, earlier lines without it", async () => {
    const usage = join(dir, "usage.jsonl");
    writeFileSync(
      usage,
      [
        { timestamp: "2026-11-02T10:00:00Z", meter: "data_read", quantity: "3", project: "alpha" },
        { timestamp: "2026-11-02T10:04:00Z", meter: "end_user_open", project: "beta", user: "u1" },
        { timestamp: "2026-11-02T10:05:00Z", meter: "end_user_open", project: "beta", user: "u1" },
        { timestamp: "2026-11-02T10:06:00Z", meter: "end_user_open", project: "beta", user: "u2" },
      ].map((o) => JSON.stringify(o)).join("\n") + "\n",
    );
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // data_read 3 x 0.01 = 0.03; two distinct end users of beta this cycle at 0.25 each = 0.5 (u1's second open is the same user).
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.53");
  });

  it("still refuses a later field nothing reads", async () => {
    const usage = join(dir, "stray.jsonl");
    writeFileSync(usage, [JSON.stringify({ timestamp: "2026-11-02T10:00:00Z", meter: "data_read", quantity: "3", project: "alpha" }), JSON.stringify({ timestamp: "2026-11-02T10:01:00Z", meter: "data_read", quantity: "1", project: "alpha", colour: "red" })].join("\n") + "\n");
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${usage}:2:1: field "colour" is not in the first line`);
  });
});
