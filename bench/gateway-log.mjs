// A gateway log of one row a request, in time order, for the token-pricing figures of
// docs/performance.md (tokens9, tokens10): ROWS requests over November 2026 on
// ratecards/floopy.yaml, five models and providers, two teams, random prompt and completion
// tokens, a request id on every row. Deterministic: the same ROWS give the same bytes.
//
//   node bench/gateway-log.mjs ROWS DIR [CARD]
// writes DIR/gateway.csv, its mapping DIR/gateway.csv.mapping.yaml and DIR/account.yaml
// (enterprise, a purchase that never runs out); CARD replaces ratecards/floopy.yaml.
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [rowsText, dir, card = fileURLToPath(new URL("../ratecards/floopy.yaml", import.meta.url))] = process.argv.slice(2);
const rows = Number(rowsText);
if (!(rows > 0) || dir === undefined) throw new Error("usage: node bench/gateway-log.mjs ROWS DIR [CARD]");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "gateway.csv.mapping.yaml"), [
  "columns: { timestamp: created_at, account: org, meter: kind, quantity: requests, event_id: request_id }",
  "rename: { prompt_tokens: input_tokens, completion_tokens: output_tokens }",
  "",
].join("\n"));
writeFileSync(join(dir, "account.yaml"), [
  `card: ${resolve(card)}`,
  "account: acme",
  "plan: enterprise",
  "anchor: 2026-11-01",
  "timezone: UTC",
  "grants:",
  '  - { kind: purchase, amount: 900000000, at: "2026-11-01T08:00:00Z" }',
  "",
].join("\n"));

// The generator the figures were first measured with (a linear congruential one, in doubles): kept so that its bytes are theirs.
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pairs = [["gpt-4o", "openai"], ["gpt-4o", "azure"], ["gpt-4o-mini", "openai"], ["claude-sonnet-4", "anthropic"], ["llama-3.1-70b", "groq"]];
const teams = ["research", "support"];
const out = createWriteStream(join(dir, "gateway.csv"));
out.write("created_at,org,kind,model,provider,team,prompt_tokens,completion_tokens,requests,request_id\n");
const start = Date.parse("2026-11-01T09:00:00Z");
const span = 29 * 86_400_000;
let chunk = "";
for (let i = 0; i < rows; i++) {
  const at = new Date(start + Math.floor((i * span) / rows)).toISOString().replace(".000Z", "Z");
  const [model, provider] = pairs[Math.floor(rnd() * pairs.length)];
  chunk += `${at},acme,request,${model},${provider},${teams[Math.floor(rnd() * 2)]},${Math.floor(rnd() * 4000)},${Math.floor(rnd() * 800)},1,r-${i}\n`;
  if (chunk.length > 1 << 16) {
    if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
    chunk = "";
  }
}
out.end(chunk);
