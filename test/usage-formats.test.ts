import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Usage from folders, globs, gzip, JSON Lines, Parquet and the eight export
// layouts (issue 19). Every fixture under fixtures/layouts/ holds the same three
// Floopy requests (or the ones its provider serves), so each must price them as
// the canonical CSV of those rows does.

const LAYOUTS = join(ROOT, "fixtures/layouts");
const ACCOUNT = ["--account", join(LAYOUTS, "account.yaml")];
const CANONICAL = join(LAYOUTS, "canonical.csv");

// Floopy's card (ratecards/floopy.yaml), cents per token:
//   gpt-4o/openai         in 1000 x 0.00025  = 0.25,  out 200 x 0.001   = 0.2   -> 0.45
//   claude-sonnet-4/anth. in 2000 x 0.0003   = 0.6,   out 400 x 0.0015  = 0.6   -> 1.2
//   gpt-4o-mini/openai    in 10000 x 0.000015 = 0.15, out 1000 x 0.00006 = 0.06 -> 0.21
const ALL = "1.86";
const OPENAI = "0.66";
const ANTHROPIC = "1.2";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "burnrate-formats-"));
}

async function statement(args: string[]): Promise<string> {
  const run = await burnrate(["statement", ...ACCOUNT, ...args, "--format", "json"]);
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return run.stdout;
}

const total = (json: string) => JSON.parse(json).accounts[0].cycles[0].total as string;

describe("--layout: each export priced through Floopy's card", () => {
  const cases: [string, string, string][] = [
    ["cloudevents", "cloudevents/events.jsonl", ALL],
    ["stripe-meter-events", "stripe-meter-events/events.jsonl", ALL],
    ["lago", "lago/events.jsonl", ALL],
    ["openrouter", "openrouter/activity.csv", ALL],
    ["litellm", "litellm/spend-logs.csv", ALL],
    ["helicone", "helicone/export.csv", ALL],
    ["openai-usage", "openai-usage/usage.jsonl", OPENAI],
    ["anthropic-usage", "anthropic-usage/usage.jsonl", ANTHROPIC],
  ];
  it.each(cases)("%s", async (layout, file, credits) => {
    expect(total(await statement(["--layout", layout, "--usage", join(LAYOUTS, file)]))).toBe(credits);
  });

  it("the layouts holding all three requests give the canonical CSV's statement, byte for byte", async () => {
    const canonical = await statement(["--usage", CANONICAL]);
    expect(total(canonical)).toBe(ALL);
    for (const [layout, file, credits] of cases) if (credits === ALL) expect(await statement(["--layout", layout, "--usage", join(LAYOUTS, file)]), layout).toBe(canonical);
  });

  it("a folder of gzip daily exports in a gateway layout gives, with one flag, the canonical CSV's statement byte for byte", async () => {
    expect(await statement(["--layout", "litellm", "--usage", join(LAYOUTS, "litellm/daily")])).toBe(await statement(["--usage", CANONICAL]));
  });

  it("an unknown layout names the known ones", async () => {
    const run = await burnrate(["statement", ...ACCOUNT, "--layout", "openmeter", "--usage", CANONICAL]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--layout: unknown usage layout \(expected one of cloudevents, stripe-meter-events, lago, openrouter, litellm, helicone, openai-usage, anthropic-usage, found "openmeter"\)/);
  });
});

describe("--usage: a file is read by its content", () => {
  const csv = readFileSync(CANONICAL, "utf8");
  const [header, ...lines] = csv.trim().split("\n");
  const names = header!.split(",");
  const rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [names[i]!, v])));

  it("gzip CSV, JSON Lines (plain and gzipped, any name) and Parquet give the CSV's statement", async () => {
    const dir = scratch();
    const jsonl = rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
    writeFileSync(join(dir, "usage.csv.gz"), gzipSync(csv));
    writeFileSync(join(dir, "usage.jsonl"), jsonl);
    writeFileSync(join(dir, "usage.ndjson.gz"), gzipSync(jsonl));
    writeFileSync(join(dir, "export.dat"), gzipSync(jsonl));
    const parquet = parquetWriteBuffer({ columnData: names.map((name) => ({ name, data: rows.map((r) => r[name]!), type: "STRING" as const })), rowGroupSize: 2 });
    writeFileSync(join(dir, "usage.parquet"), Buffer.from(parquet));
    const expected = await statement(["--usage", CANONICAL]);
    for (const file of ["usage.csv.gz", "usage.jsonl", "usage.ndjson.gz", "export.dat", "usage.parquet"]) expect(await statement(["--usage", join(dir, file)]), file).toBe(expected);
  });

  it("timestamps as warehouses write them (`2026-11-02 10:00:00 UTC`, `+00`, fractions) give the CSV's statement", async () => {
    const dir = scratch();
    const expected = await statement(["--usage", CANONICAL]);
    const forms: [string, (date: string, time: string) => string][] = [
      ["bigquery.csv", (date, time) => `${date} ${time} UTC`],
      ["bigquery-micros.csv", (date, time) => `${date} ${time}.000000 UTC`],
      ["postgres.csv", (date, time) => `${date} ${time}+00`],
      ["no-space.csv", (date, time) => `${date}T${time}UTC`],
    ];
    for (const [name, form] of forms) {
      const text = csv.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z/gm, (_, date: string, time: string) => form(date, time));
      expect(text).not.toContain("Z,");
      writeFileSync(join(dir, name), text);
      expect(await statement(["--usage", join(dir, name)]), name).toBe(expected);
    }
  });

  it("nested JSON fields are columns by their dotted path", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "usage.jsonl"), rows.map((r) => JSON.stringify({ at: r.timestamp, id: r.event_id, data: { model: r.model, provider: r.provider, tokens: { in: Number(r.input_tokens), out: Number(r.output_tokens) } } })).join("\n"));
    const map = ["--map", "timestamp=at", "--map", "event_id=id", "--map", "meter:request", "--map", "dim:model=data.model", "--map", "dim:provider=data.provider", "--map", "dim:input_tokens=data.tokens.in", "--map", "dim:output_tokens=data.tokens.out"];
    expect(await statement(["--usage", join(dir, "usage.jsonl"), ...map])).toBe(await statement(["--usage", CANONICAL]));
  });

  it("a later JSON line with a field the first lacks is refused at its line, naming ignore_columns:", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "usage.jsonl"), rows.map((r, i) => JSON.stringify(i === 1 ? { ...r, extra: 1 } : r)).join("\n"));
    const run = await burnrate(["statement", ...ACCOUNT, "--usage", join(dir, "usage.jsonl")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage\.jsonl:2:1: field "extra" is not in the first line \(expected .*ignore_columns:/);
  });

  it("a gzip file let go of after its first bytes (its format judged) leaves no error behind", () => {
    const dir = scratch();
    // 4 MB of text that does not compress (bytes of a xorshift sequence, as hex): 2 MB of gzip, over a hundred of the reader's
    // chunks, so the stream between the file and gunzip is still reading when it is let go.
    const bytes = Buffer.alloc(2 << 20);
    let x = 2463534242;
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    const file = join(dir, "big.csv.gz");
    writeFileSync(file, gzipSync(bytes.toString("hex")));
    // In a process of its own, on the built reader (dist/), as the CLI runs it: an error nothing hears ends that process.
    const script = [
      `import { createReadStream } from "node:fs";`,
      `import { openContent } from ${JSON.stringify(join(ROOT, "dist/usage/content.js"))};`,
      `for (let i = 0; i < 500; i++) {`,
      `  const content = await openContent(createReadStream(${JSON.stringify(file)}, { highWaterMark: 1 << 14 }));`,
      `  if (!content.compressed) throw new Error("not read as gzip");`,
      `  content.close();`,
      `  await new Promise((resolve) => setImmediate(resolve));`,
      `}`,
      `await new Promise((resolve) => setTimeout(resolve, 100));`,
      `console.log("let go 500 times");`,
    ].join("\n");
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect([run.status, run.stdout]).toEqual([0, "let go 500 times\n"]);
  });

  it("a truncated gzip file is refused, not read as fewer rows", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "usage.csv.gz"), gzipSync(csv).subarray(0, 40));
    const run = await burnrate(["statement", ...ACCOUNT, "--usage", join(dir, "usage.csv.gz")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage\.csv\.gz:1:1: not a complete gzip file/);
  });
});

describe("--usage: folders, globs and several values", () => {
  function daily(): string {
    const dir = scratch();
    const csv = readFileSync(CANONICAL, "utf8").trim().split("\n");
    csv.slice(1).forEach((line, i) => writeFileSync(join(dir, `day-${i + 1}.csv`), `${csv[0]}\n${line}\n`));
    writeFileSync(join(dir, "README.md"), "not usage\n");
    return dir;
  }

  it("a folder is its usage files in name order; a README in it is passed over", async () => {
    expect(await statement(["--usage", daily()])).toBe(await statement(["--usage", CANONICAL]));
  });

  it("a quoted glob, and several files after one --usage (an unquoted glob the shell expanded)", async () => {
    const dir = daily();
    const expected = await statement(["--usage", CANONICAL]);
    expect(await statement(["--usage", join(dir, "day-*.csv")])).toBe(expected);
    expect(await statement(["--usage", join(dir, "day-1.csv"), join(dir, "day-2.csv"), join(dir, "day-3.csv")])).toBe(expected);
  });

  it("a glob passes over the mapping files it matches (DIR/* beside burnrate.mapping.yaml)", async () => {
    const dir = scratch();
    const csv = readFileSync(CANONICAL, "utf8").replace("timestamp,", "created_at,").trim().split("\n");
    csv.slice(1).forEach((line, i) => writeFileSync(join(dir, `day-${i + 1}.csv`), `${csv[0]}\n${line}\n`));
    writeFileSync(join(dir, "burnrate.mapping.yaml"), "columns: { timestamp: created_at }\n");
    writeFileSync(join(dir, "day-1.csv.mapping.yaml"), "columns: { timestamp: created_at }\n");
    expect(await statement(["--usage", join(dir, "*")])).toBe(await statement(["--usage", CANONICAL]));
    const run = await burnrate(["statement", ...ACCOUNT, "--usage", join(dir, "*.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--usage: no file matches the pattern/);
  });

  it("a glob matching nothing, and a folder without usage files, are refused at --usage", async () => {
    const dir = scratch();
    let run = await burnrate(["statement", ...ACCOUNT, "--usage", join(dir, "*.csv")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--usage: no file matches the pattern/);
    run = await burnrate(["statement", ...ACCOUNT, "--usage", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is a directory with no usage files \(expected a file, or a folder holding usage files/);
  });

  it("a mapping in the folder (burnrate.mapping.yaml) or beside it (DIR.mapping.yaml) applies to every file in it", async () => {
    const parent = scratch();
    const dir = join(parent, "exports");
    mkdirSync(dir);
    const csv = readFileSync(CANONICAL, "utf8").replace("timestamp,", "created_at,").trim().split("\n");
    csv.slice(1).forEach((line, i) => writeFileSync(join(dir, `day-${i + 1}.csv`), `${csv[0]}\n${line}\n`));
    const expected = await statement(["--usage", CANONICAL]);
    writeFileSync(join(parent, "exports.mapping.yaml"), "columns: { timestamp: created_at }\n");
    expect(await statement(["--usage", dir])).toBe(expected);
    writeFileSync(join(parent, "exports.mapping.yaml"), "columns: { timestamp: nothing_here }\n");
    writeFileSync(join(dir, "burnrate.mapping.yaml"), "columns: { timestamp: created_at }\n");
    expect(await statement(["--usage", dir])).toBe(expected);
  });
});

describe("--map renames dimensions and meter values; errors name the key that fixes them", () => {
  function renamed(): string {
    const dir = scratch();
    const csv = readFileSync(CANONICAL, "utf8").replace("model,", "llm_model,").replaceAll(",request,", ",chat,");
    writeFileSync(join(dir, "usage.csv"), csv);
    return join(dir, "usage.csv");
  }

  it("dim:NAME=SOURCE and meter:KEY=VALUE", async () => {
    expect(await statement(["--usage", renamed(), "--map", "dim:model=llm_model", "--map", "meter:request=chat"])).toBe(await statement(["--usage", CANONICAL]));
  });

  it("an unread column says rename: and --map dim:, an unknown meter is the card's", async () => {
    const run = await burnrate(["statement", ...ACCOUNT, "--usage", renamed(), "--map", "meter:request=chat"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/column "llm_model" is read by no meter of floopy.*rename: \{ llm_model: NAME \} in the usage mapping \(--map dim:NAME=llm_model\), or the column under ignore_columns: \(--map ignore:llm_model\)/);
  });

  it("a misspelt meter in the usage names the card's nearest, in a row or from --map meter:", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_raed,3,alpha\n");
    const fliplet = ["statement", "--card", join(ROOT, "ratecards/fliplet.yaml"), "--plan", "pro", "--anchor", "2026-11-01"];
    let run = await burnrate([...fliplet, "--usage", join(dir, "usage.csv")]);
    expect(run.code).toBe(2);
    // Row 2, the meter column (the second).
    expect(run.stderr).toContain(`${join(dir, "usage.csv")}:2:2: unknown meter "data_raed"; did you mean "data_read"? (expected a meter of fliplet 2026-11`);
    writeFileSync(join(dir, "fixed.csv"), "timestamp,quantity,project\n2026-11-02T10:00:00Z,3,alpha\n");
    run = await burnrate([...fliplet, "--usage", join(dir, "fixed.csv"), "--map", "meter:data_wirte"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown meter "data_wirte"; did you mean "data_write"?');
  });

  it("a missing timestamp column names columns: and --map", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "usage.csv"), readFileSync(CANONICAL, "utf8").replace("timestamp,", "when,"));
    const run = await burnrate(["statement", ...ACCOUNT, "--usage", join(dir, "usage.csv"), "--map", "ignore:when"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/header missing required column "timestamp" \(expected a "timestamp" column, or the column that holds it under columns: timestamp: in the usage mapping \(--map timestamp=SOURCE\)/);
  });

  it("a --map of no known form lists the forms", async () => {
    const run = await burnrate(["statement", ...ACCOUNT, "--usage", CANONICAL, "--map", "dimension:model=x"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--map: bad column mapping \(expected CANONICAL=SOURCE .*dim:NAME=SOURCE, meter:KEY=VALUE, meter:KEY, skip:SOURCE=VALUE\[,VALUE\] or ignore:SOURCE/);
  });
});
