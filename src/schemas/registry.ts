import { accountCodec } from "../account/account.js";
import { testsCodec } from "../cardtest/schema.js";
import { cardCodec, priceTreeSchema } from "../ratecard/schema.js";
import { simulationSchema } from "./simulation.js";
import { scenarioCodec } from "../scenario/schema.js";
import { mappingCodec } from "../usage/mapping.js";
import { billMappingCodec } from "../bill/mapping.js";
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

/** The mapping schema documents both kinds: a file is one or the other, and an editor checks it against either. */
function mappingSchema(): JsonSchema {
  const { $schema, $id, title } = schemaDocument("urn:burnrate:schema:mapping", "burnrate column mapping", mappingCodec);
  return {
    $schema,
    $id,
    title,
    description: "A usage mapping (its keys: columns, rename, meter, meter_values, dimension_values, ignore_columns, rows, timestamp_unit, timestamp_zone, skip_rows, constants, counts_inside; --map sets each from the command line, --layout gives a known export's) or a bill mapping (--bill-mapping)",
    anyOf: [
      { title: "usage mapping", ...mappingCodec.schema() },
      { title: "bill mapping", ...billMappingCodec.schema() },
    ],
  };
}

/**
 * Every JSON Schema burnrate ships: the inputs come from the codecs that read
 * them, so an editor checks exactly what burnrate checks; the outputs are the
 * versioned JSON contracts of SPEC 4.
 */
export const SCHEMAS: ReadonlyMap<string, SchemaEntry> = new Map<string, SchemaEntry>([
  ["ratecard", { about: "input: a rate card (ratecards/NAME.yaml)", build: input("ratecard", "burnrate rate card", cardCodec, { priceTree: priceTreeSchema }) }],
  ["account", { about: "input: an account file (plan, anchor, time zone, grants)", build: input("account", "burnrate account file", accountCodec) }],
  ["mapping", { about: "input: a column mapping for a usage export (--mapping, FILE.mapping.yaml, a folder's) or a bill (--bill-mapping)", build: mappingSchema }],
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
