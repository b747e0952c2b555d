import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Field findings 1, 2, 11 and 12 of newcomer15 on the card and CI side (cards15).

const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cards15-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function edited(text: string, from: string, to: string): string {
  expect(text.includes(from), `no ${from}`).toBe(true);
  return text.replace(from, to);
}

// 60 SMS at 0.5 credits each (fliplet.yaml: "sms ... 0.5"): 30 credits.
const SMS = "timestamp,meter,quantity,project,source\n2026-11-02T09:00:00Z,sms,60,p1,project\n";
const ONE_READ = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,alpha\n";

describe("a card's condition on a near miss of a dimension (finding 2)", () => {
  // Stop 38 (fix20e): a warning until then; a name declared nowhere is now an error (undeclared-dimension), at the key.
  it("check refuses it at the condition's key with the dimension meant", async () => {
    const dir = folder({ "card.yaml": edited(FLIPLET, "{ when: { distribution: private }", "{ when: { distribtion: private }"), "usage.csv": ONE_READ });
    const line = FLIPLET.split("\n").findIndex((l) => l.includes("{ when: { distribution: private }")) + 1;
    const check = await burnrate(["check", "card.yaml", "--format", "json"], { cwd: dir });
    expect(check.code).toBe(1);
    const findings = JSON.parse(check.stdout).files[0].findings.filter((f: { rule: string }) => f.rule === "undeclared-dimension");
    expect(findings).toMatchObject([{ severity: "error", line, message: expect.stringContaining('surcharge condition of meter "published" reads "distribtion", which is declared nowhere') }]);
    expect(findings[0].message).toContain('did you mean "distribution"?');
  });

  it("a condition on a column one letter from a dimension (model beside mode) loads and prices as written", async () => {
    // appbuilder's editor_chat has dimensions [app, mode]; a surcharge on a model column of its own: +5 a chat on opus.
    const appbuilder = readFileSync(join(ROOT, "ratecards/appbuilder.yaml"), "utf8");
    const card = edited(appbuilder, "    dimensions: [app, mode]\n", "    dimensions: [app, mode]\n    surcharges:\n      - { name: opus, when: { model: opus }, per_event: \"5\" }\n");
    const dir = folder({ "card.yaml": card, "usage.csv": "timestamp,meter,quantity,app,mode,model,input_tokens,output_tokens\n2026-11-02T10:00:00Z,editor_chat,1,a1,fast,opus,1000,0\n2026-11-02T11:00:00Z,editor_chat,1,a1,fast,sonnet,1000,0\n" });
    const opus = await burnrate(["statement", "--card", "card.yaml", "--plan", "standard", "--anchor", "2026-11-01", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect(opus.stderr).toBe("");
    const total = (r: { stdout: string }) => Number(JSON.parse(r.stdout).accounts[0].cycles[0].total);
    // Each chat's 1,000 fast input tokens cost 1000 x 0.004 = 4, and the opus chat pays the surcharge of 5: 4 + 5 + 4.
    expect(total(opus)).toBe(13);
  });

  // Stop 38 (fix20e): such a column is declared in the card's dimensions:, as the app builder's web_search is; undeclared, check refuses it.
  it("a condition on a column of its own, declared in the card's dimensions:, stays a column the condition reads (the app builder's web search)", async () => {
    const dir = folder({ "card.yaml": edited(FLIPLET, "dimensions: [user]", "dimensions: [user, store_region]").replace("{ when: { distribution: private }", "{ when: { store_region: eu }") });
    const check = await burnrate(["check", "card.yaml", "--format", "json"], { cwd: dir });
    expect(JSON.parse(check.stdout).errors).toBe(0);
  });
});

describe("test: a tests file's own mistakes exit 2, a case that runs and fails exits 1 (finding 11)", () => {
  const cases = (second: string) =>
    [
      "cases:",
      "  - name: 60 SMS cost 30",
      "    account: { plan: pro, anchor: 2026-11-01 }",
      "    usage: sms.csv",
      '    expect: { total: "30" }',
      "  - name: second",
      "    account: { plan: pro, anchor: 2026-11-01 }",
      "    usage: sms.csv",
      `    expect: ${second}`,
      "",
    ].join("\n");
  /** The column of the value after `key` on line 9, the second case's expect: where an expectation is said. */
  const valueAfter = (second: string, key: string) => "    expect: ".length + second.indexOf(key) + key.length + 1;

  it("an expected meter the card lacks is refused at its key, before any case runs, whatever --case selects", async () => {
    const second = '{ total: "30", meters: { data_raed: "0" } }';
    const dir = folder({ "card.yaml": FLIPLET, "card.tests.yaml": cases(second), "sms.csv": SMS });
    for (const args of [[], ["--case", "60 SMS"]]) {
      const run = await burnrate(["test", "card.yaml", ...args], { cwd: dir });
      expect([run.code, run.stdout, run.stderr]).toEqual([2, "", `burnrate: error: card.tests.yaml:9:${valueAfter(second, "data_raed: ")}: unknown meter "data_raed"; did you mean "data_read"? (expected a meter of fliplet 2026-11, found "data_raed")\n`]);
    }
  });

  it("every mistake of the file is said at once", async () => {
    const second = '{ cycles: [{ meters: { smss: "30" }, grants: { topups: { granted: "0" } } }] }';
    const dir = folder({ "card.yaml": FLIPLET, "card.tests.yaml": cases(second).replace("usage: sms.csv", "usage: sms2.csv"), "sms.csv": SMS });
    const run = await burnrate(["test", "card.yaml"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n").map((l) => l.replace(/ \(expected.*$/, ""))).toEqual([
      "burnrate: error: card.tests.yaml:4:12: no such usage file",
      `burnrate: error: card.tests.yaml:9:${valueAfter(second, "smss: ")}: unknown meter "smss"; did you mean "sms"?`,
      `burnrate: error: card.tests.yaml:9:${valueAfter(second, "topups: ")}: unknown grant kind "topups"; did you mean "topup"?`,
    ]);
  });

  it("a wrong figure is a failed case (exit 1), and so is usage the card can no longer read", async () => {
    const wrong = folder({ "card.yaml": FLIPLET, "card.tests.yaml": cases('{ total: "31" }'), "sms.csv": SMS });
    const failed = await burnrate(["test", "card.yaml"], { cwd: wrong });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("card.tests.yaml:9:22: total: expected 31, got 30");
    // The card renamed sms: the usage's rows cannot be priced, a regression of the card the case reports.
    const renamed = folder({ "card.yaml": edited(FLIPLET, "  sms:\n", "  text_message:\n"), "card.tests.yaml": cases('{ total: "30" }'), "sms.csv": SMS });
    const run = await burnrate(["test", "card.yaml", "--format", "json"], { cwd: renamed });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).suites[0].cases.map((c: { outcome: string }) => c.outcome)).toEqual(["error", "error"]);
  });
});

describe("legacy fixed time zones are warned about, and priced as given (finding 12)", () => {
  const run = (dir: string, ...extra: string[]) => burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--format", "json", ...extra], { cwd: dir });

  it("--timezone EST, MST, HST, Etc/GMT+5 and GMT each say what they are and what to use", async () => {
    const dir = folder({ "usage.csv": ONE_READ });
    const said = {
      EST: 'time zone "EST" is a fixed UTC-05:00 all year, with no daylight saving: for US Eastern time use America/New_York',
      MST: 'time zone "MST" is a fixed UTC-07:00 all year, with no daylight saving: for US Mountain time use America/Denver (Arizona: America/Phoenix)',
      HST: 'time zone "HST" is a fixed UTC-10:00 all year, with no daylight saving: for Hawaii use Pacific/Honolulu (the same offset, named by its place)',
      "Etc/GMT+5": 'time zone "Etc/GMT+5" is a fixed UTC-05:00 all year (Etc/ zones reverse the sign: +5 is behind UTC), with no daylight saving: for a place\'s time name its zone, such as America/New_York or Asia/Kolkata',
      // Red team, stop 34: GMT is mostly written meaning the UK's clock (BST from March to October).
      GMT: 'time zone "GMT" is UTC all year, with no summer time: for UK time use Europe/London (UTC itself as UTC)',
      "Etc/Greenwich": 'time zone "Etc/Greenwich" is UTC all year, with no summer time: for UK time use Europe/London (UTC itself as UTC)',
    };
    for (const [zone, warning] of Object.entries(said)) {
      const r = await run(dir, "--timezone", zone);
      expect([r.code, r.stderr], zone).toEqual([0, `burnrate: warning: --timezone: ${warning}\n`]);
      // 3 reads at 0.01 credits each (fliplet.yaml data_read).
      expect(JSON.parse(r.stdout).accounts[0].cycles[0].total, zone).toBe("0.03");
    }
  });

  it("a place's zone, fixed or not, and UTC say nothing", async () => {
    const dir = folder({ "usage.csv": ONE_READ });
    for (const zone of ["America/New_York", "America/Phoenix", "Asia/Kolkata", "Europe/London", "UTC", "Etc/UTC"]) {
      const r = await run(dir, "--timezone", zone);
      expect([r.code, r.stderr], zone).toEqual([0, ""]);
    }
  });

  it("timezone: EST in an account file or a scenario is warned about at its line", async () => {
    const card = join(ROOT, "ratecards/fliplet.yaml");
    const dir = folder({
      "account.yaml": `card: ${card}\nplan: pro\nanchor: 2026-11-01\ntimezone: EST\n`,
      "usage.csv": ONE_READ,
      "scenario.yaml": `name: x\ncard: ${card}\nplan: pro\nstart: 2026-11-01\ncycles: 1\ntimezone: EST\nschedules:\n  - { name: sync, meter: automation_run, every: day at 09:00, dimensions: { project: p } }\n`,
    });
    const warning = 'time zone "EST" is a fixed UTC-05:00 all year, with no daylight saving: for US Eastern time use America/New_York\n';
    const statement = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    expect([statement.code, statement.stderr]).toEqual([0, `burnrate: warning: account.yaml:4:11: ${warning}`]);
    const simulate = await burnrate(["simulate", "scenario.yaml", "--format", "json"], { cwd: dir });
    expect([simulate.code, simulate.stderr]).toEqual([0, `burnrate: warning: scenario.yaml:6:11: ${warning}`]);
  });
});

describe("diff names the card that refuses a row (finding 12)", () => {
  const withoutWebFetch = edited(FLIPLET, '  web_fetch:\n    aggregation: flow\n    dimensions: [project]\n    category: ai\n    pool: build\n    price: "0.05"             # "fetching pages from the web (0.05 per fetch)"\n    labels: [Web fetches]\n\n', "");
  const usage = "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,3,alpha\n2026-11-02T11:00:00Z,web_fetch,2,alpha\n";
  const diff = (dir: string, base: string, card: string, file = "usage.csv") =>
    burnrate(["diff", "--base", base, "--card", card, "--plan", "pro", "--anchor", "2026-11-01", "--usage", file, "--format", "json"], { cwd: dir });

  it("the base card or the new one, by its file", async () => {
    const dir = folder({ "old.yaml": withoutWebFetch, "new.yaml": FLIPLET, "usage.csv": usage });
    const asBase = await diff(dir, "old.yaml", "new.yaml");
    // The new card adds web_fetch: the base prices its rows at 0, and its cost shows as a rise from 0 (stop 35):
    // 2 fetches x 0.05 = 0.1 credits, beside 3 reads x 0.01 = 0.03 under both.
    expect([asBase.code, asBase.stderr]).toEqual([0, ""]);
    expect(JSON.parse(asBase.stdout).meters).toEqual([
      { meter: "data_read", old: "0.03", new: "0.03", delta: "0", delta_percent: "0" },
      { meter: "web_fetch", old: "0", new: "0.1", delta: "0.1", delta_percent: null },
    ]);
    const asNew = await diff(dir, "new.yaml", "old.yaml");
    expect(asNew.stderr).toBe('burnrate: error: usage.csv:3:2: unknown meter "web_fetch" in the new card old.yaml (expected a meter of fliplet 2026-11, found "web_fetch")\n');
  });

  it("a row both cards refuse is the log's own mistake, said as it is", async () => {
    const dir = folder({ "a.yaml": FLIPLET, "b.yaml": FLIPLET, "bad.csv": "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_raed,3,alpha\n" });
    const r = await diff(dir, "a.yaml", "b.yaml", "bad.csv");
    expect([r.code, r.stderr]).toEqual([2, 'burnrate: error: bad.csv:2:2: unknown meter "data_raed"; did you mean "data_read"? (expected a meter of fliplet 2026-11, found "data_raed")\n']);
  });
});
