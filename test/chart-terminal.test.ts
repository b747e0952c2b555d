import { Chalk } from "chalk";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import type { LedgerEntry, Statement } from "../src/engine/types.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { sum } from "../src/money.js";
import { BurnLedger } from "../src/render/charts/ledger.js";
import { glyphsFor } from "../src/render/charts/glyphs.js";
import { burnDowns, entriesByAccount, type BurnEntry } from "../src/render/charts/series.js";
import { statementCharts } from "../src/render/charts/terminal.js";
import type { RenderContext } from "../src/render/shared/context.js";
import { replayFiles } from "../src/replay/replay-files.js";

const UTF8 = glyphsFor({ LANG: "en_GB.UTF-8" });
const ASCII = glyphsFor({ LANG: "C" });

interface Replayed {
  statement: Statement;
  full: LedgerEntry[];
  thinned: BurnLedger;
  ctx: RenderContext;
}

async function replayFliplet(): Promise<Replayed> {
  const account = loadAccount("fixtures/fliplet/account.yaml");
  const card = loadCardFor(undefined, account);
  const settings = resolveAccount(card, account, {});
  const input = { files: ["fixtures/fliplet/usage.csv"], mappingFile: undefined, mapFlags: [] };
  const full: LedgerEntry[] = [];
  const statement = await replayFiles(card, settings, input, { push: (e) => full.push(e), restart: () => (full.length = 0) });
  const thinned = new BurnLedger();
  await replayFiles(card, settings, input, thinned);
  return { statement, full, thinned, ctx: { card, zone: settings.zone, color: new Chalk({ level: 0 }) } };
}

const visible = (line: string) => [...line.replace(/\x1b\[[0-9;]*m/g, "")].length;

let fliplet: Replayed;
beforeAll(async () => {
  fliplet = await replayFliplet();
});

describe("glyphs follow the locale", () => {
  it("UTF-8 from LANG, LC_CTYPE or LC_ALL, the first one set deciding", () => {
    expect(glyphsFor({ LANG: "en_US.UTF-8" })).toBe(UTF8);
    expect(glyphsFor({ LANG: "de_DE.utf8" })).toBe(UTF8);
    expect(glyphsFor({ LC_CTYPE: "C.UTF-8", LANG: "C" })).toBe(UTF8);
    expect(glyphsFor({ LC_ALL: "C", LC_CTYPE: "en_US.UTF-8", LANG: "en_US.UTF-8" })).toBe(ASCII);
    expect(glyphsFor({ LC_ALL: "", LANG: "en_US.UTF-8" })).toBe(UTF8);
  });

  it("ASCII without a locale or with a legacy one", () => {
    expect(glyphsFor({})).toBe(ASCII);
    expect(glyphsFor({ LANG: "POSIX" })).toBe(ASCII);
    expect(glyphsFor({ LANG: "en_US.ISO-8859-1" })).toBe(ASCII);
  });
});

describe("the burn-down series", () => {
  it("opens with the grants' opening balance and ends on their closing, per cycle", () => {
    for (const ledger of [entriesByAccount(fliplet.full), fliplet.thinned]) {
      const burns = burnDowns(fliplet.statement, ledger, fliplet.ctx.card);
      expect(burns).toHaveLength(3);
      for (const burn of burns) {
        const c = burn.cycle;
        expect(burn.points[0]!.balance.eq(sum(c.grants.map((g) => g.opening)))).toBe(true);
        expect(burn.points.at(-1)!.balance.eq(sum(c.grants.map((g) => g.closing)))).toBe(true);
        expect(burn.points.at(-1)!.graceUsed.eq(c.uncovered)).toBe(true);
        expect(burn.marks.filter((m) => m.kind === "threshold").map((m) => m.percent)).toEqual(c.thresholds.map((t) => t.percent));
      }
    }
  });

  it("marks the grace buffer's start, the first refusal and the top-up in cycle 2", () => {
    const burn = burnDowns(fliplet.statement, fliplet.thinned, fliplet.ctx.card)[1]!;
    const grace = burn.marks.find((m) => m.kind === "grace")!;
    const firstGraced = fliplet.full.find((e) => e.at >= burn.cycle.start && e.uncovered.gt(0))!;
    expect(grace.at).toBe(firstGraced.at);
    expect(burn.marks.find((m) => m.kind === "exhausted")!.at).toBe(burn.cycle.exhaustedAt);
    expect(burn.marks.filter((m) => m.kind === "payment").map((m) => m.amount!.toFixed())).toEqual(["200"]);
    expect(burn.graceLimit.toFixed()).toBe("100");
  });
});

describe("the thinned ledger", () => {
  it("keeps every non-charge entry and, per hour, the last charge", () => {
    const { full } = fliplet;
    const thinned = fliplet.thinned.of(fliplet.statement.accounts[0]!.account);
    expect(new Set(full.map((e) => e.account)).size).toBe(1);
    expect(thinned.length).toBeLessThan(full.length / 2);
    const point = (e: BurnEntry) => [e.at, e.type, e.balance.toFixed(), e.uncovered.toFixed(), e.type === "payment" ? `${e.amount.toFixed()} ${e.grant}` : ""];
    expect(thinned.filter((e) => e.type !== "charge").map(point)).toEqual(full.filter((e) => e.type !== "charge").map(point));
    const lastPerHour = (entries: readonly BurnEntry[]) => {
      const out = new Map<number, string>();
      for (const e of entries) out.set(Math.floor(e.at / 3_600_000), `${e.balance.toFixed()} ${e.uncovered.toFixed()}`);
      return out;
    };
    expect(lastPerHour(thinned)).toEqual(lastPerHour(full));
  });

  it("starts afresh when the replay empties it", () => {
    const ledger = new BurnLedger();
    const entry = (at: number, balance: number): LedgerEntry => ({
      at, account: "a", type: "charge", meter: "m", grant: undefined, dimensions: {}, quantity: undefined,
      amount: fliplet.full[0]!.amount.mul(0), uncovered: fliplet.full[0]!.uncovered.mul(0), balance: fliplet.full[0]!.amount.mul(0).plus(balance),
    });
    ledger.push(entry(0, 10));
    ledger.push(entry(60_000, 9));
    expect(ledger.of("a").map((e) => e.balance.toNumber())).toEqual([10, 9]);
    ledger.restart();
    expect(ledger.of("a")).toEqual([]);
    ledger.push(entry(0, 5));
    expect(ledger.of("a").map((e) => e.balance.toNumber())).toEqual([5]);
  });
});

describe("the terminal chart", () => {
  const draw = (glyphs = UTF8, width = 80, color = fliplet.ctx.color) =>
    statementCharts(fliplet.statement, fliplet.thinned, { ...fliplet.ctx, color }, { width, glyphs });

  it("fits 80 columns, and narrower terminals too", () => {
    for (const width of [80, 64]) {
      for (const glyphs of [UTF8, ASCII]) {
        const lines = draw(glyphs, width).split("\n");
        expect(lines.filter((l) => visible(l) > width)).toEqual([]);
      }
    }
  });

  it("draws a burn-down per cycle with the marks on the axis and their times in the legend", () => {
    const text = draw();
    expect(text.match(/^Burn-down · cycle \d/gm)).toHaveLength(3);
    const cycle2 = text.split("Burn-down · cycle 2")[1]!.split("Burn-down · cycle 3")[0]!;
    const axis = cycle2.split("\n").find((l) => l.includes("┼"))!;
    // 70, 80 and 90 percent, the refusal, 100 percent and the grace buffer, in time order; then the top-up.
    expect(axis.replace(/[^▲✕◆+]/g, "")).toBe("▲▲▲✕▲◆+");
    expect(cycle2).toContain("▲ 70% 10-15 15:24 · ▲ 80% 10-15 15:48 · ▲ 90% 10-15 16:24 · ▲ 100% 10-16 07:48");
    expect(cycle2).toMatch(/◆ grace buffer \(100\.00\) from 10-16 \d\d:\d\d/);
    expect(cycle2).toContain("+ topup 200.00 10-26 12:00");
    expect(cycle2.split("\n").some((l) => l.trimStart().startsWith("grace │") && /[▔▀█]/.test(l))).toBe(true);
  });

  it("lists the top categories and projects with bars, amounts and shares", () => {
    const cycle2 = draw().split("Burn-down · cycle 2")[1]!.split("Burn-down · cycle 3")[0]!;
    const categories = cycle2.split("Top categories\n")[1]!.split("\n").slice(0, 6);
    expect(categories[0]).toMatch(/^ {2}AI generation in the builder +█+ 963\.09 74\.09%$/);
    expect(categories[5]).toMatch(/^ {2}… 1 more +8\.00 {2}0\.62%$/);
    const projects = cycle2.split("Top projects\n")[1]!.split("\n").slice(0, 3).map((l) => l.trim().split(/\s+/)[0]);
    expect(projects).toEqual(["gamma", "alpha", "beta"]);
  });

  it("degrades to plain ASCII", () => {
    const text = draw(ASCII);
    expect(text).toMatch(/^[\x00-\x7f]*$/);
    expect(text).toContain("^ 70% 10-15 15:24");
    expect(text).toMatch(/G grace buffer \(100\.00\) from/);
    expect(text).toContain("#");
  });

  it("colours only when the context does", () => {
    expect(draw()).not.toContain("\x1b[");
    expect(draw(UTF8, 80, new Chalk({ level: 1 }))).toContain("\x1b[");
  });
});
