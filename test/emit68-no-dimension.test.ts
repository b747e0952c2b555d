import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { PAYG_CARD } from "./helpers/payg.js";

// A card whose meters have no dimension: --emit-usage wrote "2026-11-01T00:00:00Z,call,1," under a header of three
// columns, and `statement` refused its own round trip ("expect 3, got 4").
describe("--emit-usage on a card of no dimension", () => {
  it("writes rows of three cells, which statement reads back: a send of 3 calls of 100 credits, 300", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emit68-"));
    writeFileSync(join(dir, "card.yaml"), PAYG_CARD);
    writeFileSync(join(dir, "scn.yaml"), "name: calls\ncard: card.yaml\nplan: solo\nstart: 2026-11-01\ncycles: 1\ntimezone: UTC\nsends:\n  - { meter: call, quantity: 3, at: 2026-11-02T10:00:00Z }\n");
    const sim = await burnrate(["simulate", "scn.yaml", "--emit-usage", "out", "--format", "json"], { cwd: dir });
    expect([sim.code, sim.stderr]).toEqual([0, ""]);
    const lines = readFileSync(join(dir, "out", "usage.csv"), "utf8").split("\n");
    expect(lines.slice(0, 2)).toEqual(["timestamp,meter,quantity", "2026-11-02T10:00:00Z,call,3"]);
    const st = await burnrate(["statement", "--account", "out/account.yaml", "--usage", "out/usage.csv", "--format", "json"], { cwd: dir });
    expect([st.code, st.stderr]).toEqual([0, ""]);
    expect(JSON.parse(st.stdout).accounts[0].cycles[0].total).toBe("300");
  });
});
