import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Parquet pages compressed with zstd (Polars' default, a common DuckDB choice) were refused: only uncompressed and
// snappy pages were read (newcomer, stop 43). zstd, gzip and brotli are read now, LZ4 still refused naming the codec.
// The same 5,000 Fliplet data_read rows in each codec, in row groups of 2,048: quantities 1 to 7 in turn.
const dir = mkdtempSync(join(tmpdir(), "parquet-codecs-"));
const file = (codec: string) => join(dir, `${codec}.parquet`);

beforeAll(async () => {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  for (const codec of ["snappy", "zstd", "gzip", "brotli", "lz4"]) {
    await connection.run(
      `COPY (SELECT TIMESTAMPTZ '2026-11-02 10:00:00+00' + INTERVAL (i) SECOND AS timestamp, 'data_read' AS meter, (i % 7 + 1)::BIGINT AS quantity, 'p' || (i % 3) AS project FROM range(5000) t(i)) TO '${file(codec)}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048)`,
    );
  }
  connection.closeSync();
  db.closeSync();
});

const statement = (codec: string) => burnrate(["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01", "--usage", file(codec), "--format", "json"]);

describe("Parquet pages compressed otherwise than snappy (newcomer, stop 43)", () => {
  it("are read with zstd, gzip and brotli, as the snappy file is", async () => {
    // 5,000 rows of quantities 1 to 7 in turn: 714 whole turns of 28 and a last 1 and 2, 19,995 reads at 0.01 credits.
    const snappy = await statement("snappy");
    expect([snappy.code, snappy.stderr]).toEqual([0, ""]);
    expect(JSON.parse(snappy.stdout).accounts[0].cycles[0].total).toBe("199.95");
    const rows = (out: string) => out.replaceAll(/"first_line": ".*"/g, "");
    for (const codec of ["zstd", "gzip", "brotli"]) {
      const run = await statement(codec);
      expect([run.code, run.stderr], codec).toEqual([0, ""]);
      expect(rows(run.stdout), codec).toBe(rows(snappy.stdout));
    }
  });

  it("refuses LZ4 at the first row group, naming the codec and the ones read", async () => {
    const run = await statement("lz4");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`burnrate: error: ${file("lz4")}:1:1: a Parquet row group that cannot be read (expected Parquet pages uncompressed or compressed with snappy, zstd, gzip or brotli, found parquet unsupported compression codec: LZ4_RAW)\n`);
  });
});
