import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { position, writeVariant } from "./helpers/cards.js";

// Red team, stop 37 (red19 #10 and #11). Fliplet's card (ratecards/fliplet.yaml) prices data_read at 0.01 credits a
// read, labelled "Data reads"; a later version (2026-12, in force from 2026-12-01) is written beside it here.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const FLIPLET = readFileSync(CARD, "utf8");
const DECEMBER: [string, string][] = [['version: "2026-11"', 'version: "2026-12"'], ['effective: "2026-11-01"', 'effective: "2026-12-01"']];

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-fix19b-"));
  writeFileSync(join(dir, "account.yaml"), "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n");
  return dir;
}

function write(dir: string, name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const USAGE = ["timestamp,meter,quantity,project", "2026-11-03T10:00:00Z,data_read,100,alpha", "2026-12-03T10:00:00Z,data_read,200,alpha"];

async function reconcile(dir: string, cards: readonly string[], bill: string, usage = USAGE) {
  const r = await burnrate(["reconcile", ...cards.flatMap((c) => ["--card", c]), "--account", join(dir, "account.yaml"), "--usage", write(dir, "usage.csv", usage), "--bill", bill, "--format", "json"]);
  return { ...r, json: r.stdout === "" ? undefined : JSON.parse(r.stdout) };
}

type Line = { cycle: string; meter: string; status: string; bill_amount: string | null; computed_amount: string | null; dimensions: Record<string, string> };
const lines = (json: { lines: Line[] }) => json.lines.map((l) => [l.cycle.slice(0, 10), l.meter, l.status, l.bill_amount, l.computed_amount]);

describe("reconcile reads every card version's bill labels (red team, stop 37)", () => {
  it("December's line under the label of the version then in force is read, and priced by that version", async () => {
    const dir = folder();
    // December's version relabels data_read "Database reads" and raises it to 0.02 a read.
    const next = writeVariant(dir, "next", FLIPLET, [...DECEMBER, ['price: "0.01"             # "0.01 per read"\n    labels: [Data reads]', 'price: "0.02"\n    labels: [Database reads]']]);
    // November: 100 reads x 0.01 = 1 credit. December: 200 reads x 0.02 = 4 credits.
    const bill = write(dir, "bill.csv", ["period_start,activity,project,quantity,amount", "2026-11-01,Data reads,alpha,100,1", "2026-12-01,Database reads,alpha,200,4"]);
    const { code, stderr, json } = await reconcile(dir, [CARD, next.file], bill);
    expect([code, stderr]).toEqual([0, ""]);
    expect(json.status).toBe("agrees");
    // Named by the version the usage ends in, as its statement is (the reconciliation named the first).
    expect(json.card).toEqual({ provider: "fliplet", version: "2026-12" });
    expect(lines(json)).toEqual([["2026-11-01", "data_read", "agrees", "1", "1"], ["2026-12-01", "data_read", "agrees", "4", "4"]]);
    // The earlier version's label still names the meter in a later cycle: an invoice that kept the old word is read too.
    const old = write(dir, "old.csv", ["period_start,activity,project,quantity,amount", "2026-11-01,Data reads,alpha,100,1", "2026-12-01,Data reads,alpha,200,4"]);
    const kept = await reconcile(dir, [CARD, next.file], old);
    expect([kept.code, kept.json.status]).toEqual([0, "agrees"]);
  });

  it("a near miss of a later version's label is hinted at, and the expectation names every version", async () => {
    const dir = folder();
    const next = writeVariant(dir, "next", FLIPLET, [...DECEMBER, ["labels: [Data reads]", "labels: [Database reads]"]]);
    const bill = write(dir, "bill.csv", ["period_start,activity,project,quantity,amount", "2026-12-01,Databse reads,alpha,200,2"]);
    const { code, stderr } = await reconcile(dir, [CARD, next.file], bill);
    expect(code).toBe(2);
    expect(stderr).toContain(`${bill}:2:2: unknown activity "Databse reads"; did you mean "Database reads"? (expected a meter key or label of fliplet 2026-11 + 2026-12`);
  });

  it("a label one version gives one meter and the next another is refused at the later meter, unless the mapping names the word", async () => {
    const dir = folder();
    // December's version moves the label "Data reads" to data_write.
    const next = writeVariant(dir, "next", FLIPLET, [...DECEMBER, ["labels: [Data writes]", "labels: [Data writes, Data reads]"]]);
    const bill = write(dir, "bill.csv", ["period_start,activity,project,quantity,amount", "2026-11-01,Data reads,alpha,100,1"]);
    const usage = USAGE.slice(0, 2);
    const { code, stderr, stdout } = await reconcile(dir, [CARD, next.file], bill, usage);
    expect([code, stdout]).toEqual([2, ""]);
    const meterAt = position(next.text, "aggregation", "  data_write:");
    const firstAt = position(FLIPLET, "aggregation", "  data_read:");
    expect(stderr).toBe(
      `burnrate: error: ${next.file}:${meterAt}: label "Data reads" names meter "data_read" of fliplet 2026-11 (${CARD}:${firstAt}) and meter "data_write" of fliplet 2026-12: the bill's "Data reads" (${bill}:2:2) could be either ` +
        `(expected each label naming one meter in every version: another label for one of the two, or an activities: entry for "Data reads" in the bill mapping, found "data_read" and "data_write")\n`,
    );
    // The bill mapping's word comes before any label: 100 reads x 0.01 = 1 credit agrees.
    writeFileSync(`${bill}.mapping.yaml`, "activities:\n  Data reads: data_read\n");
    const mapped = await reconcile(dir, [CARD, next.file], bill, usage);
    expect([mapped.code, mapped.stderr, mapped.json.status]).toEqual([0, "", "agrees"]);
  });

  it("two meters of one card sharing a label are refused at the second, where the message said unknown activity", async () => {
    const dir = folder();
    const shared = writeVariant(dir, "shared", FLIPLET, [["labels: [Data writes]", "labels: [Data writes, Data reads]"]]);
    const bill = write(dir, "bill.csv", ["period_start,activity,project,quantity,amount", "2026-11-01,data reads,alpha,100,1"]);
    const { code, stderr } = await reconcile(dir, [shared.file], bill, USAGE.slice(0, 2));
    expect(code).toBe(2);
    expect(stderr).toContain(`${shared.file}:${position(shared.text, "aggregation", "  data_write:")}: label "Data reads" names meter "data_read" of fliplet 2026-11 (${shared.file}:${position(shared.text, "aggregation", "  data_read:")}) and meter "data_write" of fliplet 2026-11: the bill's "data reads" (${bill}:2:2) could be either`);
  });

  it("a bill column may hold a dimension only a later version's meter has", async () => {
    const dir = folder();
    // December's version adds geo_call, by region, at 0.5 a call.
    const next = writeVariant(dir, "next", FLIPLET, [...DECEMBER, ["    labels: [Data writes]\n", '    labels: [Data writes]\n\n  geo_call:\n    aggregation: flow\n    dimensions: [region]\n    category: end_users\n    pool: run\n    price: "0.5"\n    labels: [Geo calls]\n']]);
    // November: 100 reads x 0.01 = 1, as the log has it. December: 4 calls x 0.5 = 2 billed for region eu, which the log lacks.
    const bill = write(dir, "bill.csv", ["period_start,activity,project,region,quantity,amount", "2026-11-01,Data reads,alpha,,100,1", "2026-12-01,Geo calls,,eu,4,2"]);
    const { code, json } = await reconcile(dir, [CARD, next.file], bill, USAGE.slice(0, 2));
    expect(code).toBe(1);
    expect(lines(json)).toEqual([["2026-11-01", "data_read", "agrees", "1", "1"], ["2026-12-01", "geo_call", "only_on_bill", "2", null]]);
    expect(json.lines[1].dimensions).toEqual({ region: "eu" });
  });
});

describe("a FOCUS Tags cell with a key twice is refused at the cell (red team, stop 37)", () => {
  const FOCUS = readFileSync(join(ROOT, "fixtures/reconcile/focus/bill.csv"), "utf8");
  // The fixture's fourth line (its third row) is project alpha's Publishing; Tags is the 13th column.
  const ROW = '"{""fliplet-project"": ""alpha"", ""env"": ""prod""}"';
  const focus = async (tags: string) => {
    expect(FOCUS.split("\n")[3]).toContain(ROW);
    const dir = mkdtempSync(join(tmpdir(), "burnrate-fix19b-"));
    const bill = join(dir, "bill.csv");
    const lines = FOCUS.split("\n");
    lines[3] = lines[3]!.replace(ROW, tags);
    writeFileSync(bill, lines.join("\n"));
    const r = await burnrate(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", bill, "--bill-mapping", "fixtures/reconcile/focus/mapping.yaml"]);
    return { ...r, bill };
  };

  it("a dimension's tag twice names the key and both values; the bundled bill, without it, agrees", async () => {
    const { code, stderr, stdout, bill } = await focus('"{""fliplet-project"": ""alpha"", ""env"": ""prod"", ""fliplet-project"": ""beta""}"');
    expect([code, stdout]).toEqual([2, ""]);
    expect(stderr).toBe(`burnrate: error: ${bill}:4:13: tag "fliplet-project" twice in one Tags cell (expected each tag key once in a cell, as each column once in a header, found "fliplet-project" twice: "alpha" and "beta")\n`);
    expect((await focus(ROW)).code).toBe(0);
  });

  it("a key spelt with an escape is the same key, and an ignored tag twice is refused too", async () => {
    const escaped = await focus('"{""fliplet-project"": ""alpha"", ""fliplet-proj\\u0065ct"": ""alpha""}"');
    expect(escaped.code).toBe(2);
    expect(escaped.stderr).toContain(`${escaped.bill}:4:13: tag "fliplet-project" twice in one Tags cell`);
    const ignored = await focus('"{""fliplet-project"": ""alpha"", ""env"": ""prod"", ""env"": {""x"": [1, ""}""]}}"');
    expect(ignored.code).toBe(2);
    expect(ignored.stderr).toContain(`found "env" twice: "prod" and {"x":[1,"}"]}`);
  });
});
