import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { folderMaker } from "./helpers/gateway-logs.js";
import { Told } from "../src/commands/told.js";
import type { Io } from "../src/io.js";

// red71a, on stop 71's --strict and the statement's warnings in its report.
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const ACCOUNTS = `card: ${CARD}\nplan: free\nanchor: 2026-11-01\ntimezone: UTC\naccounts:\n  acme-corp: { plan: pro }\n  globex: { plan: pro }\n`;

const made = folderMaker("strict71b-");
const folder = (usage: string): string => made({ "account.yaml": ACCOUNTS, "usage.csv": usage });
const TYPO = "timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,acme-corp,data_read,3,p1\n2026-11-02T11:00:00Z,ACME-Corp,data_read,2,p1\n";
const LOOKALIKE = 'usage account "ACME-Corp" is not named in the account file';

describe("red71a: a customer id typo under each command's --strict", () => {
  it("H1: diff says the lookalike as statement does, and --strict fails on it", async () => {
    const dir = folder(TYPO);
    const args = ["diff", "--base", CARD, "--card", CARD, "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"];
    const loose = await burnrate(args);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toContain(`burnrate: warning: ${LOOKALIKE}`);
    const strict = await burnrate([...args, "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("burnrate: diff gave 1 warning(s) (--strict)");
  });

  it("M1: statement --ledger says it too: --strict fails its JSON and CSV, its markdown opens with it", async () => {
    const dir = folder(TYPO);
    const args = ["statement", "--ledger", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")];
    for (const format of ["json", "csv"]) {
      const r = await burnrate([...args, "--format", format, "--strict"]);
      expect(r.code, format).toBe(1);
      expect(r.stderr).toContain(`burnrate: warning: ${LOOKALIKE}`);
    }
    const md = await burnrate([...args, "--format", "markdown"]);
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith(`> Warning: ${LOOKALIKE}`)).toBe(true);
  });

  it("L4: a lookalike's control characters are never sent raw, to standard error or to the report", async () => {
    const esc = "esc\u001b[31mred";
    const dir = folder(`timestamp,account,meter,quantity,project\n2026-11-02T10:00:00Z,${esc},data_read,3,p1\n2026-11-02T11:00:00Z,E${esc.slice(1)},data_read,2,p1\n`);
    writeFileSync(join(dir, "account.yaml"), `${ACCOUNTS}  ${JSON.stringify(esc)}: { plan: pro }\n`);
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('burnrate: warning: usage account "Esc\\u001b[31mred" is not named in the account file');
    expect(r.stderr).not.toMatch(/\u001b/);
    const warnings: string[] = JSON.parse(r.stdout).warnings;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toMatch(/\u001b/);
  });
});

describe("red71a L1: Told keeps each message whole", () => {
  function told(): { told: Told; written: () => string } {
    const stderr = new PassThrough();
    const chunks: string[] = [];
    stderr.on("data", (c: Buffer) => chunks.push(c.toString()));
    return { told: new Told({ stderr } as unknown as Io), written: () => chunks.join("") };
  }

  it("a warning's own line break stays in it, and a note holding a forged warning line is no warning", () => {
    const { told: t } = told();
    t.say("burnrate: warning: a path u\nv holds it\n");
    t.say("burnrate: note: 1 row of u\nburnrate: warning: forged/usage.csv skipped\n");
    expect(t.warnings).toEqual(["a path u\nv holds it"]);
  });
});

// red71a L3: a day skipped in October was said missing from November's statement under --cycle 2026-11.
describe("red71a L3: usage gaps under --cycle", () => {
  it("are the days of the cycles shown", async () => {
    const dir = folder("timestamp,account,meter,quantity,project\n");
    const daily = join(dir, "daily");
    mkdirSync(daily);
    // October 1 to November 10, but October 10 and November 4.
    const days = [...Array.from({ length: 31 }, (_, i) => `2026-10-${String(i + 1).padStart(2, "0")}`), ...Array.from({ length: 10 }, (_, i) => `2026-11-${String(i + 1).padStart(2, "0")}`)].filter((d) => d !== "2026-10-10" && d !== "2026-11-04");
    for (const d of days) writeFileSync(join(daily, `usage-${d}.csv`), `timestamp,account,meter,quantity,project\n${d}T10:00:00Z,globex,data_read,1,p1\n`);
    writeFileSync(join(dir, "account.yaml"), ACCOUNTS.replace("anchor: 2026-11-01", "anchor: 2026-10-01"));
    const args = ["statement", "--account", join(dir, "account.yaml"), "--usage", daily, "--format", "json"];
    const whole = JSON.parse((await burnrate(args)).stdout);
    expect(whole.usage_gaps).toEqual([`the daily files in ${JSON.stringify(daily)} skip 2 days between 2026-10-01 and 2026-11-10 (2026-10-10, 2026-11-04): no usage is read for them`]);
    const november = JSON.parse((await burnrate([...args, "--cycle", "2026-11"])).stdout);
    expect(november.usage_gaps).toEqual([`the daily files in ${JSON.stringify(daily)} skip 1 day between 2026-10-01 and 2026-11-10 (2026-11-04): no usage is read for it`]);
  });
});

// red71a L5: 3,000 values priced by a "*" entry opened every report with 3,000 warnings.
describe("red71a L5: the \"*\" entry's warnings, capped", () => {
  it("tells 20 values one by one and counts the rest in one line", async () => {
    const floopy = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
    const star = floopy.replace('llama-3.1-70b: { together: "0.000088", groq: "0.000059" }\n', 'llama-3.1-70b: { together: "0.000088", groq: "0.000059" }\n          "*": { "*": "0.00001" }\n').replace(
      'llama-3.1-70b: { together: "0.000088", groq: "0.000079" }\n',
      'llama-3.1-70b: { together: "0.000088", groq: "0.000079" }\n          "*": { "*": "0.00002" }\n',
    );
    const dir = mkdtempSync(join(tmpdir(), "strict71b-"));
    writeFileSync(join(dir, "card.yaml"), star);
    writeFileSync(join(dir, "account.yaml"), 'account: acme\nplan: pro\nanchor: 2026-11-01\ngrants:\n  - { kind: purchase, amount: 1000, at: "2026-11-01T00:00:00Z" }\n');
    // 25 releases of gpt-4o, each priced by the fallback: a gateway's dated model names.
    const rows = Array.from({ length: 25 }, (_, i) => `2026-11-02T10:${String(i).padStart(2, "0")}:00Z,request,gpt-4o-2024-08-${String(i + 1).padStart(2, "0")},openai,100000,10000`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,model,provider,input_tokens,output_tokens\n${rows.join("\n")}\n`);
    const r = await burnrate(["statement", "--card", join(dir, "card.yaml"), "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "json"]);
    expect(r.code).toBe(0);
    const said = r.stderr.split("\n").filter((l) => l.startsWith("burnrate: warning: "));
    expect(said).toHaveLength(21);
    expect(said.slice(0, 20).every((l) => l.includes("is priced by the card's \"*\" entry, but the card prices \"gpt-4o\""))).toBe(true);
    expect(said[20]).toBe('burnrate: warning: 5 more values are priced by the card\'s "*" entry where the card prices one written alike, as above');
    expect(JSON.parse(r.stdout).warnings).toHaveLength(21);
  });
});
