import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Scalar } from "yaml";
import { UserError, UserErrors, shown } from "../errors.js";

// What decodeYaml screens a text for before decoding it (JSON Lines or CSV given as YAML, nesting past the parser's
// stack, keys written twice, aliases) and how many of a file's problems it reports.

/** Deeper than this is not a hand-written document; refusing it keeps the parser off the stack limit. */
export const MAX_NESTING = 64;

/** More problems than anyone reads in one go: the rest are counted, so a wrong file (a log) gives a screenful, not megabytes. */
export const MAX_REPORTED = 100;

export function reported(errors: UserError[], total = errors.length): UserErrors {
  if (total <= MAX_REPORTED) return new UserErrors(errors);
  const rest = total - MAX_REPORTED;
  const next = errors[MAX_REPORTED]!;
  const more = new UserError(`${rest} more problem(s) not shown`, next.location, "a file with fewer problems: fix the ones above first", `${rest} more`);
  return new UserErrors([...errors.slice(0, MAX_REPORTED), more]);
}

/**
 * The second line of a file whose first two lines are JSON objects, one a line: JSON Lines, a usage log given as a
 * card or an account file. The parser reads it as YAML with some 45,000 problems a megabyte and holds 270 bytes a byte
 * doing so (2.2 GB for 8 MiB, red52 F2), where it is refused here at once.
 */
export function jsonLinesAt(source: string): { line: number; text: string } | undefined {
  if (source.trimStart()[0] !== "{") return undefined;
  const lines = source.slice(0, 1 << 16).split(/\r?\n/);
  const objects = lines.map((text, i) => ({ text: text.trim(), line: i + 1 })).filter((l) => l.text !== "");
  const [first, next] = objects;
  if (first === undefined || next === undefined || !next.text.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(first.text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? next : undefined;
  } catch {
    return undefined;
  }
}

/** More than a message shows of a value (shown() cuts at 60 characters). */
const SHOWN_AFTER = 1024;

/** The source text a YAML parse error points at, for the "found" half of the message. */
export function foundAt(source: string, pos: readonly [number, number]): string {
  const [start, end] = pos;
  if (start >= source.length) return "the end of the file";
  // Some ranges cover one character only (a duplicate key): widen those to the whole token.
  // Of the source from there, what a message can show: sliced to the end, each of a file's problems copied the rest of it.
  const after = source.slice(start, start + SHOWN_AFTER);
  const token = /^[^\s:,[\]{}]+/.exec(after)?.[0];
  const text = end - start > 1 ? source.slice(start, end) : token ?? after.split(/\r?\n/)[0]!;
  return text.trim() === "" ? "the end of the line" : shown(text);
}

/** Every key that repeats an earlier scalar key of its mapping, in document order; the nesting guard bounds the depth. */
export function duplicateKeys(node: unknown, found: DuplicateKey[] = [], path: readonly (string | number)[] = []): DuplicateKey[] {
  if (isMap(node)) {
    const seen = new Map<string, Scalar>();
    for (const pair of node.items) {
      const key = pair.key;
      const name = isScalar(key) ? String(key.value) : undefined;
      if (isScalar(key)) {
        const first = seen.get(name!);
        if (first !== undefined) found.push({ key, first, path });
        else seen.set(name!, key);
      }
      duplicateKeys(pair.key, found, path);
      duplicateKeys(pair.value, found, name === undefined ? path : [...path, name]);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => duplicateKeys(item, found, [...path, i]));
  }
  return found;
}

/** A key a mapping holds twice: this one, the first, and the path of the mapping. */
interface DuplicateKey {
  key: Scalar;
  first: Scalar;
  path: readonly (string | number)[];
}

/** A mapping's path as the card changes write one: `meters.summary`, `grants[0]`, `table["gpt-4.1"]` for a key that is not a plain word. */
export function pathText(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z0-9_-]+$/.test(p) ? `${i === 0 ? "" : "."}${p}` : `[${JSON.stringify(p)}]`)).join("");
}

/** The header of a text whose first two lines each hold a comma and no `: ` (CSV, not YAML); undefined for any other text. */
export function csvHeaderOf(source: string): string | undefined {
  const [header, row] = source.slice(0, 1 << 16).split(/\r?\n/, 2);
  const csvLine = (line: string | undefined) => line !== undefined && line.includes(",") && !line.includes(": ") && !line.trimStart().startsWith("#");
  return csvLine(header) && csvLine(row) ? header!.replace(/^\uFEFF/, "") : undefined;
}

/** The first alias (`*name`) in a document, depth first; the nesting guard bounds the depth. */
export function firstAlias(node: unknown): (Node & { source: string; range?: [number, number, number] | null }) | undefined {
  if (isAlias(node)) return node as never;
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      const found = isPair(item) ? firstAlias(item.key) ?? firstAlias(item.value) : firstAlias(item);
      if (found) return found;
    }
  }
  return undefined;
}

export function guardNesting(source: string, file: string): void {
  let depth = 0;
  let line = 1;
  let column = 0;
  for (const ch of source) {
    column++;
    if (ch === "\n") {
      line++;
      column = 0;
    } else if (ch === "[" || ch === "{") {
      if (++depth > MAX_NESTING) throw new UserError("nesting too deep", { file, line, column }, `at most ${MAX_NESTING} levels`, `more`);
    } else if (ch === "]" || ch === "}") {
      depth = Math.max(0, depth - 1);
    }
  }
}
