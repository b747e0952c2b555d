import { Decimal } from "../money.js";
import { isMap, isPair, isScalar, isSeq, Scalar, type LineCounter, type YAMLError } from "yaml";
import { YamlLayoutError, shown } from "../errors.js";

/**
 * The YAML parser's indentation and layout errors, said in plain words at the line to fix. The
 * parser names the token where it gave up ("Nested mappings are not allowed in compact mappings" at
 * the value before a key indented one space too far); a person hand-editing a card needs the line
 * that is out of place, the column it should start at and the key it should line up with.
 * Undefined for an error this does not recognise: the caller keeps the parser's words for it.
 */
export function layoutError(p: YAMLError, source: string, file: string, lines: LineCounter): YamlLayoutError | undefined {
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const at = (line: number, column: number) => ({ file, line, column });
  const text = linesOf(source);
  const errorLine = lineAt(p.pos[0]);
  const body = text[errorLine - 1] ?? "";
  const tab = tabIn(text, p.code === "BLOCK_AS_IMPLICIT_KEY" ? (nextContent(text, errorLine)?.line ?? errorLine) : errorLine);
  if (tab !== undefined && p.code !== "MISSING_CHAR") return new YamlLayoutError("a tab in the indentation", at(tab.line, tab.column), "spaces only: YAML indents with spaces, never tabs", "a tab");
  if (p.code === "BLOCK_AS_IMPLICIT_KEY" || (p.code === "BAD_INDENT" && /^All sequence items must start at the same column/.test(p.message))) {
    const { col } = lines.linePos(p.pos[0]);
    // The parser points at the line's start (or its dash): a list item out of line, not a key's value.
    if (body.slice(0, col - 1).trim() === "") {
      const item = listItemOutOfLine(text, errorLine, file);
      if (item) return item;
    }
  }
  switch (p.code) {
    case "MULTILINE_IMPLICIT_KEY": {
      const glued = /^(\s*(?:-\s+)*[^\s:#"'{[]+):(?=[^\s:])/.exec(body);
      if (glued === null) return undefined;
      return new YamlLayoutError("no space after the colon", at(errorLine, glued[1]!.length + 2), `a space after ${shown(`${glued[1]!.trim()}:`)}, before the value`, shown(body.trim()));
    }
    case "TAB_AS_INDENT": {
      const { col } = lines.linePos(p.pos[0]);
      return new YamlLayoutError("a tab in the indentation", at(errorLine, col), "spaces only: YAML indents with spaces, never tabs", "a tab");
    }
    case "BLOCK_AS_IMPLICIT_KEY": {
      const col = lines.linePos(p.pos[0]).col;
      const holder = keyOf(body.slice(0, col - 1));
      // `name: Harbor (Flikly: 1 s)`: a ": " inside a plain value starts a key, with the same error as a next line indented too far.
      const colon = holder === undefined ? undefined : colonInValue(body, col);
      if (holder !== undefined && colon !== undefined) {
        const value = plainValue(body.slice(col - 1));
        return new YamlLayoutError(
          `the value of ${quoted(holder.name)} holds ": ", which YAML reads as the start of a key: a value with ": " in it must be quoted`,
          at(errorLine, colon),
          `the value in quotes: ${holder.name}: ${yamlQuoted(value)}`,
          `${shown(value)}, ${/^["']/.test(value) ? "quoted only in part" : "unquoted"}`,
        );
      }
      // `plan: pro` then ` anchor: ...` one column further in: the parser reads the second line as more of the first's value.
      const next = nextContent(text, errorLine);
      // A next line no further in than the key holding the value is not what the parser stopped at: its own words are truer.
      if (holder === undefined || next === undefined || next.column <= holder.column) return undefined;
      const key = keyOf(next.text.slice(0, next.text.indexOf(":") + 1)) ?? { name: next.text.trim(), column: next.column };
      return new YamlLayoutError(
        `${quoted(key.name)} is indented more than ${quoted(holder.name)} above it`,
        at(next.line, next.column),
        `${quoted(key.name)} at column ${holder.column}, in line with ${quoted(holder.name)} (or nothing after ${quoted(holder.name)}, if ${quoted(key.name)} belongs under it)`,
        `column ${next.column}`,
      );
    }
    case "BLOCK_IN_FLOW": {
      // `{ label: AI: generation }`: the ": " inside a value of a flow mapping starts a key there too.
      const col = lines.linePos(p.pos[0]).col;
      const holder = /([A-Za-z0-9_-]+)["']?:\s*$/.exec(body.slice(0, col - 1));
      const value = plainValue(body.slice(col - 1).split(/[,}\]]/)[0]!);
      const colon = holder === null ? undefined : colonInValue(value, 1);
      if (holder === null || colon === undefined) return undefined;
      return new YamlLayoutError(
        `the value of ${quoted(holder[1]!)} holds ": ", which YAML reads as the start of a key: a value with ": " in it must be quoted`,
        at(errorLine, col + colon - 1),
        `the value in quotes: ${holder[1]}: ${yamlQuoted(value)}`,
        `${shown(value)}, unquoted`,
      );
    }
    case "BAD_INDENT":
    case "MISSING_CHAR": {
      if (p.code === "MISSING_CHAR" && !/^Sequence item without - indicator/.test(p.message)) return plainMissing(p, body, at(errorLine, lines.linePos(p.pos[0]).col), source, lines);
      if (/^Flow (map|sequence)/.test(p.message)) {
        const open = openAt(source, p.pos[0]);
        if (open === undefined) return undefined;
        const { line, col } = lines.linePos(open.offset);
        return new YamlLayoutError(`a ${open.char} never closed`, at(line, col), `a ${CLOSING[open.char]} closing it before the next key`, shown(text[line - 1]!.trim()));
      }
      if (!/^(All mapping items must start at the same column|Sequence item without - indicator)/.test(p.message)) return undefined;
      const column = body.length - body.trimStart().length + 1;
      const name = keyOf(body.slice(0, body.indexOf(":") + 1))?.name ?? body.trim();
      const [inner, outer] = levelsAround(text, errorLine, column);
      const choices = [inner, outer].filter((l) => l !== undefined).map((l) => `column ${l.column}, in line with ${l.label}`);
      return new YamlLayoutError(
        `${quoted(name)} is not in line with the lines above it`,
        at(errorLine, column),
        choices.length > 0 ? `${quoted(name)} at ${choices.join(", or ")}` : "each key of a mapping at one column",
        `column ${column}`,
      );
    }
    default:
      return undefined;
  }
}

/**
 * A list item indented further than the one above it is valid YAML: the parser reads `- a` then
 * `   - b` as one item, the text "a - b", and the list loses an entry without a word. A plain value
 * running on over a line that starts with a dash is refused here at that line, as the parser refuses
 * the same item one column to the left.
 */
export function strayListItem(node: unknown, source: string, file: string, lines: LineCounter): YamlLayoutError | undefined {
  let text: string[] | undefined;
  const walk = (n: unknown): YamlLayoutError | undefined => {
    if (isScalar(n)) {
      const range = n.range;
      if (n.type !== Scalar.PLAIN || !range) return undefined;
      const first = lines.linePos(range[0]).line;
      const last = lines.linePos(range[1]).line;
      if (first === last) return undefined;
      text ??= source.split(/\r?\n/);
      for (let line = first + 1; line <= last; line++) {
        if (/^\s*-(\s|$)/.test(text[line - 1] ?? "")) return listItemOutOfLine(text, line, file, String(n.value));
      }
      return undefined;
    }
    if (isMap(n) || isSeq(n)) {
      for (const item of n.items as unknown[]) {
        const found = walk(isPair(item) ? item.value : item);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(node);
}

/**
 * A line `- item` whose dash is not at the column of the items around it, with the columns it may
 * belong at: in line with the nearest item further in, or with the nearest further out. `readAs` is
 * the value the parser made of it when it ran the line into the item above.
 */
function listItemOutOfLine(text: readonly string[], line: number, file: string, readAs?: string): YamlLayoutError | undefined {
  const body = text[line - 1] ?? "";
  const column = body.length - body.trimStart().length + 1;
  const items: { column: number; line: number; text: string }[] = [];
  for (let i = line - 2; i >= 0; i--) {
    const t = text[i]!;
    if (t.trim() === "" || t.trimStart().startsWith("#")) continue;
    const at = t.length - t.trimStart().length + 1;
    if (/^\s*-(\s|$)/.test(t)) {
      if (!items.some((d) => d.column === at)) items.push({ column: at, line: i + 1, text: t.trim() });
    } else if (at < column) break;
  }
  const inner = items.filter((d) => d.column > column).sort((a, b) => a.column - b.column)[0];
  const outer = items.filter((d) => d.column < column).sort((a, b) => b.column - a.column)[0];
  const choices = [inner, outer].filter((d) => d !== undefined).map((d) => `column ${d.column}, in line with ${shown(d.text)} on line ${d.line}`);
  const item = shown(body.trim());
  if (choices.length === 0) {
    if (readAs === undefined) return undefined;
    return new YamlLayoutError(`the line ${item} is read as more of the value above it (${shown(readAs)})`, { file, line, column }, `a list under its key, each item on a line of its own starting "- " at one column, or the value quoted if ${item} is part of it`, `column ${column}`);
  }
  const problem = readAs === undefined ? `the list item ${item} is not in line with the items above it` : `the list item ${item} is indented further than the item above it, and is read as more of that item's text (${shown(readAs)})`;
  const expected = `the "-" at ${choices.join(", or ")}`;
  return new YamlLayoutError(problem, { file, line, column }, expected, `column ${column}`);
}

/** Several parser errors about one spot (a key indented too far gives two): the first of each place. */
/** The source's lines, split once for all of a file's problems: split again for each, a log given as YAML took minutes. */
let split: { source: string; text: string[] } | undefined;
function linesOf(source: string): string[] {
  if (split?.source !== source) split = { source, text: source.split(/\r?\n/) };
  return split.text;
}

export function onePerPlace(errors: readonly YAMLError[]): YAMLError[] {
  const seen = new Set<number>();
  return errors.filter((e) => {
    if (seen.has(e.pos[0])) return false;
    seen.add(e.pos[0]);
    return true;
  });
}

function plainMissing(p: YAMLError, body: string, where: { file: string; line: number; column: number }, source: string, lines: LineCounter): YamlLayoutError | undefined {
  if (/^Missing closing/.test(p.message)) {
    const open = openAt(source, p.pos[0]);
    if (open === undefined || !(open.char === '"' || open.char === "'")) return undefined;
    const { line, col } = lines.linePos(open.offset);
    return new YamlLayoutError(`a ${open.char} never closed`, { file: where.file, line, column: col }, `a closing ${open.char} on the same line`, shown(source.split(/\r?\n/)[line - 1]!.trim()));
  }
  if (/^Implicit map keys need to be followed by map values/.test(p.message)) {
    return new YamlLayoutError("a line that is neither a key with its value nor a list item", where, '"key: value" (a colon and a space after the key) or "- item"', shown(body.trim()));
  }
  return undefined;
}

/**
 * The column of the first ": " (or a colon ending the line) in a value that starts at column `from`
 * of the line, before a comment: in a plain value, or after a quoted one (`"a": b`). A flow or block
 * value's colons are its own.
 */
function colonInValue(body: string, from: number): number | undefined {
  const value = body.slice(from - 1);
  const quote = /^\s*(["'])/.exec(value);
  if (quote === null && /^\s*[{[|>]/.test(value)) return undefined;
  const start = quote === null ? 0 : value.indexOf(quote[1]!, quote[0].length) + 1;
  if (start === 0 && quote !== null) return undefined;
  const rest = value.slice(start).replace(/\s#.*$/, "");
  const m = /^(.*?):(?:\s|$)/.exec(rest);
  return m === null || (start === 0 && m[1]!.trim() === "") ? undefined : from + start + m[1]!.length;
}

/** A plain value as written, without a trailing comment. */
function plainValue(text: string): string {
  return text.replace(/\s+#.*$/, "").trim();
}

/** A value in YAML quotes: double, unless it holds a double quote or a backslash (then single, its own ' doubled). */
function yamlQuoted(value: string): string {
  return /["\\]/.test(value) ? `'${value.replace(/'/g, "''")}'` : `"${value}"`;
}

function quoted(key: string): string {
  return shown(`${key}:`);
}

/** The key a line's text before a value ends with (`  - kind:` gives kind, at its column). */
function keyOf(prefix: string): { name: string; column: number } | undefined {
  const m = /^(\s*(?:-\s+)*)(["']?)([^:#"']+)\2:\s*$/.exec(prefix);
  return m ? { name: m[3]!.trim(), column: m[1]!.length + 1 } : undefined;
}

interface ContentLine {
  line: number;
  column: number;
  text: string;
}

/** The first line after `line` holding more than a comment. */
function nextContent(text: readonly string[], line: number): ContentLine | undefined {
  for (let i = line; i < text.length; i++) {
    const t = text[i]!;
    if (t.trim() !== "" && !t.trimStart().startsWith("#")) return { line: i + 1, column: t.length - t.trimStart().length + 1, text: t };
  }
  return undefined;
}

interface Level {
  column: number;
  label: string;
}

/**
 * The indentation levels open above a line, nearest first (a key's column; a list item's dash and the
 * key after it), and of those the nearest one deeper than `column` and the nearest one shallower: where
 * a line out of place would belong, under the key above it or back beside the one holding it.
 */
function levelsAround(text: readonly string[], line: number, column: number): [Level | undefined, Level | undefined] {
  const levels: Level[] = [];
  let limit = Infinity;
  for (let i = line - 2; i >= 0 && limit > 1; i--) {
    const t = text[i]!;
    if (t.trim() === "" || t.trimStart().startsWith("#")) continue;
    const indent = t.length - t.trimStart().length;
    const dashes = /^(\s*)((?:-\s+)*)/.exec(t)!;
    const keyColumn = dashes[0].length + 1;
    const key = keyOf(t.slice(0, t.indexOf(":") + 1));
    const found: Level[] = [];
    if (key !== undefined && keyColumn < limit) found.push({ column: keyColumn, label: quoted(key.name) });
    if (dashes[2]!.length > 0 && indent + 1 < limit) found.push({ column: indent + 1, label: 'a new list item "- "' });
    for (const l of found) levels.push(l);
    limit = Math.min(limit, ...found.map((l) => l.column));
  }
  const inner = levels.filter((l) => l.column > column).sort((a, b) => a.column - b.column)[0];
  const outer = levels.filter((l) => l.column < column).sort((a, b) => b.column - a.column)[0];
  return [inner, outer];
}

/** The first tab in a line's indentation, at its column. */
function tabIn(text: readonly string[], line: number): { line: number; column: number } | undefined {
  const indent = /^[ \t]*/.exec(text[line - 1] ?? "")![0];
  const at = indent.indexOf("\t");
  return at < 0 ? undefined : { line, column: at + 1 };
}

const CLOSING: Record<string, string> = { "{": "}", "[": "]" };

/**
 * What is still open at `end`: a quote, else the innermost `{` or `[`. Comments are skipped, and the
 * quotes' own escapes (`\"` in double quotes, `''` in single ones) read as YAML reads them.
 */
function openAt(source: string, end: number): { char: string; offset: number } | undefined {
  const brackets: { char: string; offset: number }[] = [];
  let quote: { char: string; offset: number } | undefined;
  for (let i = 0; i < end && i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (quote.char === '"' && c === "\\") i++;
      else if (c === quote.char && quote.char === "'" && source[i + 1] === "'") i++;
      else if (c === quote.char) quote = undefined;
    } else if (c === "#" && (i === 0 || /\s/.test(source[i - 1]!))) {
      while (i < end && source[i] !== "\n") i++;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s:,[{-]/.test(source[i - 1]!))) {
      quote = { char: c, offset: i };
    } else if (c === "{" || c === "[") brackets.push({ char: c, offset: i });
    else if (c === "}" || c === "]") brackets.pop();
  }
  return quote ?? brackets.at(-1);
}

/**
 * A number written with thousands separators inside a flow mapping (`{ input_tokens: 40,000,000 }`): YAML reads the
 * commas as the mapping's, the number as 40 and the groups after it as keys of no value, `000` twice. Said as the
 * number it is, where it was "key "000" written twice" (newcomer65b M2); in block style it is one plain value, which the
 * decimal's own check refuses.
 */
export function separatedNumber(node: unknown, source: string, file: string, lines: LineCounter): YamlLayoutError | undefined {
  const walk = (n: unknown, under: unknown): YamlLayoutError | undefined => {
    if (!isMap(n) && !isSeq(n)) return undefined;
    const items = n.items as unknown[];
    if (isMap(n) && n.flow && isScalar(under) && under.value === "skip_rows") {
      const found = unbracketedList(items, source, file, lines);
      if (found) return found;
    }
    if (isMap(n) && n.flow) {
      for (let i = 1; i < items.length; i++) {
        const pair = items[i];
        const before = items[i - 1];
        if (!isPair(pair) || !isPair(before) || !isScalar(pair.key) || pair.value !== null || !isScalar(before.value)) continue;
        const group = pair.key.range;
        const number = before.value.range;
        if (!group || !number || source[group[0] - 1] !== ",") continue;
        const whole = source.slice(number[0], number[1]);
        const first = source.slice(group[0], group[1]);
        if (!/^[-+]?\d+$/.test(whole) || !/^\d+(\.\d+)?$/.test(first)) continue;
        // The groups that follow, one key each, as far as they go.
        let end = group[1];
        let groups = 1;
        for (let j = i + 1; j < items.length; j++) {
          const next = items[j];
          const range = isPair(next) && isScalar(next.key) && next.value === null ? next.key.range : undefined;
          if (!range || source[range[0] - 1] !== "," || !/^\d{3}(\.\d+)?$/.test(source.slice(range[0], range[1]))) break;
          end = range[1];
          groups++;
        }
        const written = source.slice(number[0], end);
        const { line, col } = lines.linePos(number[0]);
        const at = { file, line, column: col };

        const thousands = /^[-+]?\d{1,3}$/.test(whole) && /^\d{3}(\.\d+)?$/.test(first) && !/^[-+]?0$/.test(whole);
        // `0,5`, `12,50`: a decimal comma, as a spreadsheet in many locales writes one (red65d M2, red65e M2).
        if (!thousands) {
          if (groups > 1 || first.includes(".")) continue;
          return new YamlLayoutError("a number with a decimal comma inside { }, whose comma YAML reads as the mapping's", at, `a plain decimal, with a point: ${whole}.${first}`, shown(written));
        }
        // `1,500` is 1500 with a thousands separator, or 1.5 with a decimal comma: both are said (red65e M3).
        // The decimal reading without the zeros a decimal comma's reader would take for thousands (red65f M2: 1.500).
        const either = groups === 1 && !first.includes(".") ? `, or ${new Decimal(`${whole}.${first}`).toString()} where the comma is a decimal one` : "";
        return new YamlLayoutError("a number with thousands separators inside { }, whose commas YAML reads as the mapping's", at, `a plain decimal: ${written.replaceAll(",", "")}${either}`, shown(written));
      }
    }
    for (const item of items) {
      const found = isPair(item) ? walk(item.value, item.key) : walk(item, undefined);
      if (found) return found;
    }
    return undefined;
  };
  return walk(node, undefined);
}

/**
 * `skip_rows: { status: 500,404 }`: the values a column's rows are skipped at, written without their brackets. YAML reads
 * the first as the key's value and each after a comma as a key of no value; as a number, `500,404` was told as 500404
 * (red65f M1). The list is offered whatever the values are (`failure,error` too).
 */
function unbracketedList(items: readonly unknown[], source: string, file: string, lines: LineCounter): YamlLayoutError | undefined {
  for (let i = 1; i < items.length; i++) {
    const before = items[i - 1];
    if (!isPair(before) || !isScalar(before.key) || !isScalar(before.value) || !before.value.range) continue;
    const values = [source.slice(before.value.range[0], before.value.range[1])];
    let end = before.value.range[1];
    for (let j = i; j < items.length; j++) {
      const next = items[j];
      const range = isPair(next) && isScalar(next.key) && next.value === null ? next.key.range : undefined;
      // `500,404` and `500, 404` alike (red66): a comma, and spaces around it, between the values.
      if (!range || !/^\s*,\s*$/.test(source.slice(end, range[0]))) break;
      values.push(source.slice(range[0], range[1]));
      end = range[1];
    }
    if (values.length === 1) continue;
    const start = before.value.range[0];
    const { line, col } = lines.linePos(start);
    return new YamlLayoutError("a list of values without [ ] inside { }, whose commas YAML reads as the mapping's", { file, line, column: col }, `a list in brackets: ${String(before.key.value)}: [${values.join(", ")}]`, shown(source.slice(start, end)));
  }
  return undefined;
}
