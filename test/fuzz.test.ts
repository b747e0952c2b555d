import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { burnrate, ROOT, type Run } from "./helpers/cli.js";

// Fuzzing the CLI (issue 7): random bytes as a usage CSV, random YAML documents as a
// card, an account and a scenario, each run through run(argv, io) in this process. The
// only outcomes allowed are exit 0, 1 or 2 with a message on stderr when not 0: never a
// crash (a stack trace, "internal error", a dead test worker) and never a hang (the
// test's time limit). FUZZ_RUNS changes the count per property (default 100).
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const CARD = join(ROOT, "ratecards/fliplet.yaml");
const CARD_TEXT = readFileSync(CARD, "utf8");
const dir = mkdtempSync(join(tmpdir(), "burnrate-fuzz-"));

const cli = (args: string[]) => burnrate(args, { cwd: dir, input: "" });

function acceptable(r: Run, what: string): void {
  expect([0, 1, 2], `${what}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
  expect(r.stderr, what).not.toMatch(/internal error|\n\s+at /);
  if (r.code !== 0) expect(r.stderr, what).toMatch(/^burnrate: /);
  if (r.code === 2) expect(r.stderr, what).toMatch(/^burnrate: error: \S+:\d+:\d+: /);
}

const HEADER = "timestamp,meter,quantity,project\n";
/** Bytes that look like a CSV often enough to get past the header: fragments of real rows, quotes, separators, junk. */
const csvish = fc.array(fc.oneof(
  fc.constantFrom("2026-11-02T10:00:00Z", "2026-02-30", "data_read", "email", ",", "\n", "\r\n", "\"", "\"\"", "1", "-1", "1e3", "1,5", "\ufeff", "\u0000", "NaN", "p", " "),
  fc.string({ maxLength: 8 }),
), { maxLength: 40 }).map((parts) => Buffer.from(parts.join("")));
const rawBytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));

/** Random YAML-shaped values: scalars that are nearly right, nested maps and lists, keys from the real schemas. */
const keys = fc.constantFrom("provider", "version", "unit", "plans", "meters", "price", "included", "card", "plan", "anchor", "timezone", "grants", "kind", "amount", "at", "name", "start", "cycles", "sends", "meter", "quantity", "__proto__", "constructor", "x");
const scalar = fc.oneof(fc.constantFrom("pro", "free", "1", "0.5", "1e3", "-1", "2026-11-01", "2026-02-30", "Europe/London", "data_read", "email", "", "~", "null", "true"), fc.string({ maxLength: 6 }));
const { value: yamlValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: fc.dictionary(keys, tie("value"), { maxKeys: 5 }),
}));
const yamlDoc = fc.oneof(
  yamlValue.map((v) => stringify(v)),
  // Mutations of real documents: a line dropped, or a few characters replaced.
  fc.tuple(fc.nat(), fc.string({ maxLength: 4 })).map(([at, junk]) => {
    const i = at % CARD_TEXT.length;
    return CARD_TEXT.slice(0, i) + junk + CARD_TEXT.slice(i + junk.length);
  }),
  fc.string({ maxLength: 80 }),
);

let n = 0;
const fresh = (name: string, content: string | Buffer) => {
  const file = join(dir, `${n++}-${name}`);
  writeFileSync(file, content);
  return file;
};

describe(`fuzzing the CLI (${RUNS} runs per property)`, () => {
  it("random bytes as a usage CSV", async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(csvish, rawBytes, csvish.map((b) => Buffer.concat([Buffer.from(HEADER), b]))), async (bytes) => {
      const usage = fresh("usage.csv", bytes);
      acceptable(await cli(["statement", "--card", CARD, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]), `usage ${JSON.stringify(bytes.toString("latin1"))}`);
    }), { numRuns: RUNS });
  }, 300_000);

  it("random YAML as a rate card", async () => {
    await fc.assert(fc.asyncProperty(yamlDoc, async (doc) => {
      const card = fresh("card.yaml", doc);
      const usage = fresh("usage.csv", `${HEADER}2026-11-02T10:00:00Z,data_read,1,p\n`);
      acceptable(await cli(["statement", "--card", card, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "--format", "json"]), `card ${JSON.stringify(doc.slice(0, 400))}`);
    }), { numRuns: RUNS });
  }, 300_000);

  it("random YAML as an account file", async () => {
    await fc.assert(fc.asyncProperty(yamlValue, async (value) => {
      const doc = stringify(typeof value === "object" && value !== null && !Array.isArray(value) ? { card: CARD, ...value } : value);
      const account = fresh("account.yaml", doc);
      const usage = fresh("usage.csv", `${HEADER}2026-11-02T10:00:00Z,data_read,1,p\n`);
      acceptable(await cli(["statement", "--account", account, "--usage", usage, "--format", "json"]), `account ${JSON.stringify(doc)}`);
    }), { numRuns: RUNS });
  }, 300_000);

  it("random YAML as a scenario", async () => {
    await fc.assert(fc.asyncProperty(yamlValue, async (value) => {
      const doc = stringify(typeof value === "object" && value !== null && !Array.isArray(value) ? { card: CARD, start: "2026-11-01", ...value } : value);
      const scenario = fresh("scenario.yaml", doc);
      acceptable(await cli(["simulate", scenario, "--format", "json"]), `scenario ${JSON.stringify(doc)}`);
    }), { numRuns: RUNS });
  }, 300_000);
});
