import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { Decimal } from "../src/money.js";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { writeVariant } from "./helpers/cards.js";

// newcomer71 M1: docs/diff.md said to sum the CSV's `old` over the rows of one unit, and over the rows with an empty
// `money` for credits. Both doubled: a cycle's money `total` row beside its `plan` and `bought` rows, and the priced
// lines' rows (one per line over the whole usage) beside the rows per cycle, account and meter. The docs now give one
// rule per figure; this holds the CSV to it on the bundled Fliplet log.
describe("diff --format csv, totalled as docs/diff.md says", () => {
  it("gives the credits and the money of the JSON, and the change computed by hand", async () => {
    const dir = mkdtempSync(join(tmpdir(), "csvsum71-"));
    const card = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
    const next = writeVariant(dir, "next", card, [
      ['version: "2026-11"', 'version: "2026-12"'],
      ['price: "0.5"              # "0.5 per message"', 'price: "0.6"'],
      ["price: 9 ", "price: 12 "],
    ]);
    const args = ["diff", "--base", "ratecards/fliplet.yaml", "--card", next.file, "--usage", "fixtures/fliplet/usage.csv", "--account", "fixtures/fliplet/account.yaml"];
    const csv = await burnrate([...args, "--format", "csv"]);
    const json = await burnrate([...args, "--format", "json"]);
    expect(csv.code).toBe(0);
    expect(json.code).toBe(0);
    const rows: Record<string, string>[] = parse(csv.stdout, { columns: true });
    const sum = (of: Record<string, string>[], side: "old" | "new") => of.reduce((s, r) => s.plus(r[side]!), new Decimal(0));
    const perMeter = rows.filter((r) => r.line === "" && r.money === "");
    const totals = rows.filter((r) => r.money === "total");
    const lines = rows.filter((r) => r.line !== "");
    const report = JSON.parse(json.stdout);
    expect(sum(perMeter, "old").toString()).toBe(report.base_total);
    expect(sum(perMeter, "new").toString()).toBe(report.card_total);
    expect(sum(lines, "old").toString()).toBe(report.base_total);
    expect(sum(totals, "old").toString()).toBe(new Decimal(report.money.base_total).toString());
    expect(sum(totals, "new").toString()).toBe(new Decimal(report.money.card_total).toString());
    // By hand: the log's two sms rows send 40 and 100 messages, each 0.1 credit dearer: +14; and its three cycles of
    // Pro at 12 USD where they were 9: +9 USD.
    expect(sum(perMeter, "new").minus(sum(perMeter, "old")).toString()).toBe("14");
    expect(totals).toHaveLength(3);
    expect(sum(totals, "new").minus(sum(totals, "old")).toString()).toBe("9");
    // The old rule: every USD row summed counts each cycle's fee twice, in `plan` and in `total`.
    const usd = rows.filter((r) => r.unit === "USD");
    expect(sum(usd, "old").gt(sum(totals, "old"))).toBe(true);
  });
});
