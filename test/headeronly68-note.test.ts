import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";

// red68 L2: a daily CSV cut to its header by a failed export lost its day's rows with no word, where a 0-byte day was
// named. Among several usage files where others hold rows, the files of a header alone are named. red68c L3: named as
// the readers found them, whatever the file's name or size, and standard input too (until then, files named .csv of
// 16 KiB at most, looked at again).
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
  const row = '{"timestamp":"2026-11-01T10:00:00Z","meter":"data_read","quantity":1,"project":"p"}\n';
  const lines = file("d6.jsonl", row);
  // Read by its content: one JSON line is a row, whatever the file's name.
  const jsonInCsv = file("d7.csv", row);
  file("account.yaml", `card: ${JSON.stringify(resolve("ratecards/fliplet.yaml"))}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);

  /** What statement writes on stderr for these usage files (and standard input, where given). */
  async function notes(files: readonly string[], input?: string, more: string[] = []): Promise<string> {
    const r = await burnrate(["statement", "--account", join(dir, "account.yaml"), ...files.flatMap((f) => ["--usage", f]), ...more, "--format", "json"], { input });
    expect(r.code).toBe(0);
    return r.stderr;
  }
  const note = (them: string, named: string) => `burnrate: note: ${them} a header and no rows (${named}): read as no usage, as a quiet day's export is; a failed export that wrote its header leaves such a file too, and its usage is then missing from what is read\n`;

  it("names each, with a byte-order mark, CRLF, gzipped or without a line end, among files with rows", async () => {
    expect(await notes([day, plain, windows, gzipped, unended, lines])).toContain(
      `burnrate: note: 4 of the 6 usage files hold a header and no rows ("d2.csv", "d3.csv", "d4.csv.gz", "d5.csv" in ${JSON.stringify(dir)}): read as no usage, as a quiet day's export is; a failed export that wrote its header leaves such a file too, and its usage is then missing from what is read\n`,
    );
  });

  it("says nothing of one file, of files with rows, nor where every file is a header alone (the run's own note says that)", async () => {
    for (const files of [[plain], [day, lines], [day, jsonInCsv], [plain, windows]]) expect(await notes(files)).not.toContain("a header and no rows");
  });

  it("names standard input, a .txt file, and a file past 16 KiB (red68c L3)", async () => {
    expect(await notes([day, "-"], `${header}\n`)).toContain(note("1 of the 2 usage files holds", "standard input (--usage -)"));
    const text = file("d8.txt", `${header}\n`);
    expect(await notes([day, text])).toContain(note("1 of the 2 usage files holds", `"d8.txt" in ${JSON.stringify(dir)}`));
    // A header and 20,000 blank lines: 20,033 bytes, no row.
    const large = file("d9.csv", `${header}\n${"\n".repeat(20_000)}`);
    // Standard input where it was given, after the files or before them (red69b L5: named first wherever it came).
    expect(await notes([day, large, "-"], `${header}\n`)).toContain(note("2 of the 3 usage files hold", `"d9.csv" in ${JSON.stringify(dir)}, standard input (--usage -)`));
    expect(await notes(["-", day, large], `${header}\n`)).toContain(note("2 of the 3 usage files hold", `standard input (--usage -), "d9.csv" in ${JSON.stringify(dir)}`));
  });

  it("names standard input given between files between them, in the order given (red70b #8)", async () => {
    const before = file("d11.csv", `${header}\n`);
    const after = file("d12.csv", `${header}\n`);
    // It was named last: ("d11.csv", "d12.csv" in DIR, standard input (--usage -)).
    expect(await notes([day, before, "-", after], `${header}\n`)).toContain(note("3 of the 4 usage files hold", `"d11.csv" in ${JSON.stringify(dir)}, standard input (--usage -), "d12.csv" in ${JSON.stringify(dir)}`));
  });

  it("names a header of quoted cells, read by the full CSV parser, as the scanner's", async () => {
    const quoted = file("d10.csv", `${header.split(",").map((c) => `"${c}"`).join(",")}\n`);
    expect(await notes([day, quoted])).toContain(note("1 of the 2 usage files holds", `"d10.csv" in ${JSON.stringify(dir)}`));
  });

  it("does not name a file whose every row skip_rows: leaves out: its rows are told as skipped", async () => {
    const ok = file("s1.csv", `${header},status\n2026-11-01T10:00:00Z,data_read,1,p,ok\n`);
    const failed = file("s2.csv", `${header},status\n2026-11-01T11:00:00Z,data_read,1,p,failure\n`);
    const quotedFailed = file("s3.csv", `"timestamp","meter","quantity","project","status"\n"2026-11-01T12:00:00Z","data_read","1","p","failure"\n`);
    const mapping = file("skip.yaml", "skip_rows: { status: [failure] }\n");
    const said = await notes([ok, failed, quotedFailed], undefined, ["--mapping", mapping]);
    expect(said).not.toContain("a header and no rows");
    expect(said).toContain("skipped as not usage by skip_rows:");
  });
});
