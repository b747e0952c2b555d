import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A Parquet DOUBLE quantity is read as the shortest decimal that reads back as it, its exponent written out:
// 1.5e-7 was refused as "not a number (expected a plain decimal ...)", advice a pandas float column cannot
// follow (red team, stop 34). Fliplet: data_read 0.01 a read.
describe("Parquet: DOUBLE quantities JavaScript writes with an exponent", () => {
  it("reads 1e-7 and 1.5e-7 reads as plain decimals, beside a plain 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "red16-"));
    const file = join(dir, "usage.parquet");
    writeFileSync(
      file,
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: "timestamp", data: ["2026-11-02T10:00:00Z", "2026-11-03T10:00:00Z", "2026-11-04T10:00:00Z"], type: "STRING" },
            { name: "meter", data: ["data_read", "data_read", "data_read"], type: "STRING" },
            { name: "quantity", data: [1e-7, 1.5e-7, 2], type: "DOUBLE" },
            { name: "project", data: ["alpha", "beta", "gamma"], type: "STRING" },
          ],
        }),
      ),
    );
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--usage", file, "--plan", "pro", "--anchor", "2026-11-01", "--format", "json"]);
    expect(run.stderr).toBe("");
    const lines = JSON.parse(run.stdout).accounts[0].cycles[0].lines as { dimensions: { project: string }; quantity: string; amount: string }[];
    // 1e-7 x 0.01 = 0.000000001; 1.5e-7 x 0.01 = 0.0000000015; 2 x 0.01 = 0.02.
    expect(lines.map((l) => [l.dimensions.project, l.quantity, l.amount])).toEqual([
      ["alpha", "0.0000001", "0.000000001"],
      ["beta", "0.00000015", "0.0000000015"],
      ["gamma", "2", "0.02"],
    ]);
  });
});
