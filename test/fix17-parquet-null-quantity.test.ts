import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// A Parquet quantity written null is priced as one event, as an empty CSV cell and a JSON null are, and said on
// stderr as a JSON null is (red team, stop 35: the note was given for JSON Lines alone). Fliplet data_read: 0.01.
describe("Parquet: a quantity written null", () => {
  it("is priced as one read and told, with the rows' count and the first row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fix17-"));
    const file = join(dir, "usage.parquet");
    writeFileSync(
      file,
      Buffer.from(
        parquetWriteBuffer({
          schema: [
            { name: "root", num_children: 4 },
            { name: "timestamp", type: "BYTE_ARRAY", repetition_type: "REQUIRED", converted_type: "UTF8" },
            { name: "meter", type: "BYTE_ARRAY", repetition_type: "REQUIRED", converted_type: "UTF8" },
            { name: "project", type: "BYTE_ARRAY", repetition_type: "REQUIRED", converted_type: "UTF8" },
            { name: "quantity", type: "DOUBLE", repetition_type: "OPTIONAL" },
          ],
          columnData: [
            { name: "timestamp", data: ["2026-11-02T10:00:00Z", "2026-11-02T10:01:00Z", "2026-11-02T10:02:00Z"] },
            { name: "meter", data: ["data_read", "data_read", "data_read"] },
            { name: "project", data: ["alpha", "alpha", "alpha"] },
            { name: "quantity", data: [10, null, null] },
          ],
        } as Parameters<typeof parquetWriteBuffer>[0]),
      ),
    );
    const run = await burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", file, "--format", "json"]);
    expect(run.code).toBe(0);
    // 10 + 1 + 1 reads at 0.01.
    expect(JSON.parse(run.stdout).accounts[0].cycles[0].total).toBe("0.12");
    expect(run.stderr).toMatch(new RegExp(`^burnrate: note: 2 rows of .*usage\\.parquet have no quantity \\("quantity" null or empty; the first at .*usage\\.parquet:\\d+:1\\): each is priced as one event, as an empty quantity is\\n$`));
  });
});
