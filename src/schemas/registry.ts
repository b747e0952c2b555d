import { accountCodec } from "../account/account.js";
import { testsCodec } from "../cardtest/schema.js";
import { cardCodec, priceTreeSchema } from "../ratecard/schema.js";
import { simulationSchema } from "./simulation.js";
import { scenarioCodec } from "../scenario/schema.js";
import { mappingCodec } from "../usage/mapping.js";
import { schemaDocument, type JsonSchema } from "../yaml/codec.js";
import { cardtestSchema, checkSchema, diffSchema } from "./results.js";
import { reconcileSchema } from "./reconcile.js";
import { ledgerSchema, statementSchema } from "./statement.js";

export interface SchemaEntry {
  /** What the schema describes, for `burnrate schema` without a name. */
  about: string;
  build(): JsonSchema;
}

const input = (name: string, title: string, codec: Parameters<typeof schemaDocument>[2], defs?: Record<string, JsonSchema>) => () => schemaDocument(`urn:burnrate:schema:${name}`, title, codec, defs);

/**
 * Every JSON Schema burnrate ships: the inputs come from the codecs that read
 * them, so an editor checks exactly what burnrate checks; the outputs are the
 * versioned JSON contracts of SPEC 4.
 */
export const SCHEMAS: ReadonlyMap<string, SchemaEntry> = new Map<string, SchemaEntry>([
  ["ratecard", { about: "input: a rate card (ratecards/NAME.yaml)", build: input("ratecard", "burnrate rate card", cardCodec, { priceTree: priceTreeSchema }) }],
  ["account", { about: "input: an account file (plan, anchor, time zone, grants)", build: input("account", "burnrate account file", accountCodec) }],
  ["mapping", { about: "input: a column mapping for another usage or bill layout", build: input("mapping", "burnrate column mapping", mappingCodec) }],
  ["tests", { about: "input: the expectations beside a card (NAME.tests.yaml)", build: input("tests", "burnrate card tests", testsCodec) }],
  ["scenario", { about: "input: a scenario for burnrate simulate", build: input("scenario", "burnrate scenario", scenarioCodec) }],
  ["statement", { about: "output: burnrate statement --format json (burnrate.statement/v1)", build: () => statementSchema }],
  ["simulation", { about: "output: burnrate simulate --format json (burnrate.simulation/v1)", build: () => simulationSchema }],
  ["ledger", { about: "output: burnrate statement --ledger --format json (burnrate.ledger/v1)", build: () => ledgerSchema }],
  ["reconcile", { about: "output: burnrate reconcile --format json (burnrate.reconcile/v1)", build: () => reconcileSchema }],
  ["diff", { about: "output: burnrate diff --format json (burnrate.diff/v1)", build: () => diffSchema }],
  ["check", { about: "output: burnrate check --format json (burnrate.check/v1)", build: () => checkSchema }],
  ["cardtest", { about: "output: burnrate test --format json (burnrate.cardtest/v1)", build: () => cardtestSchema }],
]);
