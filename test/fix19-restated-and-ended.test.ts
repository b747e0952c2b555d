import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Red team, stop 37: two rules of this stop that undid one another's terms.
const FLIKLY = join(ROOT, "ratecards/flikly.yaml");
const dir = () => mkdtempSync(join(tmpdir(), "fix19-terms-"));
/**
 * An account file and a usage log written to a new folder, and their statement (JSON unless `flags` name a format);
 * `flags` go before the files (--card, --plan, --through).
 */
async function statementOf(account: string, usage: string, flags: readonly string[] = []) {
  const d = dir();
  writeFileSync(join(d, "account.yaml"), account);
  writeFileSync(join(d, "usage.csv"), usage);
  const format = flags.includes("--format") ? [] : ["--format", "json"];
  return { d, run: await burnrate(["statement", ...flags, "--account", join(d, "account.yaml"), "--usage", join(d, "usage.csv"), ...format]) };
}

/** Flikly's card as a later version from `effective`, in a folder of its own, Creator at 60 credits a month. */
function creatorAt60(version: string, effective: string): string {
  const file = join(dir(), `flikly-${version}.yaml`);
  writeFileSync(file, readFileSync(FLIKLY, "utf8").replace(/^version: .*$/m, `version: "${version}"`).replace(/^effective: .*$/m, `effective: "${effective}"`).replace("    included: 30 ", "    included: 60 "));
  return file;
}

/** The usage logs' header: Flikly's generations. */
const HEAD = "timestamp,account,meter,workflow,model,resolution,quantity\n";
/** Flikly's studio on Creator from May 17 in New York. */
const STUDIO = "plan: creator\naccount: studio\nanchor: 2026-05-17\ntimezone: America/New_York\n";

const cycles = (stdout: string) => (JSON.parse(stdout).accounts[0].cycles as { start: string; allowance: string; total: string; grants: { kind: string; granted: string; expired: string }[] }[]);

describe("the plan in force named again changes nothing, a change waiting for the cycle's end included", () => {
  it("keeps a renegotiated allowance that waits for the next cycle: December has 200, not the 400 before", async () => {
    // 1,500 s of Pika at 720p, 0.2 a second: 300 credits, past December's 200, refused whole.
    const { run: r } = await statementOf(`card: ${FLIKLY}\naccount: agency\nplan: custom\nallowance: 400\nanchor: 2026-11-01\nchanges:\n  - { at: 2026-11-10, allowance: 200 }\n  - { at: 2026-11-20, plan: custom }\n`, `${HEAD}2026-12-02T10:00:00Z,agency,generate,text_to_video,pika,720p,1500\n`);
    expect(r.code).toBe(0);
    expect(cycles(r.stdout).map((c) => [c.start.slice(0, 10), c.allowance, c.total])).toEqual([["2026-11-01", "400", "0"], ["2026-12-01", "200", "0"]]);
  });
});

describe("an allowance agreed while a downgrade waits (red team, stop 37)", () => {
  it("leaves the downgrade waiting: the cycle from June 17 is Creator's 30 credits and 15 USD, its 80-credit generation refused", async () => {
    // 400 s of Pika at 720p, 0.2 a second: 80 credits, past Creator's 30.
    const { run: r } = await statementOf(`card: ${FLIKLY}\naccount: studio\nplan: pro\nanchor: 2026-05-17\ntimezone: America/New_York\nchanges:\n  - { at: 2026-06-01, plan: creator }\n  - { at: 2026-06-05, allowance: 100 }\n`, `${HEAD}2026-06-20T10:00:00-04:00,studio,generate,text_to_video,pika,720p,400\n`);
    expect(r.code).toBe(0);
    const june = (JSON.parse(r.stdout).accounts[0].cycles as { start: string; allowance: string; total: string; money: { total: string } }[]).find((c) => c.start.startsWith("2026-06-17"))!;
    expect([june.allowance, june.total, june.money.total]).toEqual(["30", "0", "15"]);
  });
});

describe("a card version after the subscription's end", () => {
  it("grants the ended plan nothing: July after a June end has no allowance, whatever the version's", async () => {
    const later = creatorAt60("2026-07b", "2026-07-25");
    const usage = `${HEAD}2026-05-18T10:00:00-04:00,studio,generate,text_to_video,pika,720p,10\n2026-07-26T10:00:00-04:00,studio,generate,text_to_video,pika,720p,100\n`;
    const { run: r } = await statementOf(`${STUDIO}subscription_end: 2026-06-20\n`, usage, ["--card", FLIKLY, "--card", later]);
    expect(r.code).toBe(0);
    const july = cycles(r.stdout).find((c) => c.start.startsWith("2026-07-17"))!;
    // Creator's 30 ended with the subscription on June 20; the version of July 25 would make it 60, for a plan that gives nothing.
    expect([july.allowance, july.total, july.grants.filter((g) => g.kind === "included")]).toEqual(["0", "0", []]);
  });
});

describe("a card version at the subscription's end's own instant", () => {
  it("grants nothing either: the cycle holding the end keeps its 30, all of which expire", async () => {
    const later = creatorAt60("2026-06b", "2026-06-25");
    const { run: r } = await statementOf(`${STUDIO}subscription_end: 2026-06-25\n`, `${HEAD}2026-05-18T10:00:00-04:00,studio,generate,text_to_video,pika,720p,10\n`, ["--card", FLIKLY, "--card", later, "--through", "2026-06-30"]);
    expect(r.code).toBe(0);
    const june = cycles(r.stdout).find((c) => c.start.startsWith("2026-06-17"))!;
    // The version of June 25 (New York midnight) would make Creator 60 at the instant the subscription ends.
    expect([june.allowance, june.grants.filter((g) => g.kind === "included").map((g) => [g.granted, g.expired])]).toEqual(["30", [["0", "30"]]]);
  });
});

describe("credits are not sold after the subscription's end (red team, stop 37)", () => {
  it("simulate buys no top-ups after it: the usage is refused, and the cycles cost nothing", async () => {
    const d = dir();
    const file = join(d, "ends.yaml");
    writeFileSync(file, `name: ends\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 2\ntimezone: UTC\nchanges:\n  - { cycle: 2, subscription_end: 2026-12-01 }\nschedules:\n  - { name: sync, meter: data_read, every: hour, quantity: 200, dimensions: { project: portal } }\n`);
    const out = JSON.parse((await burnrate(["simulate", file, "--format", "json"])).stdout);
    // November: 720 hours x 200 reads x 0.01 = 1,440 credits, 440 past Pro's 1,000 at 0.01 = 4.40 + 9 = 13.40.
    // December, after the end: no plan, nothing sold, every row refused, nothing owed.
    expect(out.plans[0].cycles.map((c: { total: string; topup_needed: string; money: string }) => [c.total, c.topup_needed, c.money])).toEqual([["1440", "440", "13.4"], ["0", "0", "0"]]);
  });

  it("statement refuses a top-up an account file records after the end, at the grant, under --plan too (the end is the account's)", async () => {
    const account = `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\nsubscription_end: 2026-12-01\ngrants:\n  - { kind: topup, amount: 100, at: "2026-12-05T00:00:00Z" }\n`;
    for (const flags of [[], ["--plan", "free"]]) {
      const { d, run: r } = await statementOf(account, "timestamp,meter,quantity,project\n2026-11-03T10:00:00Z,data_read,100,portal\n", flags);
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toBe(`burnrate: error: ${join(d, "account.yaml")}:7:5: topup bought after the subscription ended (expected a purchase before the subscription's end (2026-12-01T00:00:00Z): after it no plan is in force to sell topup, found 2026-12-05T00:00:00Z)\n`);
    }
  });

  it("simulate measures no ask in a cycle after the end, where no plan runs", async () => {
    const d = dir();
    const file = join(d, "free.yaml");
    writeFileSync(file, `name: free\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: free\nstart: 2026-11-01\ncycles: 2\ntimezone: UTC\nchanges:\n  - { cycle: 2, subscription_end: 2026-12-01 }\nschedules:\n  - { name: sync, meter: data_read, every: hour, quantity: 200, dimensions: { project: portal } }\n`);
    const out = JSON.parse((await burnrate(["simulate", file, "--format", "json"])).stdout);
    // November asks 720 x 200 x 0.01 = 1,440 of Free's 100; December, after the end, is not measured (not "0").
    expect(out.plans[0].cycles.map((c: { asked: string | null }) => c.asked)).toEqual(["1440", null]);
  });

  it("an end given back at the next cycle's start leaves the ended cycle ended: December lapses on the 15th, in simulate and statement", async () => {
    const d = dir();
    const file = join(d, "restore.yaml");
    writeFileSync(file, `name: restore\ncard: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nstart: 2026-11-01\ncycles: 3\ntimezone: UTC\nchanges:\n  - { cycle: 2, subscription_end: 2026-12-15 }\n  - { cycle: 3, subscription_end: 2027-06-01 }\nschedules:\n  - { name: sync, meter: data_read, every: hour, quantity: 300, dimensions: { project: portal } }\n`);
    const out = JSON.parse((await burnrate(["simulate", file, "--emit-usage", join(d, "emitted"), "--format", "json"])).stdout);
    // November: 720 hours x 300 x 0.01 = 2,160 credits, 1,160 bought: 11.60 + 9 = 20.60. December to the 15th: 14 x 24 = 336 hours x 300 reads x 0.01 = 1,008 credits, 8 past Pro's 1,000 at 0.01 = 0.08
    // + 9 = 9.08; nothing is bought for the rest, refused after the end. January, restored: 744 x 3 = 2,232 credits,
    // 1,232 bought: 12.32 + 9 = 21.32.
    expect(out.plans[0].cycles.map((c: { money: string }) => c.money)).toEqual(["20.6", "9.08", "21.32"]);
    const r = await burnrate(["statement", "--account", join(d, "emitted", "account.yaml"), "--usage", join(d, "emitted", "usage.csv"), "--format", "json"]);
    expect(r.code).toBe(0);
    const december = cycles(r.stdout)[1] as unknown as { subscription_end?: string; money: { total: string } };
    expect([december.subscription_end, december.money.total]).toEqual(["2026-12-15T00:00:00Z", "9.08"]);
  });
});
