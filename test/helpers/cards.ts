import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { burnrate } from "./cli.js";

/** A card's head: one category, one pool of the policy, an included grant, plan `pro` (with `plan` after its label), and the rest after it. */
export function cardHead(pool: string, plan: string, rest: string): string {
  return `provider: rt
version: "a"
effective: "2026-11-01"
unit: credits
currency: USD
credit_price: "0.01"
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories:
  c1: { label: C1 }
pools:
  ${pool}
grant_kinds:
  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }
plans:
  pro: { label: Pro, ${plan} }
${rest}`;
}

/** A card of its own for a version's figures: credits at 0.01 USD, one pool `main`, a Free plan (`free`: its terms) and `meters` as written. */
export function freeCard({ version, free, meters, display = 2 }: { version: string; free: string; meters: string; display?: number }): string {
  return `provider: toy
version: "${version}"
effective: "2026-11-01"
unit: credits
currency: USD
credit_price: "0.01"
precision: { display: ${display}, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories: { main: { label: Main } }
pools: { main: { label: Main, when_exhausted: block } }
grant_kinds: { included: { priority: 1, expires: cycle_end, counts_toward_allowance: true } }
plans:
  free: { label: Free, price: 0, ${free} }
meters:
${meters}`;
}

/** A copy of a card's text with each `from` replaced once by `to` (each must be there), written to `dir/NAME.yaml`. */
export function writeVariant(dir: string, name: string, card: string, edits: readonly [string, string][]): { file: string; text: string } {
  let text = card;
  for (const [from, to] of edits) {
    expect(text.includes(from), `the card no longer contains ${from}`).toBe(true);
    text = text.replace(from, to);
  }
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return { file, text };
}

/** 1-based line:column of `needle`, found after each of `after` in turn (to reach the right occurrence). */
export function position(text: string, needle: string, ...after: string[]): string {
  let from = 0;
  for (const anchor of after) {
    const i = text.indexOf(anchor, from);
    expect(i, `no ${anchor}`).toBeGreaterThanOrEqual(0);
    from = i + anchor.length;
  }
  const index = text.indexOf(needle, from);
  expect(index, `no ${needle}`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, index);
  return `${before.split("\n").length}:${index - before.lastIndexOf("\n")}`;
}

/** A finding of `burnrate check --format json`. */
export interface Finding { severity: string; rule: string; line: number; column: number; message: string; fix?: string }

/** `burnrate check FILES --format json`: its exit code, each file's findings, and all of them in order. */
export async function checkFindings(...files: string[]): Promise<{ code: number; byFile: Map<string, Finding[]>; found: Finding[] }> {
  const run = await burnrate(["check", ...files, "--format", "json"]);
  const reported = JSON.parse(run.stdout).files as { file: string; findings: Finding[] }[];
  return { code: run.code, byFile: new Map(reported.map((f) => [f.file, f.findings])), found: reported.flatMap((f) => f.findings) };
}

/** A finding as the tests compare them: `line:column severity rule`. */
export const findingAt = (f: Finding): string => `${f.line}:${f.column} ${f.severity} ${f.rule}`;

/** Every finding but the card's want of a tests file, which a card written for a test always has. */
export const besidesNoTests = (f: Finding): boolean => f.rule !== "no-tests";

/** What a small card (smallCard) says beyond its defaults. */
export interface SmallCard {
  provider?: string;
  version?: string;
  effective?: string;
  currency?: string;
  /** null for a card that sells no credits. */
  creditPrice?: string | null;
  display?: number;
  /** The `included` kind's expiry (cycle_end by default). */
  included?: string;
  /** Grant kinds after `included`, as YAML lines. */
  kinds?: string[];
  /** Top-level lines before the categories (plan_changes:, crossing:). */
  top?: string[];
  /** What the `main` pool does when the credits are gone (block by default). */
  pool?: string;
  plans: string[];
  meters: string[];
}

/** A small card in credits: one `api` category, one `main` pool (that blocks, unless `pool` says), the kinds, plans and meters given. */
export function smallCard(c: SmallCard): string {
  const creditPrice = c.creditPrice === undefined ? "0.01" : c.creditPrice;
  return [
    `provider: ${c.provider ?? "t"}`,
    `version: "${c.version ?? "2026-11"}"`,
    `effective: "${c.effective ?? "2026-01-01"}"`,
    "unit: credits",
    ...(c.currency === undefined ? [] : [`currency: ${c.currency}`]),
    ...(creditPrice === null ? [] : [`credit_price: "${creditPrice}"`]),
    `precision: { display: ${c.display ?? 2}, rounding: half-even, round_at: none }`,
    "cycle: { period: monthly }",
    ...(c.top ?? []),
    "categories: { api: { label: API } }",
    `pools: { main: { label: Main, when_exhausted: ${c.pool ?? "block"} } }`,
    "grant_kinds:",
    `  included: { priority: 1, expires: ${c.included ?? "cycle_end"} }`,
    ...(c.kinds ?? []).map((k) => `  ${k}`),
    "plans:",
    ...c.plans.map((p) => `  ${p}`),
    "meters:",
    ...c.meters,
    "",
  ].join("\n");
}

/** A flow meter of one call at `price` credits (a line of a card's `meters:`), in a category and pool of the card's. */
export function callMeter(m: { name?: string; price?: string; dimensions?: string[]; category?: string; pool?: string } = {}): string {
  const dims = m.dimensions === undefined ? "" : ` dimensions: [${m.dimensions.join(", ")}],`;
  return `  ${m.name ?? "call"}: { description: a call, aggregation: flow,${dims} category: ${m.category ?? "api"}, pool: ${m.pool ?? "main"}, price: "${m.price ?? "1"}" }`;
}

/** A card's `meters:` lines: a call priced on its input tokens at 1 (its own price 0), and, with `cached`, its cached input tokens at 0.1. */
export function tokenMeter(cached: boolean): string[] {
  return ["  call:", "    description: a model call", "    aggregation: flow", "    category: api", "    pool: main", '    price: "0"', "    components:", '      input_tokens: "1"', ...(cached ? ['      input_cached_tokens: "0.1"'] : [])];
}

/**
 * A card of plans at 29, 99 and 349 USD (starter 500 credits, growth 2,000, scale 8,000 unless `plans` says), a job of
 * 1 credit, a credit at 0.012 USD, money rounded half-up; with `upgrade`, its plan_changes (downgrades next_cycle).
 */
export function quillCard({ upgrade, kinds = [], plans = ["starter: { label: Starter, included: 500, price: 29 }", "growth: { label: Growth, included: 2000, price: 99 }", "scale: { label: Scale, included: 8000, price: 349 }"] }: { upgrade?: string; kinds?: string[]; plans?: string[] } = {}): string {
  return [
    "provider: quill",
    'version: "1"',
    'effective: "2026-10-01"',
    "unit: credits",
    "currency: USD",
    'credit_price: "0.012"',
    "precision: { display: 2, rounding: half-up, round_at: none }",
    "cycle: { period: monthly }",
    ...(upgrade === undefined ? [] : [`plan_changes: { upgrade: ${upgrade}, downgrade: next_cycle }`]),
    "categories:",
    "  api: { label: API }",
    "pools:",
    "  main: { label: Main, when_exhausted: block }",
    "grant_kinds:",
    "  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }",
    ...kinds.map((k) => `  ${k}`),
    "plans:",
    ...plans.map((p) => `  ${p}`),
    "meters:",
    '  job: { description: a job, aggregation: flow, category: api, pool: main, price: "1" }',
    "",
  ].join("\n");
}

/**
 * The gift card: Pro 99 USD with 1,000 credits, a call 2 credits, a credit 0.012 USD; a `promo` kind (priority 0, a
 * month) and a `topup` kind (never expires), each with the extra keys given (", paid: false"), and kinds after them.
 */
export function giftsCard({ version = "1", effective = "2026-11-01", promo = "", topup = "", more = "" }: { version?: string; effective?: string; promo?: string; topup?: string; more?: string } = {}): string {
  return `provider: gifts
version: "${version}"
effective: "${effective}"
unit: credits
currency: USD
credit_price: "0.012"
precision: { display: 2, rounding: half-even, round_at: none }
cycle: { period: monthly }
categories:
  c: { label: Calls }
pools:
  usage: { label: Usage, when_exhausted: block }
grant_kinds:
  included: { priority: 1, expires: cycle_end }
  promo: { priority: 0, expires: { after_months: 1 }${promo} }
  topup: { priority: 2, expires: never${topup} }
${more}plans:
  pro: { label: Pro, included: 1000, price: 99 }
meters:
  call: { description: a call, aggregation: flow, category: c, pool: usage, price: "2" }
`;
}
