import fc from "fast-check";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAccount } from "../src/account/account.js";
import { loadAccount, loadCardFor } from "../src/inputs.js";
import { ZERO } from "../src/money.js";
import { reconcile } from "../src/reconcile/reconcile.js";
import { reconcileJson } from "../src/render/reconcile/json.js";

// reconcile's usage scan reads only the events that can change what it finds (usage-scan.ts, `usable`): rows of ids
// that may repeat, flow charges near a boundary, and every row of any other meter (items), then sorts them by time.
// Held here to the scan of every event on random logs of the reconcile fixture's customer: repeated ids (on flow
// meters and on items, at one instant, across meters), rows near the two boundaries a bill may cut elsewhere, rows
// moved later in the file, and bills whose differences make the scan run (duplicates, a boundary shift, drift).

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const FIXTURES = "fixtures/reconcile";
const dir = mkdtempSync(join(tmpdir(), "burnrate-scan-usable-"));
const [header, ...fixtureRows] = readFileSync(`${FIXTURES}/usage.csv`, "utf8").trimEnd().split("\n");
const BOUNDARIES = [Date.UTC(2026, 10, 1, 4), Date.UTC(2026, 11, 1, 5)];
const iso = (t: number) => new Date(t).toISOString().replace(".000", "");

const extraRow = fc.record({
  near: fc.boolean(),
  boundary: fc.constantFrom(...BOUNDARIES),
  // Minutes from the boundary (near), or days into the month (far).
  offset: fc.integer({ min: -600, max: 600 }),
  day: fc.integer({ min: 1, max: 60 }),
  // The row at the instant of the row before it.
  tied: fc.boolean(),
  id: fc.oneof(fc.constantFrom("x0", "x1", "x2", "r-003", "a-002"), fc.constant(undefined)),
  kind: fc.constantFrom("read", "read", "write", "auto", "email", "pub", "store"),
  quantity: fc.integer({ min: 1, max: 40 }),
  project: fc.constantFrom("alpha", "beta"),
  channel: fc.constantFrom("web", "ios"),
});
type Extra = typeof extraRow extends fc.Arbitrary<infer T> ? T : never;

function cells(e: Extra, unique: string): string[] {
  const id = e.id ?? unique;
  switch (e.kind) {
    case "read":
      return ["data_read", String(e.quantity), id, e.project, "", "", "", "", ""];
    case "write":
      return ["data_write", String(e.quantity), id, "alpha", "", "", "", "", ""];
    case "auto":
      return ["automation_run", "1", id, "alpha", "", "", "", "", ""];
    case "email":
      return ["email", String(1 + (e.quantity % 5)), id, "beta", "", "", "project", "", ""];
    case "pub":
      return ["published", "1", id, "alpha", e.channel, e.quantity % 2 === 0 ? "public" : "private", "", "", ""];
    default:
      return ["storage_added", String(1 + (e.quantity % 3)), id, "alpha", "", "", "", "", ""];
  }
}

/**
 * The fixture's rows and the extra ones in time order, then `moves` rows each moved up to 20 rows later in the file;
 * with `broken`, a cell quoted around a line break (in a column the rows' meters do not read), which only csv-parse reads.
 */
function logOf(extra: Extra[], moves: [number, number][], n: number, broken = false): string {
  const rows = fixtureRows.map((r) => ({ t: Date.parse(r.split(",")[0]!), r }));
  let last = Date.UTC(2026, 10, 5);
  extra.forEach((e, k) => {
    const t = e.tied ? last : e.near ? e.boundary + e.offset * 60_000 : Date.UTC(2026, 9, 2) + e.day * 86_400_000;
    last = t;
    rows.push({ t, r: [iso(t), ...cells(e, `u${k}`)].join(",") });
  });
  rows.sort((a, b) => a.t - b.t);
  for (const [from, by] of moves) {
    const i = from % rows.length;
    const [row] = rows.splice(i, 1);
    rows.splice(Math.min(rows.length, i + 1 + by), 0, row!);
  }
  if (broken) rows[0]!.r = `${rows[0]!.r.slice(0, rows[0]!.r.lastIndexOf(","))},"a\nb"`;
  const file = join(dir, `usage-${n}.csv`);
  writeFileSync(file, `${header}\n${rows.map((r) => `${r.r}\n`).join("")}`);
  return file;
}

let round = 0;

describe("reconcile's usage scan of the usable events (stop 45)", () => {
  it("finds what the scan of every event finds", async () => {
    const account = loadAccount(`${FIXTURES}/account.yaml`);
    const card = loadCardFor(undefined, account);
    const settings = resolveAccount(card, account, {});
    let scanned = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(extraRow, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 20 })), { maxLength: 6 }),
        fc.constantFrom("bill-boundary.csv", "bill-duplicates.csv", "bill-clean.csv", "bill-rate-drift.csv", "bill-quantity-mismatch.csv"),
        fc.boolean(),
        async (extra, moves, bill, broken) => {
          const file = logOf(extra, moves, round++, broken);
          const input = (scanEvery: boolean) => ({
            card,
            settings,
            usage: { files: [file], mappingFile: undefined, mapFlags: [] },
            bill: { file: `${FIXTURES}/${bill}`, mappingFile: undefined, layout: undefined, mapFlags: [] },
            tolerance: { absolute: ZERO, percent: ZERO },
            scanEvery,
          });
          const every = JSON.stringify(reconcileJson(await reconcile(input(true))));
          const usable = JSON.stringify(reconcileJson(await reconcile(input(false))));
          expect(usable).toBe(every);
          if (every.includes("duplicate_events") || every.includes("boundary_shift")) scanned++;
        },
      ),
      { numRuns: RUNS },
    );
    // The logs do reach the scan's findings: most bills differ from them by repeats or a boundary.
    expect(scanned).toBeGreaterThan(RUNS / 2);
  }, 120_000);

  it("keeps an item's rows whose ids are on one row: their places among the item's rows decide which of two rows repeats", async () => {
    // One instant, "published" (an item by project and channel): X1 (alpha, web, public, id x), Z (alpha, web, private,
    // an id of its own), X2 (beta, web, private, id x), in that order in the file. By value (channel, distribution,
    // project) they sort Z, X2, X1; alpha/web's rows then take their places in the log's order (X1, Z), which puts
    // X1 first: X2 repeats X1's id. Without Z, X2 would come first, and X1 be taken for the repeat.
    const file = join(dir, "items.csv");
    writeFileSync(file, `${header}\n${fixtureRows.join("\n")}\n${["x,alpha,web,public", "z-1,alpha,web,private", "x,beta,web,private"].map((r) => {
      const [id, project, channel, distribution] = r.split(",");
      return `2026-11-15T12:00:00Z,published,1,${id},${project},${channel},${distribution},,,\n`;
    }).join("")}`);
    const bill = join(dir, "bill-items.csv");
    writeFileSync(bill, `${readFileSync(`${FIXTURES}/bill-duplicates.csv`, "utf8")}2026-11-01,Publishing,beta,1,2\n`);
    const account = loadAccount(`${FIXTURES}/account.yaml`);
    const card = loadCardFor(undefined, account);
    const settings = resolveAccount(card, account, {});
    const input = (scanEvery: boolean) => ({
      card,
      settings,
      usage: { files: [file], mappingFile: undefined, mapFlags: [] },
      bill: { file: bill, mappingFile: undefined, layout: undefined, mapFlags: [] },
      tolerance: { absolute: ZERO, percent: ZERO },
      scanEvery,
    });
    // As written: the report's long lists are made as they are written (MappedArray).
    const usable = JSON.parse(JSON.stringify(reconcileJson(await reconcile(input(false))))) as { lines: { meter: string; dimensions: Record<string, string>; class: string | null }[] };
    const beta = usable.lines.find((l) => l.meter === "published" && l.dimensions.project === "beta");
    expect(beta?.class).toBe("duplicate_events");
    expect(JSON.stringify(usable)).toBe(JSON.stringify(reconcileJson(await reconcile(input(true)))));
  });
});
