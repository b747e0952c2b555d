import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A daily export gzipped twice (a download kept its transfer encoding, then was gzipped again):
// it was refused as "file is not UTF-8 ... found the byte 0x8b" at line 1, column 2.
describe("a usage file compressed twice (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-gzip-"));
  const csv = "timestamp,meter,model,provider,input_tokens,output_tokens\n2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200\n";
  const account = join(ROOT, "fixtures/layouts/account.yaml");

  it("is refused saying so, at the file", async () => {
    const usage = join(dir, "day.csv.gz");
    writeFileSync(usage, gzipSync(gzipSync(csv)));
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "csv"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${usage}:1:1: gzip inside gzip: the file was compressed more than once (expected usage compressed once (gunzip the file once and read what it gives), found gzip data again after gunzip)\n`);
  });

  it("reads the same rows compressed once: 1,000 input and 200 output tokens of gpt-4o are 0.25 + 0.2 cents", async () => {
    const usage = join(dir, "once.csv.gz");
    writeFileSync(usage, gzipSync(csv));
    const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "json"]);
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("0.45");
  });
});

// PowerShell's Out-File and Excel's "Unicode Text" write UTF-16: it was refused as "file is not
// UTF-8 ... the byte 0xff" (with its mark) or as a header of NUL-spaced names (without).
describe("a usage file in UTF-16 (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-utf16-"));
  const csv = "timestamp,meter,model,provider,input_tokens,output_tokens\r\n2026-11-02T10:00:00Z,request,gpt-4o,openai,1000,200\r\n";
  const account = join(ROOT, "fixtures/layouts/account.yaml");
  const cases: [string, Buffer][] = [
    ["little-endian with its mark", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, "utf16le")])],
    ["little-endian without a mark", Buffer.from(csv, "utf16le")],
    ["big-endian with its mark", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(csv, "utf16le").swap16()])],
  ];
  for (const [name, bytes] of cases) {
    it(`is refused as UTF-16, ${name}`, async () => {
      const usage = join(dir, `${name.replace(/ /g, "-")}.csv`);
      writeFileSync(usage, bytes);
      const out = await burnrate(["statement", "--account", account, "--usage", usage, "--format", "csv"]);
      expect(out.code).toBe(2);
      expect(out.stderr).toBe(`burnrate: error: ${usage}:1:1: file is UTF-16, not UTF-8 (expected UTF-8 text (save or export the file as UTF-8), found UTF-16 text)\n`);
    });
  }
});

// `gzip -k day1.csv` leaves day1.csv beside day1.csv.gz: read as a folder, both were read and a
// log without event ids was billed twice (4 SMS at 0.5 for 2 sent, 2 credits for 1).
describe("a usage file beside its own gzip copy (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-copy-"));
  const folder = join(dir, "exports");
  const csv = "timestamp,meter,quantity,project,source\n2026-09-15T10:00:00Z,sms,2,alpha,project\n";
  const account = join(ROOT, "fixtures/fliplet/account.yaml");
  mkdirSync(folder);
  writeFileSync(join(folder, "day1.csv"), csv);
  writeFileSync(join(folder, "day1.csv.gz"), gzipSync(csv));
  const refused = `burnrate: error: --usage: a usage file and its gzip copy, whose rows would be billed twice (expected each log once: remove one of them (or rename it, if they hold different rows), found "day1.csv" and "day1.csv.gz" in "${folder.length > 60 ? `${folder.slice(0, 57)}...` : folder}")\n`;

  it("is refused in a folder, naming both", async () => {
    const out = await burnrate(["statement", "--account", account, "--usage", folder, "--format", "csv"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(refused);
  });

  it("is refused when both are named", async () => {
    const out = await burnrate(["statement", "--account", account, "--usage", join(folder, "day1.csv"), join(folder, "day1.csv.gz"), "--format", "csv"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(refused);
  });

  it("prices either alone once: 2 SMS at 0.5 are 1 credit", async () => {
    for (const file of ["day1.csv", "day1.csv.gz"]) {
      const out = await burnrate(["statement", "--account", account, "--usage", join(folder, file), "--format", "json"]);
      expect(out.code).toBe(0);
      expect((JSON.parse(out.stdout) as { accounts: { cycles: { total: string }[] }[] }).accounts[0]!.cycles[0]!.total).toBe("1");
    }
  });
});

// A bill saved by Excel as "Unicode Text", or kept gzipped, and an account file in UTF-16:
// read whole as text, they were "not UTF-8 ... the byte 0xff" (or 0x8b at column 2).
describe("a bill or an account file in UTF-16, or a gzipped bill (field12)", () => {
  const dir = mkdtempSync(join(tmpdir(), "field12-bill16-"));
  const reconcile = (bill: string) =>
    burnrate(["reconcile", "--account", join(ROOT, "fixtures/reconcile/account.yaml"), "--usage", join(ROOT, "fixtures/reconcile/usage.csv"), "--bill", bill, "--format", "json"]);
  const billText = "period_start,activity,project,quantity,amount\n2026-11-01,Projects,alpha,1,0.5\n";

  it("refuses a UTF-16 bill, with its mark or without, as UTF-16", async () => {
    for (const [name, bytes] of [
      ["marked.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(billText, "utf16le")])],
      ["unmarked.csv", Buffer.from(billText, "utf16le")],
    ] as const) {
      const bill = join(dir, name);
      writeFileSync(bill, bytes);
      const out = await reconcile(bill);
      expect(out.code).toBe(2);
      expect(out.stderr).toBe(`burnrate: error: ${bill}:1:1: file is UTF-16, not UTF-8 (expected UTF-8 text (save or export the file as UTF-8), found UTF-16 text)\n`);
    }
  });

  it("refuses a gzipped bill as gzip", async () => {
    const bill = join(dir, "bill.csv.gz");
    writeFileSync(bill, gzipSync(billText));
    const out = await reconcile(bill);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${bill}:1:1: file is gzip-compressed (expected a bill CSV as plain text (gunzip it first), found gzip data)\n`);
  });

  it("refuses a UTF-16 account file as UTF-16", async () => {
    const account = join(dir, "account.yaml");
    writeFileSync(account, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("plan: pro\n", "utf16le")]));
    const out = await burnrate(["statement", "--account", account, "--card", join(ROOT, "ratecards/fliplet.yaml"), "--usage", join(ROOT, "fixtures/fliplet/usage.csv")]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${account}:1:1: file is UTF-16, not UTF-8 (expected UTF-8 text (save or export the file as UTF-8), found UTF-16 text)\n`);
  });
});
