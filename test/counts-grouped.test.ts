import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callMeter, cardHead } from "./helpers/cards.js";
import { burnrate } from "./helpers/cli.js";

/** One meter at 1 credit a call on a pool that blocks when the plan's 10 credits are spent. */
const CARD = cardHead("g: { label: G, when_exhausted: block }", "included: 10, price: 9", `meters:
${callMeter({ category: "c1", pool: "g" })}
`);

describe("counts of events in the reports", () => {
  it("group thousands: 1,234 calls on a 10-credit plan refuse 1,224", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-counts-"));
    writeFileSync(join(dir, "card.yaml"), CARD);
    const rows = Array.from({ length: 1234 }, (_, i) => `2026-11-02T10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z,call,1`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity\n${rows.join("\n")}\n`);
    const run = await burnrate(["statement", "--card", "card.yaml", "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--format", "table"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^ {2}Rejected +1,224 event\(s\)$/m);
    // The Rejected table's events, as its quantity: the first refused row is the 11th call, on line 12.
    expect(run.stdout).toMatch(/^ {2}call +credits exhausted +1,224 +1,224 +2026-11-02 10:00 +usage\.csv:12$/m);
  });
});
