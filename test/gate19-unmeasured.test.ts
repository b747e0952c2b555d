import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// --fail-on-unmeasured and price rises of any shape, and restrictions in a later card version (red team, stop 37).
// Fliplet (ratecards/fliplet.yaml): data_read is "0.01" a read, by project; Pro has a 10% run grace buffer.
const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const FLOOPY = readFileSync(join(ROOT, "ratecards/floopy.yaml"), "utf8");
const READ = 'price: "0.01"             # "0.01 per read"';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "burnrate-gate19-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

/** Fliplet with its data_read price written otherwise, as version 2026-12 (a new card, not a later version). */
const reads = (price: string) => FLIPLET.replace('version: "2026-11"', 'version: "2026-12"').replace(READ, price);

const ACCOUNT = "plan: pro\nanchor: 2026-11-01\ntimezone: UTC\n";
/** 1,000 reads of project alpha in November: 1,000 x 0.01 = 10 credits under the base card. */
const ALPHA = "timestamp,meter,quantity,project\n2026-11-03T10:00:00Z,data_read,1000,alpha\n";

async function diff(card: string, usage = ALPHA, ...more: string[]) {
  const d = dir({ "new.yaml": card, "acct.yaml": ACCOUNT, "u.csv": usage });
  const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "new.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"),
    "--fail-over", "10", "--fail-over-meter", "10", "--fail-over-line", "10", "--fail-on-unmeasured", "--format", "json", ...more]);
  const json = r.code === 2 ? undefined : JSON.parse(r.stdout);
  return { ...r, rises: (json?.unmeasured_rises ?? []) as { path: string; old: string; new: string; line: number }[] };
}

describe("a price rise of another shape than a changed number, on a value the corpus lacks", () => {
  it("a scalar price made a table that charges one project 5x fails --fail-on-unmeasured", async () => {
    const r = await diff(reads('price: { by: [project], table: { enterprise-app: "0.05", "*": "0.01" } }'));
    // enterprise-app's reads: 0.01 -> 0.05 a read; every other project's (alpha's) stays 0.01, so the corpus costs 10 under both.
    expect(r.code, r.stderr).toBe(1);
    expect(r.rises.map((c) => [c.path, c.old, c.new])).toEqual([["meters.data_read.price at project=enterprise-app", "0.01", "0.05"]]);
    expect(r.stderr).toContain("meters.data_read.price at project=enterprise-app rises from 0.01 to 0.05, on a line the usage never priced, past --fail-on-unmeasured");
  });

  it("a surcharge added for one project (0.01 + 0.04 = 0.05 a read) fails it too", async () => {
    const r = await diff(reads(`${READ}\n    surcharges:\n      - { when: { project: enterprise-app }, add: "0.04" }`));
    expect(r.code, r.stderr).toBe(1);
    expect(r.rises.map((c) => [c.path, c.old, c.new])).toEqual([["meters.data_read.price at project=enterprise-app", "0.01", "0.05"]]);
  });

  it("an entry added above a \"*\" fallback, for a value the corpus lacks, fails it", async () => {
    const base = reads('price: { by: [project], table: { "*": "0.01" } }');
    const d = dir({ "base.yaml": base, "new.yaml": base.replace('table: { "*": "0.01" }', 'table: { "*": "0.01", vip: "0.03" }'), "acct.yaml": ACCOUNT, "u.csv": ALPHA });
    const r = await burnrate(["diff", "--base", join(d, "base.yaml"), "--card", join(d, "new.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
    // vip's reads fell to "*" at 0.01; now 0.03.
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).unmeasured_rises.map((c: { path: string; old: string; new: string }) => [c.path, c.old, c.new])).toEqual([["meters.data_read.price at project=vip", "0.01", "0.03"]]);
  });

  it("a surcharge raised (Fliplet's private distribution, +2 -> +3 a publish) on a corpus without it is named as itself", async () => {
    const r = await diff(reads(READ).replace('- { when: { distribution: private }, add: "2" }', '- { when: { distribution: private }, add: "3" }'));
    expect(r.code, r.stderr).toBe(1);
    expect(r.rises.map((c) => [c.path, c.old, c.new])).toEqual([["meters.published.surcharges[0].add", "2", "3"]]);
  });

  it("a per-event surcharge added is a rise from 0 on its own line", async () => {
    const r = await diff(reads(`${READ}\n    surcharges:\n      - { when: { project: enterprise-app }, per_event: "2", name: support }`));
    expect(r.code, r.stderr).toBe(1);
    expect(r.rises.map((c) => [c.path, c.old, c.new])).toEqual([["meters.data_read surcharge support at project=enterprise-app", "0", "2"]]);
  });

  it("a component's table restructured, on a gateway request: each pair it raises that the corpus lacks", async () => {
    // Floopy's request output tokens for llama-3.1-70b: together 0.000088, groq 0.000079, made one "*" price of 0.0002 for
    // any provider. Both pairs rise; the corpus has llama-3.1-70b on groq only (fixtures/floopy), so together's is unmeasured.
    const card = FLOOPY.replace('version: "2026-11"', 'version: "2026-12"').replace('llama-3.1-70b: { together: "0.000088", groq: "0.000079" }', 'llama-3.1-70b: { "*": "0.0002" }');
    const d = dir({ "new.yaml": card });
    const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/floopy.yaml"), "--card", join(d, "new.yaml"), "--account", join(ROOT, "fixtures/floopy/account.yaml"), "--usage", join(ROOT, "fixtures/floopy"), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const rises = JSON.parse(r.stdout).unmeasured_rises as { path: string; old: string; new: string }[];
    // The table rewrites the request meter's and the playground's components alike: only request was edited here.
    expect(rises.map((c) => [c.path, c.old, c.new])).toEqual([["meters.request.components.output_tokens.price at model=llama-3.1-70b, provider=together", "0.000088", "0.0002"]]);
  });

  it("a surcharge on a column the meter does not declare is measured only by a line whose cost it moved", async () => {
    // The app builder's app_request (price "0") gets +5 a request where web_search is "true", a column that is no line
    // dimension: its lines cannot be told apart by it. A corpus without web search: 0 -> 5 there, unmeasured.
    const appbuilder = readFileSync(join(ROOT, "ratecards/appbuilder.yaml"), "utf8");
    const card = appbuilder.replace('version: "2026-11"', 'version: "2026-12"')
      .replace('      - { name: web_search, when: { web_search: "true" }, per_event: "15" }', '      - { name: web_search, when: { web_search: "true" }, per_event: "15" }\n      - { when: { web_search: "true" }, add: "5" }');
    const rows = "timestamp,meter,app,creator,tier,web_search,input_tokens,output_tokens\n2026-11-02T09:00:00Z,app_request,recipes,alice,standard,false,400,200\n";
    const run = async (usage: string) => {
      const d = dir({ "new.yaml": card, "acct.yaml": "plan: standard\nanchor: 2026-11-01\ntimezone: UTC\n", "u.csv": usage });
      const r = await burnrate(["diff", "--base", join(ROOT, "ratecards/appbuilder.yaml"), "--card", join(d, "new.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
      return { code: r.code, rises: (JSON.parse(r.stdout).unmeasured_rises as { path: string; old: string; new: string }[]).map((c) => [c.path, c.old, c.new]) };
    };
    expect(await run(rows)).toEqual({ code: 1, rises: [["meters.app_request.price at web_search=true", "0", "5"]] });
    // One request with web search: its line costs 0 -> 5 (and 15 on its own web_search line under both): measured.
    expect(await run(`${rows}2026-11-03T09:00:00Z,app_request,recipes,alice,standard,true,400,200\n`)).toEqual({ code: 0, rises: [] });
  });

  it("the same table, on a corpus with the project, is measured: the line gate trips on its cost, nothing is unmeasured", async () => {
    const r = await diff(reads('price: { by: [project], table: { enterprise-app: "0.05", "*": "0.01" } }'), `${ALPHA}2026-11-04T10:00:00Z,data_read,100,enterprise-app\n`);
    // enterprise-app: 100 x 0.01 = 1 -> 100 x 0.05 = 5 (+400%).
    expect(r.code, r.stderr).toBe(1);
    expect(r.rises).toEqual([]);
    expect(r.stderr).toContain("data_read · project=enterprise-app");
  });

  it("a restructure that raises no price (a table whose entries are at or below the old price) passes", async () => {
    const r = await diff(reads('price: { by: [project], table: { enterprise-app: "0.005", "*": "0.01" } }'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.rises).toEqual([]);
  });
});

describe("a restriction in a later card version is not measured by a corpus before it", () => {
  /** Fliplet's next version, from 2027-01-01, after the corpus's November: `edit` applied to it. */
  const next = (edit: (card: string) => string) => edit(FLIPLET.replace('version: "2026-11"', 'version: "2027-01"').replace('effective: "2026-11-01"', 'effective: "2027-01-01"'));
  // Pro: 1,000 included credits, 10% run grace. 105,000 reads x 0.01 = 1,050 credits: 50 of them from the grace buffer.
  const GRACE = "timestamp,meter,quantity,project\n2026-11-03T10:00:00Z,data_read,105000,alpha\n";

  async function later(card: string) {
    const d = dir({ "next.yaml": card, "acct.yaml": ACCOUNT, "u.csv": GRACE });
    const base = join(ROOT, "ratecards/fliplet.yaml");
    const r = await burnrate(["diff", "--base", base, "--card", base, "--card", join(d, "next.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
    return { ...r, rises: r.code === 2 ? [] : (JSON.parse(r.stdout).unmeasured_rises as { path: string; old: string | null; new: string | null; card_version: string }[]) };
  }

  it("a grace cut (0.10 -> 0.02) fails --fail-on-unmeasured, as the same cut in force now does by its refusals", async () => {
    const r = await later(next((c) => c.replace('grace: { run: "0.10" }', 'grace: { run: "0.02" }')));
    expect(r.code, r.stderr).toBe(1);
    expect(r.rises.map((c) => [c.path, c.old, c.new, c.card_version])).toEqual([["plans.pro.grace.run", "0.10", "0.02", "2027-01"]]);
    expect(r.stderr).toContain("plans.pro.grace.run changes from 0.10 to 0.02, in version 2027-01, in force from 2027-01-01, which prices no row of the usage, past --fail-on-unmeasured");

    // The same cut in force now: 1,000 + 2% = 1,020 credits; the 105,000-read row (1,050) no longer fits: refused.
    const d = dir({ "now.yaml": FLIPLET.replace('grace: { run: "0.10" }', 'grace: { run: "0.02" }'), "acct.yaml": ACCOUNT, "u.csv": GRACE });
    const now = await burnrate(["diff", "--base", join(ROOT, "ratecards/fliplet.yaml"), "--card", join(d, "now.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
    expect(now.code, now.stderr).toBe(1);
    expect(JSON.parse(now.stdout).refused_more).toEqual({ old: 0, new: 1 });
  });

  it("a plan gate added to Pro fails it, with its version and from when", async () => {
    const r = await later(next((c) => c.replace('grace: { run: "0.10" }', 'grace: { run: "0.10" }\n    only: { project: [beta] }')));
    expect(r.code, r.stderr).toBe(1);
    expect(r.rises.map((c) => [c.path, c.old, c.new])).toEqual([["plans.pro.only.project", null, "[beta]"]]);
    expect(r.stderr).toContain("plans.pro.only.project is set to [beta], in version 2027-01");
  });

  it("a pool that blocks where it granted grace fails it, and so does Pro's grace removed", async () => {
    const r = await later(next((c) => c.replace("run: { label: Run, when_exhausted: grace }", "run: { label: Run, when_exhausted: block }")));
    expect(r.code, r.stderr).toBe(1);
    expect(r.rises.map((c) => c.path)).toEqual(["pools.run.when_exhausted"]);
    const removed = await later(next((c) => c.replace('    grace: { run: "0.10" }    # "a 10% grace buffer above 100% on end-user activity in published projects"\n', "")));
    expect(removed.code, removed.stderr).toBe(1);
    expect(removed.rises.map((c) => [c.path, c.old, c.new])).toEqual([["plans.pro.grace.run", "0.10", null]]);
  });

  it("a version in force from the middle of the corpus's last cycle, after its last row, is not measured by that cycle", async () => {
    // From 2026-11-20: the November cycle ends under it, but its one row (2026-11-03) is priced by 2026-11.
    const r = await later(next((c) => c.replace('effective: "2027-01-01"', 'effective: "2026-11-20"').replace('grace: { run: "0.10" }', 'grace: { run: "0.02" }')));
    expect(r.code, r.stderr).toBe(1);
    expect(r.rises.map((c) => c.path)).toEqual(["plans.pro.grace.run"]);
  });

  it("a later base version deleted (its price cut with it) is measured only by rows in its time", async () => {
    // Base: Fliplet and its January version, data_write 0.05 -> 0.025 from 2027-01-01. New: Fliplet alone, so from
    // January writes cost 0.05 again. The corpus's November writes are priced by 2026-11 under both: they do not measure it.
    const jan = next((c) => c.replace('price: "0.05"             # "0.05 per write"', 'price: "0.025"'));
    const d = dir({ "jan.yaml": jan, "acct.yaml": ACCOUNT, "u.csv": "timestamp,meter,quantity,project\n2026-11-03T10:00:00Z,data_write,4000,alpha\n" });
    const base = join(ROOT, "ratecards/fliplet.yaml");
    const r = await burnrate(["diff", "--base", base, "--base", join(d, "jan.yaml"), "--card", base, "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).unmeasured_rises.map((c: { path: string; old: string; new: string }) => [c.path, c.old, c.new])).toEqual([["meters.data_write.price", "0.025", "0.05"]]);
  });

  it("what loosens (more grace, a later version's price cut, a label) passes", async () => {
    const r = await later(next((c) => c.replace('grace: { run: "0.10" }', 'grace: { run: "0.20" }').replace(READ, 'price: "0.008"').replace("labels: [Data reads]", "labels: [Data reads, Reads]")));
    expect(r.code, r.stderr).toBe(0);
    expect(r.rises).toEqual([]);
  });

  it("a restriction in a version that prices rows of the corpus is measured by the replay, not named", async () => {
    // The November version cuts the grace (in force for the corpus's rows), the January one is Fliplet's as it is: 100
    // reads (1 credit) are priced, then 104,900 (1,049 credits) pass 1,000 + 2% = 1,020 and are refused, where 10%
    // (1,100) let them through. The cut is measured by what it refuses, not listed.
    const now = FLIPLET.replace('grace: { run: "0.10" }', 'grace: { run: "0.02" }');
    const rows = "timestamp,meter,quantity,project\n2026-11-03T10:00:00Z,data_read,100,alpha\n2026-11-04T10:00:00Z,data_read,104900,alpha\n";
    const d = dir({ "now.yaml": now, "next.yaml": next((c) => c), "acct.yaml": ACCOUNT, "u.csv": rows });
    const base = join(ROOT, "ratecards/fliplet.yaml");
    const r = await burnrate(["diff", "--base", base, "--card", join(d, "now.yaml"), "--card", join(d, "next.yaml"), "--account", join(d, "acct.yaml"), "--usage", join(d, "u.csv"), "--fail-on-unmeasured", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.unmeasured_rises).toEqual([]);
    expect(json.refused_more).toEqual({ old: 0, new: 1 });
  });
});
