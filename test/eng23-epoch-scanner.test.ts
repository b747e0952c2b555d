import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { RowScanner } from "../src/usage/row-scanner.js";

// Timestamps as seconds or milliseconds since 1970 (`timestamp_unit:`) were refused by the row scanner, so such a log
// went the plain reader's way, every row an event (stop 40: 1.7 s where the same log with ISO times took 1.0 s). The
// scanner reads them by the plain reader's own rule (src/usage/epoch-stamps.ts).

/** 300 reads over a month, a row every 2 hours 24 minutes, as epoch seconds (some with a fraction) or ISO text. */
function rows(form: "seconds" | "milliseconds" | "iso"): string[] {
  return Array.from({ length: 300 }, (_, i) => {
    const at = Date.UTC(2026, 10, 1) + i * 8_640_000 + (i % 7) * 250;
    const stamp = form === "iso" ? new Date(at).toISOString() : form === "milliseconds" ? String(at) : (at / 1000).toFixed(i % 7 === 0 ? 0 : 3);
    return `${stamp},data_read,${(i % 5) + 1},p${i % 4}`;
  });
}

function folder(lines: string[], mapping: string, quoted = false): string {
  const dir = mkdtempSync(join(tmpdir(), "eng23-epoch-"));
  const body = lines.map((l, i) => (quoted && i === 0 ? l.replace(/,p(\d)$/, ',"p$1"') : l)).join("\n");
  writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n${body}\n`);
  writeFileSync(join(dir, "map.yaml"), mapping);
  return dir;
}

const statement = async (dir: string) => {
  const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--mapping", "map.yaml", "--format", "json"], { cwd: dir });
  expect(r.stderr).toBe("");
  return r.stdout;
};

describe("epoch timestamps", () => {
  for (const unit of ["seconds", "milliseconds"] as const) {
    it(`in ${unit} are read by the row scanner, to the statement of the plain reader and of the same times in ISO`, async () => {
      const scan = vi.spyOn(RowScanner.prototype, "scan");
      try {
        const scanned = await statement(folder(rows(unit), `timestamp_unit: ${unit}\n`));
        expect(scan).toHaveBeenCalled();
        // A quoted cell sends the file to csv-parse, the plain reader.
        const plain = await statement(folder(rows(unit), `timestamp_unit: ${unit}\n`, true));
        const iso = await statement(folder(rows("iso"), "{}\n"));
        expect(scanned).toBe(plain);
        expect(scanned).toBe(iso);
        // 300 rows of quantities 1 to 5 in turn: 60 x 15 = 900 reads at 0.01.
        expect(JSON.parse(scanned).accounts[0].cycles[0].total).toBe("9");
      } finally {
        scan.mockRestore();
      }
    });
  }

  it("refuses a stamp that is no number as the plain reader does, at its cell", async () => {
    const lines = rows("seconds");
    lines[3] = lines[3]!.replace(/^[^,]*/, "17x6");
    const r = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", "usage.csv", "--mapping", "map.yaml"], { cwd: folder(lines, "timestamp_unit: seconds\n") });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('burnrate: error: usage.csv:5:1: bad timestamp (expected seconds since 1970-01-01T00:00:00Z (timestamp_unit:, a layout\'s or the mapping\'s), found "17x6")\n');
  });
});
