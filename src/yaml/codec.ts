import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type Scalar } from "yaml";
import { nearest } from "../nearest.js";
import { UserError, YamlLayoutError, shown, type Location } from "../errors.js";
import { Decimal, parsePlainDecimal } from "../money.js";
import { layoutError, onePerPlace, separatedNumber, strayListItem } from "./layout-errors.js";
import { nodeAt } from "./node-at.js";
import { csvHeaderOf, duplicateKeys, firstAlias, foundAt, guardNesting, jsonLinesAt, MAX_NESTING, MAX_REPORTED, pathText, reported } from "./document-screens.js";

/**
 * A codec reads one part of a YAML document into a typed value, reporting every
 * problem at its line and column, and describes the same shape as JSON Schema so
 * that the schema editors use and the checks burnrate makes cannot drift apart.
 *
 * Documents are parsed with YAML's failsafe schema: every scalar arrives as its
 * source text, so prices are read exactly and no tag can run code.
 */
export interface Codec<T> {
  decode(node: Node, ctx: DecodeContext): T;
  schema(): JsonSchema;
}

export type JsonSchema = { [key: string]: unknown };

export interface DecodeContext {
  file: string;
  lines: LineCounter;
  errors: UserError[];
}

function locate(node: Node | Pair["key"] | undefined, ctx: DecodeContext): Location {
  const range = node && typeof node === "object" && "range" in node ? (node.range as [number, number, number] | undefined) : undefined;
  const offset = range ? range[0] : 0;
  const { line, col } = ctx.lines.linePos(offset);
  return { file: ctx.file, line, column: col };
}

/** Thrown inside a decode to abandon the current value; the error is already recorded. */
class Abandon extends Error {}

export function fail(ctx: DecodeContext, node: Node | Pair["key"] | undefined, problem: string, expected?: string, found?: string): never {
  ctx.errors.push(new UserError(problem, locate(node, ctx), expected, found));
  throw new Abandon();
}

function describeNode(node: Node): string {
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) return shown(String(node.value));
  return "something else";
}

function scalarText(node: Node, ctx: DecodeContext, expected: string): string {
  if (!isScalar(node)) fail(ctx, node, "wrong type", expected, describeNode(node));
  return String(node.value);
}

/**
 * A key of three digits is most often the rest of a number whose thousands were written with a comma inside `{ }`,
 * where the comma ends the entry (`{ quantity: 1,000 }` is quantity 1 and a key "000"): said so (newcomer58a L3).
 */
function thousands(key: string): string {
  return /^\d{3}(\.\d+)?$/.test(key) ? "; a number's thousands written with a comma inside { } end its entry there: write 1000, not 1,000" : "";
}

export function text(options: { pattern?: RegExp; description?: string; expected?: string } = {}): Codec<string> {
  return {
    decode(node, ctx) {
      const expected = options.expected ?? "a string";
      const value = scalarText(node, ctx, expected);
      if (options.pattern && !options.pattern.test(value)) fail(ctx, node, "wrong value", expected, shown(value));
      return value;
    },
    schema: () => ({
      type: "string",
      ...(options.pattern ? { pattern: options.pattern.source } : {}),
      ...(options.description ? { description: options.description } : {}),
    }),
  };
}

/**
 * The decimal a number written with a comma most likely is, as a spreadsheet of many locales writes one: `0,02` is
 * 0.02, `1,500` 1500 or 1.5 (quoted, or out of `{ }`, where the comma is the text's: newcomer66b F7; inside `{ }`,
 * layout-errors.ts `separatedNumber`).
 */
function commaDecimal(value: string): string {
  const m = /^\s*([-+]?)(\d+),(\d+)\s*$/.exec(value);
  if (!m) return "";
  const [, sign, whole, part] = m;
  const point = new Decimal(`${sign}${whole}.${part}`).toString();
  return part!.length === 3 && !/^0+$/.test(whole!) ? `: ${sign}${whole}${part}, or ${point} where the comma is a decimal one` : `, with a point: ${point}`;
}

/**
 * The plain decimal a price written as a page shows it most likely is: `$0.002`, `0.002 USD`, `€5`, `0.5 credits`
 * (newcomer71 L2: `"$0.002"` said "not a plain decimal" with nothing to write instead), or an exponent written out.
 */
function writtenOut(value: string): string {
  const comma = commaDecimal(value);
  if (comma !== "") return comma;
  const trimmed = value.trim();
  const bare = trimmed.replace(/^(?:[A-Z]{3}\s+)?([-+]?)\s*[$€£¥]?\s*/u, "$1").replace(/\s*(?:[$€£¥]|[A-Z]{3}|credits?)$/iu, "");
  if (bare !== trimmed && parsePlainDecimal(bare)) return `, without the currency or unit: ${bare}`;
  if (/^[-+]?(?:\d+\.?\d*|\.\d+)e[-+]?\d{1,3}$/i.test(trimmed)) return `, written out: ${new Decimal(trimmed).toFixed()}`;
  return "";
}

export function decimal(options: { min?: string; positive?: boolean; description?: string } = {}): Codec<Decimal> {
  const expected = `a plain decimal${options.positive ? " above 0" : options.min !== undefined ? ` of at least ${options.min}` : ""}`;
  return {
    decode(node, ctx) {
      const value = scalarText(node, ctx, expected);
      const parsed = parsePlainDecimal(value);
      if (!parsed) fail(ctx, node, "not a plain decimal", `${expected}${writtenOut(value)}`, shown(value));
      if (options.positive && !parsed.gt(0)) fail(ctx, node, "out of range", expected, value);
      if (options.min !== undefined && parsed.lt(options.min)) fail(ctx, node, "out of range", expected, value);
      return parsed;
    },
    schema: () => ({
      type: ["number", "string"],
      pattern: "^-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)$",
      ...(options.min !== undefined ? { minimum: Number(options.min) } : {}),
      ...(options.positive ? { exclusiveMinimum: 0 } : {}),
      ...(options.description ? { description: options.description } : {}),
    }),
  };
}

/** A small whole number that is not money: decimals shown, a percentage level. */
export function integer(options: { min: number; max: number; description?: string }): Codec<number> {
  const expected = `a whole number from ${options.min} to ${options.max}`;
  return {
    decode(node, ctx) {
      const value = scalarText(node, ctx, expected);
      if (!/^\d{1,9}$/.test(value)) fail(ctx, node, "wrong value", expected, shown(value));
      const n = Number(value);
      if (n < options.min || n > options.max) fail(ctx, node, "out of range", expected, value);
      return n;
    },
    schema: () => ({ type: "integer", minimum: options.min, maximum: options.max, ...(options.description ? { description: options.description } : {}) }),
  };
}

export function boolean(description?: string): Codec<boolean> {
  return {
    decode(node, ctx) {
      const value = scalarText(node, ctx, "true or false");
      if (value !== "true" && value !== "false") fail(ctx, node, "wrong value", "true or false", shown(value));
      return value === "true";
    },
    schema: () => ({ type: "boolean", ...(description ? { description } : {}) }),
  };
}

export function oneOf<const T extends string>(values: readonly T[], description?: string): Codec<T> {
  const expected = `one of ${values.join(", ")}`;
  return {
    decode(node, ctx) {
      const value = scalarText(node, ctx, expected);
      if (!(values as readonly string[]).includes(value)) fail(ctx, node, "wrong value", expected, shown(value));
      return value as T;
    },
    schema: () => ({ enum: [...values], ...(description ? { description } : {}) }),
  };
}

export function list<T>(item: Codec<T>, options: { minItems?: number; description?: string } = {}): Codec<T[]> {
  return {
    decode(node, ctx) {
      // A key of no value (`grants:` and nothing under it): said so, where "found \"\"" read as a text (newcomer66 L12).
      if (isScalar(node) && node.type === "PLAIN" && node.source === "") fail(ctx, node, "a key with nothing under it", `a list: its items under the key, each on a line of its own starting with -${(options.minItems ?? 0) === 0 ? ", or [] for none" : ""}`, "nothing");
      if (!isSeq(node)) fail(ctx, node, "wrong type", isScalar(node) ? listOf(node, item) : "a list", describeNode(node));
      if (options.minItems !== undefined && node.items.length < options.minItems) {
        fail(ctx, node, "too few items", `at least ${options.minItems}`, String(node.items.length));
      }
      return collect(node.items as Node[], (child) => item.decode(resolved(child, ctx), ctx), ctx);
    },
    schema: () => ({ type: "array", items: item.schema(), ...(options.minItems ? { minItems: options.minItems } : {}), ...(options.description ? { description: options.description } : {}) }),
  };
}

/**
 * The list a scalar written where one is expected most likely means: `status: 500,404` is one text to YAML, a list of
 * two in brackets (red66); a quoted text is one item, commas and all (red66b: "Rate limit exceeded, retry later" was
 * offered as two); a list of mappings (grants) is not split.
 */
function listOf(node: Scalar, item: Codec<unknown>): string {
  const type = (item.schema() as { type?: unknown }).type;
  if (typeof node.value !== "string" || type === "object" || type === "array") return "a list";
  if (node.type !== "PLAIN") return `a list, in brackets: [${JSON.stringify(node.value)}]`;
  return node.value.includes(",") ? `a list, in brackets: [${node.value.split(",").map((v) => v.trim()).join(", ")}]` : `a list, in brackets: [${node.value}]`;
}

/** Decode every child, recording each failure, so one run reports all the errors of a document. */
function collect<N, T>(children: N[], decodeOne: (child: N) => T, ctx: DecodeContext): T[] {
  const out: T[] = [];
  const before = ctx.errors.length;
  for (const child of children) {
    try {
      out.push(decodeOne(child));
    } catch (e) {
      if (!(e instanceof Abandon)) throw e;
    }
  }
  if (ctx.errors.length > before) throw new Abandon();
  return out;
}

function resolved(node: unknown, ctx: DecodeContext): Node {
  if (node === null || node === undefined) fail(ctx, undefined, "empty value", "a value", "nothing");
  if (isAlias(node)) fail(ctx, node, "YAML aliases are not supported", "a value written out", `*${node.source}`);
  const n = node as Node;
  if (n.tag && !isScalar(n)) fail(ctx, n, "YAML tags are not supported", "an untagged value", n.tag);
  if (isScalar(n) && n.tag) fail(ctx, n, "YAML tags are not supported", "an untagged value", n.tag);
  return n;
}

/** A mapping with keys chosen by the user (plan names, meter keys). Keys keep their order. */
export function dictionary<T>(value: Codec<T>, options: { keyPattern?: RegExp; description?: string; minEntries?: number } = {}): Codec<Map<string, T>> {
  const keyPattern = options.keyPattern ?? /^[a-z][a-z0-9_-]*$/;
  return {
    decode(node, ctx) {
      if (!isMap(node)) fail(ctx, node, "wrong type", "a mapping", describeNode(node));
      if (options.minEntries !== undefined && node.items.length < options.minEntries) {
        fail(ctx, node, "too few entries", `at least ${options.minEntries}`, String(node.items.length));
      }
      const entries = collect(node.items, (pair) => {
        const key = keyOf(pair, ctx);
        if (!keyPattern.test(key)) fail(ctx, pair.key as Node, `bad key${thousands(key)}`, `a key matching ${keyPattern.source}`, shown(key));
        return [key, value.decode(resolved(pair.value, ctx), ctx)] as const;
      }, ctx);
      return new Map(entries);
    },
    schema: () => ({
      type: "object",
      propertyNames: { pattern: keyPattern.source },
      additionalProperties: value.schema(),
      ...(options.description ? { description: options.description } : {}),
    }),
  };
}

function keyOf(pair: Pair, ctx: DecodeContext): string {
  const key = resolved(pair.key, ctx);
  if (!isScalar(key)) fail(ctx, key, "wrong key type", "a plain key", describeNode(key));
  return String(key.value);
}

type Fields = Record<string, Codec<unknown>>;
type FieldValues<F extends Fields> = { [K in keyof F]: F[K] extends Codec<infer T> ? T : never };

/** A mapping with fixed keys. Unknown keys are errors, reported at the key with the nearest known name. */
export function record<R extends Fields, O extends Fields = Record<never, never>>(
  required: R,
  optional: O = {} as O,
  description?: string,
): Codec<FieldValues<R> & Partial<FieldValues<O>>> {
  const known = [...Object.keys(required), ...Object.keys(optional)];
  // The keys named where a list or a value is given: `thresholds: [80, 100]` said "a mapping" alone, and the key it
  // needs (percent_of_allowance:) was found only in the bundled cards (newcomer57 L1).
  const keys = known.length <= 4 ? known.map((k) => `${k}:`).join(", ") : `keys such as ${known.slice(0, 3).map((k) => `${k}:`).join(", ")}`;
  const mapping = known.length === 0 ? "a mapping" : `a mapping of ${keys}`;
  return {
    decode(node, ctx) {
      if (!isMap(node)) fail(ctx, node, "wrong type", mapping, describeNode(node));
      const out: Record<string, unknown> = Object.create(null);
      const seen = new Set<string>();
      collect(node.items, (pair) => {
        const key = keyOf(pair, ctx);
        const codec = Object.hasOwn(required, key) ? required[key] : Object.hasOwn(optional, key) ? optional[key] : undefined;
        if (!codec) {
          const near = nearest(key, known);
          fail(ctx, pair.key as Node, `unknown key ${shown(key)}${near ? `; did you mean ${shown(near)}?` : thousands(key)}`, `one of ${known.join(", ")}`, shown(key));
        }
        seen.add(key);
        out[key] = codec.decode(resolved(pair.value, ctx), ctx);
      }, ctx);
      const missing = Object.keys(required).filter((k) => !seen.has(k));
      if (missing.length > 0) fail(ctx, node, `missing key ${missing.map((m) => shown(m)).join(", ")}`, `keys ${missing.join(", ")}`, "none");
      return { ...out } as FieldValues<R> & Partial<FieldValues<O>>;
    },
    schema: () => ({
      type: "object",
      ...(description ? { description } : {}),
      properties: Object.fromEntries([...Object.entries(required), ...Object.entries(optional)].map(([k, c]) => [k, c.schema()])),
      required: Object.keys(required),
      additionalProperties: false,
    }),
  };
}

/** A value written either as a scalar or as a mapping (a flat price, or a price table). */
export function scalarOrMapping<A, B>(scalar: Codec<A>, mapping: Codec<B>): Codec<A | B> {
  return {
    decode: (node, ctx) => (isMap(node) ? mapping.decode(node, ctx) : scalar.decode(node, ctx)),
    schema: () => ({ oneOf: [scalar.schema(), mapping.schema()] }),
  };
}

/** Post-process a decoded value; `check` may call `fail` with the node to report a location. */
export function refine<A, B>(base: Codec<A>, check: (value: A, node: Node, ctx: DecodeContext) => B): Codec<B> {
  return { decode: (node, ctx) => check(base.decode(node, ctx), node, ctx), schema: base.schema };
}

export interface Decoded<T> {
  value: T;
  /** The location of the node at a path (or of its nearest existing parent), for checks made after decoding. */
  at(path: readonly (string | number)[]): Location;
}

/**
 * Parse YAML text and decode it, collecting every error with its line and column. `kind` ("an
 * account file") names what the file should be, so that another of burnrate's files given in its
 * place is refused as such.
 */
export function decodeYaml<T>(source: string, file: string, codec: Codec<T>, kind?: string): Decoded<T> {
  const lines = new LineCounter();
  const ctx: DecodeContext = { file, lines, errors: [] };
  if (source.trim() === "") throw new UserError("empty file", { file, line: 1, column: 1 }, "a YAML document", "nothing");
  guardNesting(source, file);
  const second = jsonLinesAt(source);
  if (second !== undefined) {
    throw new UserError("a second JSON object starts here: the file is JSON Lines", { file, line: second.line, column: 1 }, `${kind ?? "a YAML document"}, one document (JSON Lines is usage, read with --usage)`, shown(second.text));
  }
  // The parser's own duplicate-key check compares each key with every earlier one (quadratic in a
  // mapping's size); duplicateKeys below does the same check with a set.
  const doc = parseDocument(source, { schema: "failsafe", lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    // A line out of place (a tab, a key off its column) throws the parser's reading of the lines after
    // it off, and what it says of them is noise: the tabs alone are reported, else the first such line.
    const tabs = problems.filter((p) => p.code === "TAB_AS_INDENT");
    const first = tabs.length === 0 ? layoutError(problems[0]!, source, file, lines) : undefined;
    if (first) throw first;
    const placed = onePerPlace(tabs.length > 0 ? tabs : problems);
    // Only the problems shown are worded: a log given as a card or an account file has some 45,000 a megabyte, each
    // worded from the source's text (stop 52: 172 s for a megabyte of JSON Lines as an account file).
    throw reported(placed.slice(0, MAX_REPORTED + 1).map((p) => {
      const layout = layoutError(p, source, file, lines);
      if (layout) return layout;
      const at = p.linePos?.[0] ?? lines.linePos(p.pos[0]);
      const where = { file, line: at.line, column: at.col };
      // The parser recurses per level of block nesting (`- - - ... x`); the flow guard above cannot see that.
      if (/Maximum call stack size exceeded/.test(p.message)) return new UserError("nesting too deep", where, `at most ${MAX_NESTING} levels`, "more");
      // The library's text advises a function of its own API; the user needs to know which file holds two documents.
      if (p.code === "MULTIPLE_DOCS") {
        const first = source.slice(p.pos[0]).split(/\r?\n/, 1)[0]!.trim();
        return new UserError("a second YAML document starts here", where, "one document per file: remove this document or move it to a file of its own", shown(first));
      }
      // A tag the parser cannot resolve (`!!js/function`, `!credits`) is refused as every other tag is.
      if (p.code === "TAG_RESOLVE_FAILED") return new UserError("YAML tags are not supported", where, "an untagged value", foundAt(source, p.pos));
      return new UserError(p.message.split("\n")[0]!, where, "valid YAML", foundAt(source, p.pos));
    }), placed.length);
  }
  if (!doc.contents) throw new UserError("empty document", { file, line: 1, column: 1 }, "a YAML document", "nothing");
  const csv = kind === undefined || !isScalar(doc.contents) ? undefined : csvHeaderOf(source);
  // A log or a bill where a YAML file is read is one long plain scalar to YAML: "wrong type" said nothing of why (newcomer58b L6).
  if (csv !== undefined) throw new UserError(`this looks like CSV (a usage log or a bill), not ${kind}`, { file, line: 1, column: 1 }, `${kind}, YAML keys and values`, shown(csv.length > 60 ? `${csv.slice(0, 57)}...` : csv));
  const stray = strayListItem(doc.contents, source, file, lines) ?? separatedNumber(doc.contents, source, file, lines);
  if (stray) throw stray;
  const duplicates = duplicateKeys(doc.contents);
  if (duplicates.length > 0) {
    throw reported(duplicates.map(({ key, first, path }) => {
      const offset = key.range?.[0] ?? 0;
      const { line, col } = lines.linePos(offset);
      const before = lines.linePos(first.range?.[0] ?? 0);
      // Said as what it is (newcomer58b L4: a meter defined twice read as the parser's "Map keys must be unique").
      const within = path.length === 0 ? "at the top level" : `in ${pathText(path)}`;
      return new YamlLayoutError(`key ${shown(String(key.value))} written twice ${within}, first at line ${before.line}, column ${before.col}`, { file, line, column: col }, "each key once in a mapping: remove one, or merge the two", foundAt(source, [offset, offset + 1]));
    }));
  }
  // Refuse every alias before decoding, wherever it is: an alias bomb (billion laughs) is named as such,
  // not as whatever type or key error its first alias happens to sit under.
  const alias = firstAlias(doc.contents);
  if (alias) {
    const { line, col } = lines.linePos(alias.range?.[0] ?? 0);
    throw new UserError("YAML aliases are not supported", { file, line, column: col }, "a value written out", `*${alias.source}`);
  }
  const other = kind === undefined ? undefined : otherKind(doc.contents, codec, kind, ctx);
  if (other) throw other;
  try {
    const value = codec.decode(resolved(doc.contents, ctx), ctx);
    if (ctx.errors.length === 0) {
      return {
        value,
        at(path) {
          let node = nodeAt(doc.contents, path);
          for (let cut = path.length - 1; node === undefined && cut >= 0; cut--) node = nodeAt(doc.contents, path.slice(0, cut));
          return locate(node ?? doc.contents!, ctx);
        },
      };
    }
  } catch (e) {
    if (!(e instanceof Abandon)) throw e;
  }
  throw ctx.errors.length === 1 ? ctx.errors[0]! : reported(ctx.errors);
}

/**
 * A file of another kind where this one is read (a card as --account, an account file as --card):
 * one error at its first foreign key, rather than an "unknown key" for each of its keys.
 */
function otherKind(contents: Node, codec: Codec<unknown>, kind: string, ctx: DecodeContext): UserError | undefined {
  const known = (codec.schema() as { properties?: Record<string, unknown> }).properties;
  if (!isMap(contents) || known === undefined) return undefined;
  const foreign = contents.items.filter((pair) => !(isScalar(pair.key) && Object.hasOwn(known, String(pair.key.value))));
  // None of its keys is one of this kind's: a file with typos has some right, and keeps its "unknown key" lines.
  if (contents.items.length < 3 || foreign.length < contents.items.length) return undefined;
  const names = foreign.slice(0, 4).map((pair) => shown(`${isScalar(pair.key) ? String(pair.key.value) : "?"}:`));
  return new UserError(
    `not ${kind}: none of its keys is ${kind}'s`,
    locate(foreign[0]!.key as Node, ctx),
    `${kind}, with keys such as ${Object.keys(known).slice(0, 6).join(", ")}`,
    `${names.join(", ")}${foreign.length > names.length ? ", ..." : ""}`,
  );
}

/** The JSON Schema document for a codec; `defs` holds the shapes that refer to themselves. */
export function schemaDocument(id: string, title: string, codec: Codec<unknown>, defs: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: id,
    title,
    ...codec.schema(),
    ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
  };
}

export { Decimal };
