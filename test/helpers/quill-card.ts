// The red teams' probe card (red59, red63b): one plan of `included` credits whose pool blocks, a `summary` meter
// priced flat, by tier, with a surcharge or an exemption, or meters written out.
export interface QuillCard {
  included: number;
  price?: string;
  surcharge?: string;
  exempt?: boolean;
  version?: string;
  effective?: string;
  tiers?: { lite: string; max: string };
  /** The meters as written, in place of the one summary meter the other settings describe. */
  meters?: string;
  precision?: string;
  /** `crossing: split`: a row past the credits is served in the whole units they cover, the rest refused. */
  split?: boolean;
}

/** A card's settings but its meters. */
function header(included: number, { version = "2026-11", effective = "2026-11-01", precision = "{ display: 2, rounding: half-even, round_at: none }", split = false } = {}): string {
  return `provider: quill
version: "${version}"
effective: "${effective}"
unit: credits
currency: USD
credit_price: "0.02"
precision: ${precision}
cycle: { period: monthly }
${split ? "crossing: split\n" : ""}dimensions: [priority, byok]
categories: { ai: { label: AI } }
pools: { process: { label: Processing, when_exhausted: block } }
grant_kinds:
  included: { priority: 1, expires: cycle_end, counts_toward_allowance: true }
plans:
  starter: { label: Starter, included: ${included}, price: 20 }
meters:
`;
}

export function quillCard({ included, price = "1", surcharge, exempt, version, effective, tiers, meters, precision, split }: QuillCard): string {
  if (meters !== undefined) return header(included, { precision }) + meters;
  const priced = tiers === undefined ? `price: "${price}"` : `price: { by: [tier], table: { lite: "${tiers.lite}", max: "${tiers.max}" } }`;
  return `${header(included, { version, effective, ...(precision === undefined ? {} : { precision }), split })}  summary:
    aggregation: flow
    dimensions: [project${tiers === undefined ? "" : ", tier"}]
    category: ai
    pool: process
    ${priced}
${surcharge === undefined ? "" : `    surcharges:\n      - { when: { priority: "high" }, add: "${surcharge}" }\n`}${exempt === true ? `    exempt_when: { byok: "true" }\n` : ""}`;
}
