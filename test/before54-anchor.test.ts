import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer53 M1: a gateway's November, exported in UTC, starts with rows that are still 31 October in New York. One
// stopped the month (exit 2), and the advice, an anchor a month earlier, invented an October cycle with its plan fee
// and a recurring grant of 4,000 credits nobody bought. Fliplet's data_read is 0.01 a read (ratecards/fliplet.yaml).
const ACCOUNT = [
  `card: ${join(ROOT, "ratecards/fliplet.yaml")}`,
  "plan: pro",
  "anchor: 2026-11-01",
  "timezone: America/New_York",
  "recurring_grants: [ { kind: topup, amount: 4000 } ]",
  "",
].join("\n");

const USAGE = [
  "timestamp,meter,quantity,project",
  // 23:30 and 23:45 on 31 October in New York (UTC-4 until 1 November's 02:00): before the anchor's local midnight.
  "2026-11-01T03:30:00Z,data_read,5,p1",
  "2026-11-01T03:45:00Z,data_read,7,p1",
  "2026-11-02T10:00:00Z,data_read,1,p1",
  "2026-11-03T10:00:00Z,data_read,2,p1",
  "",
].join("\n");

function folder(usage = USAGE): string {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-before54-"));
  writeFileSync(join(dir, "account.yaml"), ACCOUNT);
  writeFileSync(join(dir, "usage.csv"), usage);
  return dir;
}

describe("usage before the first cycle", () => {
  it("stops the run by default, and the error offers --skip-before-anchor before an earlier anchor's fee and grants", async () => {
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: folder() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage.csv:2:1: usage before the first cycle");
    expect(r.stderr).toContain("--skip-before-anchor leaves out the charges of the cycle before, counted in a note; an anchor a cycle earlier, --anchor or anchor:, bills them in a cycle of its own, with its plan fee and recurring grants");
  });

  it("is left out with --skip-before-anchor, counted in a note, and no cycle before the anchor is made", async () => {
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: folder() });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    // Only the two November reads: quantity 1 + 2 at 0.01 each.
    expect(s.events).toEqual({ read: 2, priced: 2, duplicates: 0, rejected: 0 });
    const cycles = s.accounts[0].cycles;
    expect(cycles).toHaveLength(1);
    expect(cycles[0].start).toBe("2026-11-01T04:00:00Z");
    const line = cycles[0].lines.find((l: { meter: string }) => l.meter === "data_read");
    expect([line.quantity, line.amount]).toEqual(["3", "0.03"]);
    // One recurring top-up of 4,000, not two: November opens with nothing carried from an October nobody bought.
    const grant = cycles[0].grants.find((g: { kind: string }) => g.kind === "topup");
    expect([grant.opening, grant.granted]).toEqual(["0", "4000"]);
    // 2 of the 4 rows: 50.00%.
    expect(r.stderr).toBe("burnrate: note: 2 usage rows from 2026-11-01T03:30:00Z to 2026-11-01T03:45:00Z (50.00% of the usage rows) fall before the first cycle, which starts 2026-11-01 in America/New_York, and are left out (--skip-before-anchor)\n");
  });

  it("says one row as one", async () => {
    const usage = USAGE.split("\n").filter((l) => !l.startsWith("2026-11-01T03:45")).join("\n");
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: folder(usage) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("burnrate: note: 1 usage row at 2026-11-01T03:30:00Z (33.33% of the usage rows) falls before the first cycle, which starts 2026-11-01 in America/New_York, and is left out (--skip-before-anchor)");
  });

  it("changes nothing and says nothing where no row is before the anchor", async () => {
    const usage = USAGE.split("\n").filter((l) => !l.startsWith("2026-11-01T03")).join("\n");
    const dir = folder(usage);
    const plain = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json"], { cwd: dir });
    const skipping = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(skipping.stdout).toBe(plain.stdout);
    expect(skipping.stderr).toBe("");
  });

  it("is refused where every row is before the anchor: a mistyped anchor, not a month to leave out", async () => {
    const usage = USAGE.split("\n").filter((l) => !l.startsWith("2026-11-0") || l.startsWith("2026-11-01T03")).join("\n");
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: folder(usage) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("burnrate: error: --skip-before-anchor: every usage row is before the first cycle (expected usage on or after the anchor, 2026-11-01 in America/New_York: the flag leaves out rows before it, and an anchor after the whole log is likely mistyped, found 2 usage rows from 2026-11-01T03:30:00Z to 2026-11-01T03:45:00Z)\n");
  });

  it("is refused for a row that starts, ends or moves an item: its state is the first cycle's to bill (red54)", async () => {
    // A project created and 50 GB added on 31 October, local: November owes the project's fee and the storage.
    const usage = ["timestamp,meter,quantity,project", "2026-11-01T03:30:00Z,project_created,1,p1", "2026-11-02T10:00:00Z,data_read,1,p1", ""].join("\n");
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: folder(usage) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("burnrate: error: usage.csv:2:1: usage before the first cycle (expected an instant on or after the anchor 2026-11-01T04:00:00Z (--skip-before-anchor leaves out charges alone: this row starts, ends or moves an item whose state the first cycle bills; an anchor a cycle earlier bills it in a cycle of its own), found 2026-11-01T03:30:00Z)\n");
  });

  it("is refused older than the cycle before the anchor: a mistyped year, as without the flag (red54)", async () => {
    const usage = ["timestamp,meter,quantity,project", "2025-11-02T10:00:00Z,data_read,1,p1", "2026-11-02T10:00:00Z,data_read,1,p1", ""].join("\n");
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: folder(usage) });
    expect(r.code).toBe(2);
    // The cycle before starts at local midnight of 1 October, 04:00 UTC in summer time.
    expect(r.stderr).toContain("usage.csv:2:1: usage before the first cycle (expected an instant on or after the anchor 2026-11-01T04:00:00Z (--skip-before-anchor leaves out the rows of the cycle before alone, from 2026-10-01T04:00:00Z: an older row is most often a mistyped year), found 2025-11-02T10:00:00Z)");
  });

  it("is refused without an anchor: the first cycle is then the earliest row's month, and the flag would leave nothing out (red54)", async () => {
    const dir = folder();
    writeFileSync(join(dir, "account.yaml"), ACCOUNT.replace("anchor: 2026-11-01\n", ""));
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("burnrate: error: --skip-before-anchor: no anchor to leave the rows before (expected an anchor, anchor: in the account file or --anchor: without one the first cycle is the month of the earliest row, and no row is before it, found none)\n");
  });

  it("knows a left-out row's event id: its retry in the first cycle is a repeat (red54)", async () => {
    const usage = ["timestamp,meter,quantity,project,event_id", "2026-11-01T03:30:00Z,data_read,5,p1,e1", "2026-11-01T04:30:00Z,data_read,5,p1,e1", "2026-11-02T10:00:00Z,data_read,1,p1,e2", ""].join("\n");
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: folder(usage) });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.events).toEqual({ read: 2, priced: 1, duplicates: 1, rejected: 0 });
    expect(s.accounts[0].cycles[0].lines.find((l: { meter: string }) => l.meter === "data_read").quantity).toBe("1");
  });

  it("names the accounts of the rows left out, most first", async () => {
    const usage = ["timestamp,meter,quantity,project,account", "2026-11-01T03:00:00Z,data_read,1,p1,acme", "2026-11-01T03:10:00Z,data_read,1,p1,globex", "2026-11-01T03:20:00Z,data_read,1,p1,globex", "2026-11-02T10:00:00Z,data_read,1,p1,acme", ""].join("\n");
    const r = await burnrate(["statement", "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: folder(usage) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('burnrate: note: 3 usage rows of 2 accounts, "globex" (2), "acme" (1), from 2026-11-01T03:00:00Z to 2026-11-01T03:20:00Z (75.00% of the usage rows) fall before the first cycle');
  });

  it("gives an anchor at an instant as the instant", async () => {
    const r = await burnrate(["statement", "--account", "account.yaml", "--anchor", "2026-11-01T12:00:00Z", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: folder() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("fall before the first cycle, which starts 2026-11-01T12:00:00Z in America/New_York");
  });

  it("is left out of reconcile too, with the note", async () => {
    const dir = folder();
    // The bill of November alone: 3 reads, 0.03 credits.
    writeFileSync(join(dir, "bill.csv"), "period_start,activity,project,quantity,amount\n2026-11-01,data_read,p1,3,0.03\n");
    const r = await burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--format", "json", "--skip-before-anchor"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("burnrate: note: 2 usage rows from 2026-11-01T03:30:00Z to 2026-11-01T03:45:00Z (50.00% of the usage rows) fall before the first cycle");
  });

  it("is left out of diff's two replays, said once", async () => {
    const card = join(ROOT, "ratecards/fliplet.yaml");
    const r = await burnrate(["diff", "--base", card, "--card", card, "--account", "account.yaml", "--usage", "usage.csv", "--format", "json", "--skip-before-anchor"], { cwd: folder() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).card_total).toBe("0.03");
    expect(r.stderr.match(/before the first cycle/g)).toHaveLength(1);
  });
});

describe("diff's account flags", () => {
  it("remembers an event_id for --dedupe-window, as statement does (it once remembered it for the whole log)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-before54-"));
    // One id twice, a day apart: a repeat for the whole log, two reads for a window of an hour.
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project,event_id\n2026-11-02T00:00:00Z,data_read,1,p1,e1\n2026-11-03T00:00:00Z,data_read,1,p1,e1\n");
    const card = join(ROOT, "ratecards/fliplet.yaml");
    const flags = ["--plan", "free", "--anchor", "2026-11-01", "--usage", "usage.csv", "--format", "json"];
    const windowed = await burnrate(["diff", "--base", card, "--card", card, ...flags, "--dedupe-window", "1h"], { cwd: dir });
    const whole = await burnrate(["diff", "--base", card, "--card", card, ...flags], { cwd: dir });
    expect([windowed.code, whole.code]).toEqual([0, 0]);
    expect(JSON.parse(windowed.stdout).base_total).toBe("0.02");
    expect(JSON.parse(whole.stdout).base_total).toBe("0.01");
  });
});

describe("a UTC month's bill of an account in New York, its first hours left out by --skip-before-anchor (newcomer60 H1)", () => {
  // The provider bills November in UTC: the 12 reads of 03:30 and 03:45 UTC on 1 November are its, and before the
  // account's first cycle (04:00 UTC). Its bill: 5 + 7 + 1 + 2 = 15 reads at 0.01, 0.15. The scan for a boundary never
  // summed a row before the first cycle, so the bill's cut at 00:00 UTC moved nothing there and was never found: the line
  // read as a quantity mismatch of 12, where the same cut, declared in the bill mapping, explained it.
  const bill = "period_start,activity,project,quantity,amount\n2026-11,Data reads,p1,15,0.15\n";
  const run = async (mapping: string | undefined) => {
    const dir = folder();
    writeFileSync(join(dir, "bill.csv"), bill);
    if (mapping !== undefined) writeFileSync(join(dir, "bill.csv.mapping.yaml"), mapping);
    return burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", "--skip-before-anchor", "--format", "json"], { cwd: dir });
  };

  it("finds the bill's cut at 00:00 UTC, the default, as where it is declared", async () => {
    for (const mapping of [undefined, 'cut: "00:00 UTC"\n']) {
      const r = await run(mapping);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.boundary_shifts).toMatchObject([{ explanation: "the bill cuts cycles at 00:00 UTC, not 00:00 America/New_York", moved_amount: "0.12", at_declared_cut: true }]);
      const line = doc.lines.find((l: { meter: string }) => l.meter === "data_read");
      // At the bill's cut: the 12 reads before the anchor moved in (2 rows), 15 reads, 0.15, as billed.
      expect([line.status, line.class, line.computed_quantity, line.computed_amount, line.moved.events_in]).toEqual(["agrees", "boundary_shift", "15", "0.15", 2]);
      expect(doc.status).toBe("within_tolerance");
    }
  });
});

