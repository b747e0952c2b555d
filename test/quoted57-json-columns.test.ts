import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCard } from "../src/inputs.js";
import { Zone } from "../src/time.js";
import { usageLayout } from "../src/usage/layouts.js";
import { withFlags } from "../src/usage/mapping.js";
import { scanChunks } from "../src/usage/scanned-events.js";
import { burnrate, ROOT } from "./helpers/cli.js";
import { chunked } from "./helpers/chunks.js";
import { collect } from "./helpers/reader-outcomes.js";
import { utf8Guard } from "../src/usage/utf8.js";

// LiteLLM's spend logs as Postgres's COPY ... CSV HEADER writes them: `metadata` and `request_tags` are JSON, quoted,
// their quotes doubled (newcomer55 M2: every real export went to csv-parse, 3.7 times as slow). Floopy's card
// (ratecards/floopy.yaml): gpt-4o on openai costs 0.00025 cents an input token and 0.001 an output token, so a call
// of 1,000 prompt and 100 completion tokens costs 0.25 + 0.1 = 0.35 cents.
const dir = mkdtempSync(join(tmpdir(), "quoted57-"));
const HEADER = "request_id,spend,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider,team_id,metadata,request_tags,status";
const metadata = (i: number) => `"{""user_api_key_alias"": ""key-${i}"", ""requester_ip_address"": """", ""tags"": [""a"", ""b,c""]}"`;
const tags = (i: number) => (i % 3 === 0 ? "[]" : `"[""prod"", ""t${i}""]"`);
const stamp = (i: number) => new Date(Date.UTC(2026, 10, 2) + i * 60_000).toISOString();
const row = (id: string, i: number, status = "success") => `${id},0.1,1000,100,${stamp(i)},${stamp(i)},gpt-4o,openai,,${metadata(i)},${tags(i)},${status}`;

const account = join(dir, "account.yaml");
writeFileSync(account, [`card: ${join(ROOT, "ratecards/floopy.yaml")}`, "account: globex", "plan: pro", "anchor: 2026-11-01", "timezone: UTC", "grants:", '  - { kind: purchase, amount: 500000, at: "2026-11-01T00:00:00Z" }', ""].join("\n"));

/** 3,000 calls, r-0 to r-2999; the call of r-7 exported twice (at rows 7 and 2,000), and two calls that failed. */
function spendLog(): string {
  const rows: string[] = [];
  for (let i = 0; i < 3000; i++) rows.push(row(`r-${i}`, i));
  rows.splice(2000, 0, row("r-7", 7));
  rows.push(row("r-f1", 3000, "failure"), row("r-f2", 3001, "failure"));
  return `${HEADER}\n${rows.join("\n")}\n`;
}

async function statement(file: string) {
  const out = await burnrate(["statement", "--account", account, "--layout", "litellm", "--map", "ignore:request_tags", "--usage", file, "--format", "json"]);
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as { events: Record<string, number>; accounts: { cycles: { total: string; quota: { used: string } }[] }[] };
}

describe("a spend log with quoted JSON columns nothing reads (stop 57)", () => {
  const text = spendLog();
  const plain = join(dir, "spend.csv");
  writeFileSync(plain, text);
  const gz = join(dir, "spend.csv.gz");
  writeFileSync(gz, gzipSync(text));

  it("is priced as its calls are, its retry found by its request id, plain and gzip alike", async () => {
    for (const file of [plain, gz]) {
      const doc = await statement(file);
      // 3,000 calls priced, the repeat of r-7 a duplicate; the two failed calls are skipped by the layout.
      expect(doc.events).toEqual({ read: 3001, priced: 3000, duplicates: 1, rejected: 0 });
      // 3,000 × 0.35 cents.
      expect(doc.accounts[0]!.cycles.map((c) => [c.total, c.quota.used])).toEqual([["1050", "3000"]]);
    }
  });

  it("is read by the row scanner, not left to csv-parse, however the bytes are chunked", async () => {
    const options = { card: loadCard(join(ROOT, "ratecards/floopy.yaml")), zone: Zone.of("UTC")!, defaultAccount: "globex", mappingFor: () => withFlags(usageLayout("litellm"), ["ignore:request_tags"]) };
    const bytes = Buffer.from(text.split("\n").slice(0, 40).join("\n"));
    for (const cuts of [[], [bytes.indexOf('"{') + 3], [bytes.indexOf('""a""') + 1, bytes.indexOf("]}") + 1, bytes.length - 4]]) {
      const events = await collect(scanChunks(plain, chunked(bytes, cuts, true), options));
      expect(events).not.toBe("gave up");
      // 39 rows, of which none failed.
      expect((events as unknown[]).length).toBe(39);
    }
  });

  it("with a byte that is not UTF-8 in such a column is refused at it, as csv-parse refuses it", async () => {
    const lines = text.split("\n");
    // Row 501 is line 502; its metadata's first `key-` is where the Latin-1 é goes.
    const line = lines[501]!;
    const at = line.indexOf("key-");
    const bad = Buffer.concat([Buffer.from(lines.slice(0, 501).join("\n") + "\n" + line.slice(0, at)), Buffer.from([0xe9]), Buffer.from(line.slice(at) + "\n" + lines.slice(502).join("\n"))]);
    const file = join(dir, "latin1.csv");
    writeFileSync(file, bad);
    const out = await burnrate(["statement", "--account", account, "--layout", "litellm", "--map", "ignore:request_tags", "--usage", file, "--format", "json"]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe("");
    expect(out.stderr).toContain(`${file}:502:${at + 1}: file is not UTF-8`);
  });

  it("with a row longer than the readers take is refused at it, however much of it is JSON nothing reads (red57 F1)", async () => {
    const lines = text.split("\n");
    const long = `"{""blob"": ""${"x".repeat(1_500_000)}""}"`;
    const file = join(dir, "long.csv");
    writeFileSync(file, [lines[0], lines[1]!.replace(metadata(0), long), ...lines.slice(2, 50)].join("\n") + "\n");
    const out = await burnrate(["statement", "--account", account, "--layout", "litellm", "--map", "ignore:request_tags", "--usage", file, "--format", "json"]);
    expect([out.code, out.stdout]).toEqual([2, ""]);
    expect(out.stderr).toContain(`${file}:2:1: row too long`);
  });
});

describe("a byte that is not UTF-8 is told where it is (red57 F2, F3)", () => {
  async function refusal(chunks: Buffer[]): Promise<string> {
    const guard = utf8Guard("u.csv");
    const done = new Promise<string>((resolve) => guard.on("error", (e) => resolve(e.message)).on("finish", () => resolve("none")));
    guard.resume();
    for (const chunk of chunks) guard.write(chunk);
    guard.end();
    return done;
  }

  it("in a character one chunk cuts and the next ends badly: at the character's first byte", async () => {
    // Line 2 is "xy" then F0 9F 98 (an emoji cut short) and a quote: the character starts at line 2, column 3.
    const message = await refusal([Buffer.concat([Buffer.from("ab\nxy"), Buffer.from([0xf0, 0x9f, 0x98])]), Buffer.from('"z\n')]);
    expect(message).toContain("u.csv:2:3: file is not UTF-8");
    expect(message).toContain("the byte 0xf0");
    // Cut after its first byte alone, and after its second.
    expect(await refusal([Buffer.concat([Buffer.from("ab\nxy"), Buffer.from([0xf0])]), Buffer.from([0x9f, 0x98]), Buffer.from("z\n")])).toContain("u.csv:2:3:");
  });

  it("in a character the file's end cuts short: at the character's first byte", async () => {
    expect(await refusal([Buffer.concat([Buffer.from("ab\ncd"), Buffer.from([0xe2, 0x82])])])).toContain("u.csv:2:3: file is not UTF-8");
    expect(await refusal([Buffer.from("ab\ncd"), Buffer.from([0xe2]), Buffer.from([0x82])])).toContain("u.csv:2:3: file is not UTF-8");
    expect(await refusal([Buffer.from("ab\ncd€\n")])).toBe("none");
  });

  it("at the same place however the bytes are cut into chunks (random bytes, random cuts)", async () => {
    const piece = fc.oneof(fc.constantFrom(...["a", "\n", ",", "é", "€", "😀"].map((t) => [...Buffer.from(t)])), fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 3 }));
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 20 }), fc.array(fc.nat(60), { maxLength: 4 }), async (pieces, cuts) => {
        const bytes = Buffer.from(pieces.flat());
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((from, i) => bytes.subarray(from, [...at, bytes.length][i]));
        expect(await refusal(chunks)).toBe(await refusal([bytes]));
      }),
      { numRuns: 300 },
    );
  });

  it("past a read of the file's bytes, through the binary: a Latin-1 byte in an ignored column of a plain log", async () => {
    // A bad sequence at bytes 16,381 to 16,383 and a quote after it: csv-parse's guard reads the file 16 KiB at a time.
    const head = "timestamp,meter,quantity,project,note\n";
    const row = (i: number) => `2026-09-01T00:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z,data_read,1,p1,n\n`;
    let body = head;
    let i = 0;
    while (body.length + row(i).length < 16_381 - 40) body += row(i++);
    const line = body.split("\n").length;
    const lead = `2026-09-01T02:00:00Z,data_read,1,p1,${"y".repeat(16_381 - body.length - 36)}`;
    const bytes = Buffer.concat([Buffer.from(body + lead), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('"z\n')]);
    expect(body.length + lead.length).toBe(16_381);
    const file = join(dir, "cut.csv");
    writeFileSync(file, bytes);
    const usageAccount = join(dir, "fliplet.yaml");
    writeFileSync(usageAccount, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-09-01\ntimezone: UTC\n`);
    const out = await burnrate(["statement", "--account", usageAccount, "--usage", file, "--map", "ignore:note", "--format", "json"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${file}:${line}:${lead.length + 1}: file is not UTF-8 (expected UTF-8 text, found the byte 0xf0)`);
  });
});

describe("a byte that is not UTF-8 in JSON Lines is told where it is (red57b F1)", () => {
  const account = (dir: string) => {
    const path = join(dir, "fliplet.yaml");
    writeFileSync(path, `card: ${join(ROOT, "ratecards/fliplet.yaml")}\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n`);
    return path;
  };
  const line = (i: number, note = "n") => `{"timestamp":"2026-11-02T10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z","meter":"data_read","quantity":1,"project":"p","note":"${note}"}\n`;

  it("at its line and column, with its byte, in the first chunk and far past it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quoted57-jsonl-"));
    for (const before of [1, 2000]) {
      let text = "";
      for (let i = 0; i < before; i++) text += line(i);
      // The bad line: its note's first character is an encoded surrogate (ED A0 80), 79 characters in.
      const bad = line(before, "\u0000");
      const at = bad.indexOf("\u0000");
      const bytes = Buffer.concat([Buffer.from(text + bad.slice(0, at)), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(bad.slice(at + 1) + line(before + 1))]);
      const file = join(dir, `bad-${before}.jsonl`);
      writeFileSync(file, bytes);
      const out = await burnrate(["statement", "--account", account(dir), "--usage", file, "--map", "ignore:note", "--format", "json"]);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`${file}:${before + 1}:${at + 1}: file is not UTF-8 (expected UTF-8 text, found the byte 0xed)`);
    }
  });

  it("a character the file's end cuts short, at its first byte", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quoted57-jsonl-end-"));
    const last = line(1).trimEnd();
    const file = join(dir, "cut.jsonl");
    writeFileSync(file, Buffer.concat([Buffer.from(line(0) + last), Buffer.from([0xe2, 0x82])]));
    const out = await burnrate(["statement", "--account", account(dir), "--usage", file, "--map", "ignore:note", "--format", "json"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${file}:2:${last.length + 1}: file is not UTF-8 (expected UTF-8 text, found a truncated character at the end)`);
  });
});
