// The bench's usage log in the other formats burnrate reads (issue 19), made from
// the generated CSV so that every format holds the same rows: gzip CSV, JSON Lines
// (one flat object per row), Parquet (row groups of 100,000 rows, snappy pages, every column text) and
// Parquet as DuckDB writes it by default (`duckdb.parquet`: its typed columns, a time an INT64 TIMESTAMP,
// and its row groups of 122,880 rows), as an export from a warehouse comes (stop 50).
// Each is written once beside the CSV and reused, like the CSV itself.
import { createReadStream, createWriteStream, existsSync, renameSync } from "node:fs";
import { createInterface } from "node:readline";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { fileWriter, ParquetWriter, schemaFromColumnData } from "hyparquet-writer";

const GROUP = 100_000;

async function* lines(csv) {
  yield* createInterface({ input: createReadStream(csv, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
}

async function gzipCsv(csv, out) {
  await pipeline(createReadStream(csv, { highWaterMark: 1 << 20 }), createGzip(), createWriteStream(out));
}

async function jsonLines(csv, out) {
  const stream = createWriteStream(out);
  let names;
  let buffer = "";
  for await (const line of lines(csv)) {
    if (!names) {
      names = line.split(",");
      continue;
    }
    const cells = line.split(",");
    const row = {};
    names.forEach((name, i) => (row[name] = cells[i]));
    buffer += JSON.stringify(row) + "\n";
    if (buffer.length > 1 << 20) {
      if (!stream.write(buffer)) await new Promise((r) => stream.once("drain", r));
      buffer = "";
    }
  }
  stream.end(buffer);
  await new Promise((r) => stream.once("finish", r));
}

function parquet(csv, out) {
  return (async () => {
    let names;
    let columns;
    let writer;
    const flush = () => {
      const columnData = names.map((name, i) => ({ name, data: columns[i], type: "STRING" }));
      writer ??= new ParquetWriter({ writer: fileWriter(out), schema: schemaFromColumnData({ columnData }) });
      writer.write({ columnData, rowGroupSize: GROUP });
      columns = names.map(() => []);
    };
    for await (const line of lines(csv)) {
      if (!names) {
        names = line.split(",");
        columns = names.map(() => []);
        continue;
      }
      line.split(",").forEach((cell, i) => columns[i].push(cell));
      if (columns[0].length === GROUP) flush();
    }
    if (columns[0].length > 0) flush();
    writer.finish();
  })();
}

async function duckdbParquet(csv, out) {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${out}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
}

const MAKERS = { "csv.gz": gzipCsv, jsonl: jsonLines, parquet, "duckdb.parquet": duckdbParquet };

/** The log as `csv.gz`, `jsonl` and `parquet` files beside the CSV, made when missing. */
export async function formats(csv) {
  const files = {};
  for (const [ext, make] of Object.entries(MAKERS)) {
    const out = csv.replace(/\.csv$/, `.${ext}`);
    if (!existsSync(out)) {
      await make(csv, `${out}.partial`);
      renameSync(`${out}.partial`, out);
    }
    files[ext] = out;
  }
  return files;
}
