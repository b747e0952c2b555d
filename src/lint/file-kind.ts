import { isMap, isScalar, parseDocument } from "yaml";
import { accountCodec } from "../account/account.js";
import { billMappingCodec } from "../bill/mapping.js";
import { testsCodec } from "../cardtest/schema.js";
import { UserError } from "../errors.js";
import { cardCodec } from "../ratecard/schema.js";
import { scenarioCodec } from "../scenario/schema.js";
import { mappingCodec } from "../usage/mapping.js";
import type { Codec, JsonSchema } from "../yaml/codec.js";

interface OtherKind {
  kind: string;
  /** Where burnrate reads a file of this kind. */
  readBy: string;
  keys: ReadonlySet<string>;
  required: readonly string[];
}

function shapeOf(codec: Codec<unknown>): { keys: Set<string>; required: string[] } {
  const schema = codec.schema() as JsonSchema & { properties?: Record<string, unknown>; required?: string[] };
  return { keys: new Set(Object.keys(schema.properties ?? {})), required: schema.required ?? [] };
}

const kind = (name: string, readBy: string, codec: Codec<unknown>): OtherKind => ({ kind: name, readBy, ...shapeOf(codec) });

/**
 * In order of preference where two fit equally: the kinds with required keys first. Made when first asked: the card
 * loaders ask it (inputs.ts), and the codecs it reads import those loaders' modules.
 */
let otherKinds: readonly OtherKind[] | undefined;
const OTHER_KINDS = (): readonly OtherKind[] =>
  (otherKinds ??= [
    kind("tests file", "burnrate test, and by check when named CARD.tests.yaml beside its card", testsCodec as Codec<unknown>),
    kind("scenario", "burnrate simulate SCENARIO", scenarioCodec as Codec<unknown>),
    kind("account file", "--account of statement, simulate, reconcile and diff", accountCodec as Codec<unknown>),
    kind("usage mapping", "--mapping", mappingCodec as Codec<unknown>),
    kind("bill mapping", "reconcile --bill-mapping", billMappingCodec as Codec<unknown>),
  ]);

const named = (k: string) => `${k === "account file" ? "an" : "a"} ${k}`;

let card: { keys: Set<string>; required: string[] } | undefined;
const CARD = () => (card ??= shapeOf(cardCodec as Codec<unknown>));

function topLevelKeys(source: string): string[] | undefined {
  const doc = parseDocument(source, { schema: "failsafe", uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  return doc.contents.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ""));
}

/**
 * A file `check` (or `--card`, `--base`, `test`: `takes` says what the command takes) was given that did not load as a card and has the shape of another
 * of burnrate's inputs (an account file, a scenario, ...): one error at its first
 * line says so, instead of an "unknown key" for each of its keys. Undefined when it
 * looks like a card with mistakes (it has a key only a card has), or like nothing known.
 */
export function notACard(source: string, file: string, takes = "check takes rate cards and their NAME.tests.yaml"): UserError | undefined {
  const keys = topLevelKeys(source);
  if (keys === undefined || keys.length === 0 || keys.some((k) => CARD().required.includes(k))) return undefined;
  let best: { other: OtherKind; matched: string[] } | undefined;
  for (const other of OTHER_KINDS()) {
    const matched = keys.filter((k) => other.keys.has(k));
    if (matched.length * 2 < keys.length || !other.required.every((k) => keys.includes(k))) continue;
    if (matched.length > 0 && (best === undefined || matched.length > best.matched.length)) best = { other, matched };
  }
  if (best === undefined) return undefined;
  // The keys that tell it from a card: those a card does not have.
  const telling = best.matched.filter((k) => !CARD().keys.has(k)).slice(0, 3);
  const has = (telling.length > 0 ? telling : best.matched.slice(0, 3)).map((k) => `${k}:`).join(", ");
  return new UserError(
    `this looks like ${named(best.other.kind)} (it has ${has}), not a rate card${takes === "" ? "" : `: ${takes}`}`,
    { file, line: 1, column: 1 },
    `a rate card (${named(best.other.kind)} is read by ${best.other.readBy})`,
    named(best.other.kind),
  );
}
