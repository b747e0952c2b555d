import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { headerOnlyFilesNote } from "../src/usage/sources.js";

// red68 L2: a daily CSV cut to its header by a failed export lost its day's rows with no word, where a 0-byte day was
// named. Among several usage files where others hold rows, the files of a header alone are named.
describe("the note of usage files of a header alone", () => {
  const dir = mkdtempSync(join(tmpdir(), "headeronly68-"));
  const file = (name: string, bytes: string | Buffer) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const header = "timestamp,meter,quantity,project";
  const day = file("d1.csv", `${header}\n2026-11-01T10:00:00Z,data_read,1,p\n`);
  const plain = file("d2.csv", `${header}\n`);
  const windows = file("d3.csv", `\uFEFF${header}\r\n\r\n`);
  const gzipped = file("d4.csv.gz", gzipSync(`${header}\n`));
  const unended = file("d5.csv", header);
  const lines = file("d6.jsonl", '{"timestamp":"2026-11-01T10:00:00Z"}\n');
  // Read by its content: one JSON line is a row, whatever the file's name.
  const jsonInCsv = file("d7.csv", '{"timestamp":"2026-11-01T10:00:00Z","meter":"data_read","quantity":1}\n');

  it("names each, with a byte-order mark, CRLF, gzipped or without a line end, among files with rows", () => {
    expect(headerOnlyFilesNote([day, plain, windows, gzipped, unended, lines])).toBe(
      `burnrate: note: 4 of the 6 usage files hold a header and no rows ("d2.csv", "d3.csv", "d4.csv.gz", "d5.csv" in ${JSON.stringify(dir)}): read as no usage, as a quiet day's export is; a failed export that wrote its header leaves such a file too, and its usage is then missing from what is read\n`,
    );
  });

  it("says nothing of one file, of files with rows, nor where every file is a header alone (the run's own note says that)", () => {
    expect(headerOnlyFilesNote([plain])).toBeUndefined();
    expect(headerOnlyFilesNote([day, lines])).toBeUndefined();
    expect(headerOnlyFilesNote([day, jsonInCsv])).toBeUndefined();
    expect(headerOnlyFilesNote([plain, windows])).toBeUndefined();
  });
});
