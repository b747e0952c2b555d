import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadCard } from "../src/inputs.js";
import { Zone } from "../src/time.js";
import { usageLayout } from "../src/usage/layouts.js";
import { withFlags } from "../src/usage/mapping.js";
import { scanChunks } from "../src/usage/scanned-events.js";
import { burnrate, ROOT } from "./helpers/cli.js";
import { chunked } from "./helpers/chunks.js";
import { collect } from "./helpers/reader-outcomes.js";

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
});
