import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer51 #2: a reseller's bill for one customer of 10,000 printed a line for each of the 9,999 others. Past five,
// the table says them in one line; the JSON still lists each.
function folder(accounts: number): string {
  const dir = mkdtempSync(join(tmpdir(), "others51-"));
  // Account a<i> reads i + 1 times at 0.01 credits a read; the last two read nothing (a quantity of 0).
  const rows = Array.from({ length: accounts }, (_, i) => `2026-11-02T10:00:00Z,data_read,${i >= accounts - 2 ? 0 : i + 1},p,a${i}`);
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,account\n${rows.join("\n")}\n`);
  writeFileSync(join(dir, "bill.csv"), "period_start,activity,account,quantity,amount\n2026-11-01,data_read,a0,1,0.01\n");
  return dir;
}
const reconcile = (dir: string, format: string) => burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--bill", "bill.csv", "--format", format], { cwd: dir });

describe("accounts the bill does not name", () => {
  it("are one line past five: how many, their sum (0.02 to 0.06 credits: 0.2), how many came to nothing, the largest", async () => {
    const dir = folder(8);
    const table = await reconcile(dir, "table");
    expect(table.code, table.stderr).toBe(0);
    // The note as one line, however the table wraps it.
    const text = table.stdout.split("\n").map((l) => l.trim()).join(" ");
    // One note for the seven (the status names them apart, as not compared).
    expect(text.split(/(?:is|are) not on the bill/).length).toBe(2);
    expect(text).toContain("7 accounts are not on the bill, not compared: 0.2 credits in these cycles, 2 of them nothing; the largest a5 (0.06 credits), a4 (0.05 credits), a3 (0.04 credits); --format json lists each (other_accounts).");
    const json = await reconcile(dir, "json");
    expect((JSON.parse(json.stdout).other_accounts as unknown[]).length).toBe(7);
  });

  it("are each a line where they are five", async () => {
    const table = await reconcile(folder(6), "table");
    const notes = table.stdout.split("\n").filter((l) => /^\s*Account .* is not on the bill/.test(l)).map((l) => l.trim());
    expect(notes).toEqual(["Account a1 is not on the bill, not compared: 0.02 credits in these cycles.", "Account a2 is not on the bill, not compared: 0.03 credits in these cycles.", "Account a3 is not on the bill, not compared: 0.04 credits in these cycles.", "Account a4 is not on the bill, not compared: 0 credits in these cycles.", "Account a5 is not on the bill, not compared: 0 credits in these cycles."]);
  });

  it("with usage are counted in the summary too, the largest named (newcomer60 M4: a customer left off the invoice was said 9,700 lines down)", async () => {
    // a1 to a5 read 2 to 6 times (0.02 to 0.06 credits); a6 and a7 read nothing and are left to the note.
    const table = await reconcile(folder(8), "table");
    // The row as one line however the table wraps it, in the summary ahead of the status.
    const from = table.stdout.indexOf("Not on the bill");
    const to = table.stdout.indexOf("Status");
    expect(from).toBeGreaterThan(0);
    expect(table.stdout.slice(from, to).replace(/\s+/g, " ").trim()).toBe("Not on the bill 5 account(s) with usage in these cycles: a5 (0.06 credits), a4 (0.05 credits), a3 (0.04 credits), and 2 more; not compared");
  });

  it("with usage are said in the status, which passes the lines the bill has (newcomer70 M5)", async () => {
    // a0's one read is billed at 0.01 as Fliplet prices it: the lines agree, and five accounts with usage are off the bill.
    const table = await reconcile(folder(8), "table");
    expect(table.code, table.stderr).toBe(0);
    const status = table.stdout.slice(table.stdout.indexOf("Status")).split("\n").slice(0, 2).join(" ").replace(/\s+/g, " ");
    expect(status).toContain("Status the bill agrees with the usage; 5 account(s) with usage not on the bill, not compared (--every-account makes them need attention)");
    const json = JSON.parse((await reconcile(folder(8), "json")).stdout);
    expect(json.status).toBe("agrees");
  });
});

describe("a report for people past 20 rounding lines (newcomer60 M5: 6 findings above 2,428 rounding rows)", () => {
  // 25 accounts each read half a read's worth (quantity 0.5 at Fliplet's 0.01: 0.005 credits), each billed 0.01: 25
  // rounding lines, which always pass.
  function many(): string {
    const dir = mkdtempSync(join(tmpdir(), "rounding60-"));
    const rows = Array.from({ length: 25 }, (_, i) => `2026-11-02T10:00:00Z,data_read,0.5,p,a${String(i).padStart(2, "0")}`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project,account\n${rows.join("\n")}\n`);
    const bill = Array.from({ length: 25 }, (_, i) => `2026-11-01,data_read,a${String(i).padStart(2, "0")},p,0.5,0.01`);
    writeFileSync(join(dir, "bill.csv"), `period_start,activity,account,project,quantity,amount\n${bill.join("\n")}\n`);
    return dir;
  }
  const run = (dir: string, ...more: string[]) => burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "table", ...more], { cwd: dir });

  it("shows the first 20 with their explanations and counts the other 5", async () => {
    const dir = many();
    const table = await run(dir);
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.split("\n").filter((l) => /^\s+\d+\s+2026-11-01\s+data_read/.test(l));
    expect(rows).toHaveLength(20);
    expect(table.stdout.split("\n").filter((l) => /^\s+#\d+\s/.test(l))).toHaveLength(20);
    expect(table.stdout.replace(/\s+/g, " ")).toContain("5 more rounding line(s), each within a step of the bill's rounding, which always passes: --all-lines, --format json or csv lists each.");
    // --all-lines shows each, and JSON lists each.
    const all = await run(dir, "--all-lines");
    expect(all.stdout.split("\n").filter((l) => /^\s+#\d+\s/.test(l))).toHaveLength(25);
    const json = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json"], { cwd: dir });
    expect((JSON.parse(json.stdout).differences as unknown[]).length).toBe(25);
    // The HTML page shows the table's 20 and the note.
    const html = await burnrate(["reconcile", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "html"], { cwd: dir });
    expect(html.stdout.match(/data_read \(a\d\d\)/g)).toHaveLength(20);
    expect(html.stdout).toContain("5 more rounding line(s)");
  });

  it("shows the notes of lines the bill has before those only in the usage, past 20 (red60b F3)", async () => {
    // Floopy's requests cost nothing but their tokens: 22 accounts' request lines are free in usage, a note each, and
    // the bill lists only their output tokens. a21's bill shows 999 tokens for the usage's 1,000 at the same cent: a
    // note too, the 23rd in the lines' order, which a cut by that order would have counted among the free ones.
    const dir = mkdtempSync(join(tmpdir(), "notes60-"));
    writeFileSync(join(dir, "card.yaml"), readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8").replace("credits: { label: Credits, when_exhausted: block }", "credits: { label: Credits, when_exhausted: allow }"));
    const accounts = Array.from({ length: 22 }, (_, i) => `a${String(i).padStart(2, "0")}`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,model,provider,input_tokens,output_tokens,account\n${accounts.map((a) => `2026-11-02T10:00:00Z,request,gpt-4o,openai,0,1000,${a}`).join("\n")}\n`);
    writeFileSync(join(dir, "bill.csv"), `period_start,account,activity,model,provider,quantity,amount\n${accounts.map((a) => `2026-11-01,${a},request:output_tokens,gpt-4o,openai,${a === "a21" ? 999 : 1000},1`).join("\n")}\n`);
    const table = await burnrate(["reconcile", "--card", "card.yaml", "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "table"], { cwd: dir });
    expect(table.code, table.stderr).toBe(0);
    const text = table.stdout.replace(/\s+/g, " ");
    expect(text).toContain("request:output_tokens (a21) model=gpt-4o provider=openai amounts agree; the bill shows");
    expect(text).toContain("3 more line(s) that agree have a note");
    expect(text.split("free in usage").length - 1).toBe(19);
  });
});

