import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binary, burnrate, ROOT } from "./helpers/cli.js";
import { ON_THREAD, THREAD_BYTES } from "./helpers/thread.js";

const card = ["--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01"];
const HEADER = "timestamp,meter,quantity,project\n";
const ROW = "2026-11-02T10:00:00Z,data_read,1,p1\n";
/** The column of the byte after the project cell's `p` (at 34) on a row of this layout. */
const AFTER_P = 35;

function folder(): string {
  return mkdtempSync(join(tmpdir(), "burnrate-redteam5-"));
}

/** A usage file of HEADER, `before` good rows, a row whose project is `p` and `bad`, and two good rows. */
function usageWith(bad: Buffer, before = 1): string {
  const file = join(folder(), "usage.csv");
  const row = Buffer.concat([Buffer.from("2026-11-02T10:00:00Z,data_read,1,p"), bad, Buffer.from("\n")]);
  writeFileSync(file, Buffer.concat([Buffer.from(HEADER + ROW.repeat(before)), row, Buffer.from(ROW.repeat(2))]));
  return file;
}

describe("bytes a UTF-8 decoder refuses are found where they are", () => {
  // Well-formed UTF-8 narrows some leads' second byte (Unicode table 3-7); these passed the
  // offset search and the error named line 5 of a 4-line file, "the byte 0x0".
  const sequences: [string, number[]][] = [
    ["a lone surrogate (ED A0 BD)", [0xed, 0xa0, 0xbd]],
    ["the last surrogate (ED BF BF)", [0xed, 0xbf, 0xbf]],
    ["a code point past U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80]],
    ["an overlong three-byte form (E0 80 AF)", [0xe0, 0x80, 0xaf]],
    ["an overlong four-byte form (F0 80 80 AF)", [0xf0, 0x80, 0x80, 0xaf]],
  ];
  for (const [what, bytes] of sequences) {
    it(`${what}: at its line and column, naming its first byte`, async () => {
      const usage = usageWith(Buffer.from(bytes));
      const run = await burnrate(["statement", ...card, "--usage", usage]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`usage.csv:3:${AFTER_P}: file is not UTF-8 (expected UTF-8 text, found the byte 0x${bytes[0]!.toString(16)})`);
    });
  }

  it("the well-formed edges of those ranges are read", async () => {
    const edges = Buffer.from([0xed, 0x9f, 0xbf, 0xf4, 0x8f, 0xbf, 0xbf, 0xe0, 0xa0, 0x80, 0xf0, 0x90, 0x80, 0x80]);
    const run = await burnrate(["statement", ...card, "--usage", usageWith(edges), "--format", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const projects = JSON.parse(run.stdout).accounts[0].cycles[0].lines.map((l: { dimensions: { project: string } }) => l.dimensions.project);
    expect(projects).toContain(`p${edges.toString("utf8")}`);
  });

  it("in a file past the thread's size (read on a worker) and in an account file", () => {
    // Rows enough to pass the thread's size by an eighth (9,000,000 bytes passed the default 8 MB by some 7%): the bad row is read on the thread.
    const rows = Math.ceil((THREAD_BYTES + THREAD_BYTES / 8) / ROW.length);
    const usage = usageWith(Buffer.from([0xed, 0xa0, 0xbd]), rows);
    expect(statSync(usage).size).toBeGreaterThan(THREAD_BYTES);
    const big = binary(["statement", ...card, "--usage", usage], { env: ON_THREAD });
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(`usage.csv:${rows + 2}:${AFTER_P}: file is not UTF-8 (expected UTF-8 text, found the byte 0xed)`);
    const account = join(folder(), "account.yaml");
    writeFileSync(account, Buffer.concat([Buffer.from("account: a"), Buffer.from([0xed, 0xa0, 0xbd]), Buffer.from("\nplan: pro\n")]));
    const yaml = binary(["statement", ...card, "--account", account, "--usage", usageWith(Buffer.from("x"))]);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toContain("account.yaml:1:11: file is not UTF-8 (expected UTF-8 text, found the byte 0xed)");
  });
});

describe("--no-progress before the command", () => {
  const args = ["simulate", join(ROOT, "fixtures/scenarios/fliplet/sms-100.yaml"), "--format", "json"];
  const terminal = { terminal: { columns: 80, colors: 1 }, env: { CI: "" } };

  it("hides the line as after it does (it was an unknown option and a page of help, exit 2)", async () => {
    const shown = await burnrate(args, terminal);
    expect(shown.stderr).toContain("simulating Pro");
    const before = await burnrate(["--no-progress", ...args], terminal);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stderr).toBe("");
    expect(before.stdout).toBe(shown.stdout);
    const after = await burnrate([...args, "--no-progress"], terminal);
    expect(after.stderr).toBe("");
    expect(after.stdout).toBe(shown.stdout);
  });

  it("is listed once: under each command, not in the top-level help", async () => {
    expect((await burnrate(["--help"])).stdout).not.toContain("--no-progress");
    expect((await burnrate(["statement", "--help"])).stdout).toContain("--no-progress");
  });
});
