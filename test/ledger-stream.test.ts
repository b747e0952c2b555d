import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// The ledger has an entry per event, so json and csv are written as the replay
// makes them. A replay that starts over (unsorted rows, a quoted field that needs
// the full CSV parser) must cut what it wrote back and leave one whole ledger.
const ACCOUNT = "fixtures/fliplet/account.yaml";
const USAGE = "fixtures/fliplet/usage.csv";

async function ok(args: string[], input?: string) {
  const run = await burnrate(args, { input });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

describe("the ledger written as the replay goes", () => {
  const [header, ...rows] = readFileSync(join(ROOT, USAGE), "utf8").trimEnd().split("\n");
  const dir = mkdtempSync(join(tmpdir(), "burnrate-ledger-"));
  const shuffled = join(dir, "shuffled.csv");
  writeFileSync(shuffled, [header, ...[...rows].reverse()].join("\n") + "\n");
  // A quoted field partway through: the fast reader gives up there and csv-parse reads the file again.
  const quoted = join(dir, "quoted.csv");
  const late = rows.length - 3;
  writeFileSync(quoted, [header, ...rows.map((r, i) => (i === late ? r.replace(/^([^,]*),/, '"$1",') : r))].join("\n") + "\n");

  it("is JSON.stringify's own layout, with an entry per event", async () => {
    const json = await ok(["statement", "--account", ACCOUNT, "--usage", USAGE, "--ledger", "--format", "json"]);
    const doc = JSON.parse(json);
    expect(`${JSON.stringify(doc, null, 2)}\n`).toBe(json);
    expect(doc.schema).toBe("burnrate.ledger/v1");
    expect(doc.entries.filter((e: { type: string }) => e.type === "charge").length).toBeGreaterThan(20);
  });

  it.each(["json", "csv"])("in %s: the same bytes to stdout, to -o, after a replay in sorted runs and after a fall back to csv-parse", async (format) => {
    const args = (usage: string) => ["statement", "--account", ACCOUNT, "--usage", usage, "--ledger", "--format", format];
    const expected = await ok(args(USAGE));
    expect(await ok(args(shuffled))).toBe(expected);
    expect(await ok(args(quoted))).toBe(expected);
    expect(await ok(args("-"), readFileSync(shuffled, "utf8"))).toBe(expected);
    const out = join(dir, `ledger.${format}`);
    expect(await ok([...args(shuffled), "-o", out])).toBe("");
    expect(readFileSync(out, "utf8")).toBe(expected);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("an empty log gives an empty ledger in both formats, with the statement's note of no usage read", async () => {
    const empty = join(dir, "empty.csv");
    writeFileSync(empty, `${header}\n`);
    // Since stop 71 the ledger says what the statement says of its replay (red71a M1): here, that no row was read.
    const note = `burnrate: note: no usage row was read from ${empty} (a header alone, or only rows skipped): the ledger holds the plans' fees and the grants, without usage\n`;
    const noted = async (args: string[]) => {
      const run = await burnrate(args);
      expect([run.code, run.stderr]).toEqual([0, note]);
      return run.stdout;
    };
    const json = await noted(["statement", "--account", ACCOUNT, "--usage", empty, "--ledger", "--format", "json", "--through", "2026-09-20"]);
    expect(`${JSON.stringify(JSON.parse(json), null, 2)}\n`).toBe(json);
    const csv = await noted(["statement", "--account", ACCOUNT, "--usage", empty, "--ledger", "--format", "csv", "--through", "2026-09-20"]);
    expect(csv.split("\n")[0]).toBe("at,account,type,meter,grant,dimensions,quantity,amount,uncovered,balance");
  });
});
