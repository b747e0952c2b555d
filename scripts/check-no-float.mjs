#!/usr/bin/env node
// No float on amounts (issue 7): fail when code in src/engine computes with JavaScript
// numbers where an amount could be involved. Amounts are Decimal (src/money.ts) and are
// computed with its methods; JavaScript arithmetic is allowed only on instants and
// counts, named in ALLOWED below.
//
// The check reads the TypeScript source as tokens (comments, strings and regular
// expressions skipped; template-literal expressions checked) and reports:
//   - any conversion to a float: Number(...), Number.x, parseFloat, parseInt, .toNumber(), .valueOf(), unary + on a name;
//   - any Math.* call unless every name inside it is an allowed time/count name;
//   - any arithmetic operator (+ - * / % ** and their assignments, ++, --) unless the
//     names on both sides are allowed time/count names (a literal counts as allowed).
// Usage: node scripts/check-no-float.mjs [files or folders...]   (default: src/engine)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Names of numbers that are instants, durations, indexes or counts: never amounts. */
export const ALLOWED = new Set([
  // counters of src/engine
  "ones", "events", "read", "priced", "duplicates", "rejected", "nextPurchase", "nextId",
  // cycle indexes and instants
  "index", "lastCycle", "lastInstant", "instant", "throughCycle", "cycle", "at", "start", "end", "indexOf", "length", "until",
  // the latest cycle a usage row fell in, and its rows (src/engine/replay-state.ts, lastUsage)
  "usageCycle", "usageRows",
  // ordering keys of comparators: ranks, burn priority, expiry and grant instants, grant ids, threshold percents
  "rank", "priority", "expiresAt", "grantedAt", "id", "percent",
  // counts of src/engine/replay.ts: recurring items and accounts run
  "indexOf",
  // where an event_id was first seen, and repeats past the listing (src/engine/event-ids.ts)
  "position", "fileNumber", "LINES_PER_FILE", "omitted",
  // the compact id store's table (slots, sizes, capacities) and its fingerprint lanes, byte offsets and lengths
  "size", "offset", "kept", "capacity", "moved", "to", "from", "knownAt", "window", "h0", "h1", "h2", "h3", "byte", "lane", "ends", "fa", "fb", "mask", "FIRST_CAPACITY", "PRINT", "KEY_LOW",
  // the usual loop variables
  "i", "j", "k", "n",
  // counts of decimal places, which size the replay's credit scale
  "QUANTITY_DECIMALS", "priceDecimals",
  // rows of a batch (src/engine/rows.ts): shape numbers, the cursor of quantities given apart, rows held, cycles opened, rows read ahead
  "shape", "other", "held", "cyclesOpened", "AHEAD",
  // statement lines by number (slots), events counted on them, and a table's fields a shape
  "slot", "slotEvents", "slotSums", "STRIDE",
  // an open cycle's index of its lines by slot (src/engine/line-positions.ts): a place is a position plus one
  "placeIn", "place", "lines", "top", "topSlot", "roomForLines",
  // a batch of rows' first instant and first line, which its columns are offsets from
  "base", "firstLine", "line",
  // keys an object has, counted by the canonical order to choose how to walk them
  "counted",
  // timelines (src/engine/timeline.ts): the next change's instant and its index, the purchases' instants,
  // the price book's generation, and the finest price decimals of every card version (map of counts)
  "nextAt", "next", "purchases", "epoch", "map", "Infinity", "max",
  // estimated bytes and count of closed cycles held as objects, characters of their text held (src/engine/closed-cycles.ts), and the rows of a cycle's lists
  "heldBytes", "heldCycles", "heldText", "bytes", "CYCLE_BYTES", "ROW_BYTES", "rows",
  // a charge target's key (src/engine/charging.ts): the number of its group and its account's ordinal
  "group", "ACCOUNT_SPAN", "ordinal",
  // lists of an account's lines grown by half again (src/engine/cycle-lines.ts, charging.ts): lines held, lengths needed, the most listed
  "lineCount", "need", "LISTED_SLOTS",
  // a cycle's sums by the position of each line (src/engine/cycle-lines.ts): counts of millionths and events
  "lineSums",
]);

/**
 * The engine's exact integer arithmetic, read by people rather than by this check:
 * credits as bigints (TypeScript and the runtime both refuse a number mixed in) and
 * statement-line counts as safe integers, checked on every add. The rest of
 * src/engine moves credits only through its functions.
 */
export const INTEGER_ARITHMETIC = new Set(["src/engine/credits.ts"]);

const FLOAT_CALLS = new Set(["parseFloat", "parseInt"]);
const PUNCT = ["**=", "...", "===", "!==", "=>", "**", "++", "--", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "+", "-", "*", "/", "%", "(", ")", "[", "]", "{", "}", ",", ";", ":", "?", ".", "=", "<", ">", "!", "&", "|", "^", "~", "@", "#"];
const REGEX_AFTER = new Set(["(", ",", "=", ":", "[", "!", "&", "|", "?", "{", "}", ";", "return", "typeof", "=>", "&&", "||", "??", "+", "-", "*", "%"]);

/** Tokens of TypeScript source: identifiers, numbers and punctuation, each with its line. */
export function tokenize(source) {
  const tokens = [];
  let i = 0;
  let line = 1;
  const braces = []; // for template literals: depth of { inside each ${ ... }
  const push = (type, value) => tokens.push({ type, value, line });
  const skipTemplate = () => {
    // i is just after ` or after the } closing a ${ ... }; read until ` or ${
    while (i < source.length) {
      const ch = source[i];
      if (ch === "\\") { i += 2; continue; }
      if (ch === "\n") line++;
      if (ch === "`") { i++; push("str", "`"); return; }
      if (ch === "$" && source[i + 1] === "{") { i += 2; braces.push(0); return; }
      i++;
    }
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\n") { line++; i++; continue; }
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "/" && source[i + 1] === "/") { while (i < source.length && source[i] !== "\n") i++; continue; }
    if (ch === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      line += (source.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== ch) j += source[j] === "\\" ? 2 : 1;
      i = j + 1;
      push("str", ch);
      continue;
    }
    if (ch === "`") { push("str", "`"); i++; skipTemplate(); continue; }
    if (ch === "}" && braces.length > 0) {
      if (braces[braces.length - 1] === 0) { braces.pop(); i++; skipTemplate(); continue; }
      braces[braces.length - 1]--;
    }
    if (ch === "{" && braces.length > 0) braces[braces.length - 1]++;
    if (ch === "/") {
      const prev = tokens[tokens.length - 1];
      if (!prev || REGEX_AFTER.has(prev.value)) {
        let j = i + 1;
        let inClass = false;
        while (j < source.length && (inClass || source[j] !== "/")) {
          if (source[j] === "\\") j++;
          else if (source[j] === "[") inClass = true;
          else if (source[j] === "]") inClass = false;
          j++;
        }
        j++;
        while (/[a-z]/i.test(source[j] ?? "")) j++;
        i = j;
        push("regex", "/re/");
        continue;
      }
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(source.slice(i, i + 200));
    if (word) { push("name", word[0]); i += word[0].length; continue; }
    const num = /^(0[xXbBoO][\da-fA-F_]+|\d[\d_]*(\.\d+)?([eE][-+]?\d+)?n?|\.\d+)/.exec(source.slice(i, i + 100));
    if (num) { push("num", num[0]); i += num[0].length; continue; }
    const p = PUNCT.find((q) => source.startsWith(q, i));
    push("punct", p ?? ch);
    i += p ? p.length : 1;
  }
  return tokens;
}

const ARITH = new Set(["+", "-", "*", "/", "%", "**", "+=", "-=", "*=", "/=", "%=", "**="]);
const OPERAND_END = (t) => t && (t.type === "name" || t.type === "num" || t.type === "str" || t.value === ")" || t.value === "]");

const KEYWORDS = new Set(["return", "if", "for", "while", "typeof", "new", "await", "void", "case", "of", "in", "const", "let", "else", "throw", "yield"]);

/** The matching bracket of the one at `k`, walking in `step`'s direction. */
function match(tokens, k, step) {
  let depth = 0;
  for (let m = k; m >= 0 && m < tokens.length; m += step) {
    if (["(", "["].includes(tokens[m].value)) depth += step;
    if ([")", "]"].includes(tokens[m].value)) depth -= step;
    if (depth === 0) return m;
  }
  return -1;
}

/**
 * What an operand is named by: the last member of its chain (a.kind.priority is a priority;
 * rank.get(x) is a rank; f(x) is whatever f returns), a literal, a string, or for a
 * parenthesized group the names of the chains directly inside it.
 */
function operandNames(tokens, from, step) {
  let k = from;
  if (step < 0) {
    if (tokens[k]?.value === "!") k--;
    const t = tokens[k];
    if (!t) return [];
    if (t.type === "num") return ["#literal"];
    if (t.type === "str" || t.type === "regex") return ["#string"];
    if (t.type === "name") return KEYWORDS.has(t.value) ? [] : [t.value];
    if (t.value === ")" || t.value === "]") {
      const open = match(tokens, k, -1);
      const before = tokens[open - 1];
      if (t.value === ")" && before?.type === "name" && !KEYWORDS.has(before.value)) return callName(tokens, open - 1);
      if (t.value === "]" && before && (before.type === "name" || before.value === ")" || before.value === "]")) return operandNames(tokens, open - 1, -1);
      return groupNames(tokens, open, k);
    }
    return [];
  }
  // forward: a chain a.b.c(...)[...] ends at its last name
  const t = tokens[k];
  if (!t) return [];
  if (t.type === "num") return ["#literal"];
  if (t.type === "str" || t.type === "regex") return ["#string"];
  if (t.value === "(") return groupNames(tokens, k, match(tokens, k, 1));
  if (t.type !== "name" || KEYWORDS.has(t.value)) return [];
  let last = k;
  for (let m = k + 1; m < tokens.length; m++) {
    const v = tokens[m].value;
    if ((v === "." || v === "?.") && tokens[m + 1]?.type === "name") { last = m + 1; m++; continue; }
    if (v === "!") continue;
    if (v === "(" || v === "[") { const end = match(tokens, m, 1); if (end < 0) break; if (v === "(") last = m - 1; m = end; continue; }
    break;
  }
  return callName(tokens, last);
}

/** When the expression starting at `from` is `cond ? a : b` (at depth 0), where a and b start. */
function ternaryAt(tokens, from) {
  let depth = 0;
  for (let m = from; m < tokens.length; m++) {
    const v = tokens[m].value;
    if (v === "(" || v === "[" || v === "{") depth++;
    else if (v === ")" || v === "]" || v === "}") { if (depth === 0) return undefined; depth--; }
    else if (depth === 0 && (v === ";" || v === "," || ARITH.has(v) || v === "&&" || v === "||" || v === "??")) return undefined;
    else if (depth === 0 && v === "?") {
      for (let n = m + 1, d = 0; n < tokens.length; n++) {
        const w = tokens[n].value;
        if (w === "(" || w === "[" || w === "{") d++;
        else if (w === ")" || w === "]" || w === "}") d--;
        else if (d === 0 && w === ":") return { then: m + 1, otherwise: n + 1 };
      }
      return undefined;
    }
  }
  return undefined;
}

/** The name at `k` (a function or member); a Map lookup x.get(...) is named by x. */
function callName(tokens, k) {
  const name = tokens[k].value;
  if (name === "get" && tokens[k - 1]?.value === "." && tokens[k - 2]?.type === "name") return [tokens[k - 2].value];
  return [name];
}

/** The last names of the chains directly inside a ( ... ) group. */
function groupNames(tokens, open, close) {
  const names = [];
  for (let m = open + 1; m < close; m++) {
    const t = tokens[m];
    if (t.value === "(" || t.value === "[") {
      const end = match(tokens, m, 1);
      if (t.value === "(" && tokens[m - 1]?.type === "name") names.push(...callName(tokens, m - 1));
      m = end;
      continue;
    }
    const next = tokens[m + 1]?.value;
    if (t.type === "name" && !KEYWORDS.has(t.value) && next !== "." && next !== "?." && next !== "(") names.push(t.value);
    if (t.type === "num") names.push("#literal");
    if (t.type === "str") names.push("#string");
  }
  return names;
}

/** Names that say nothing about what a number is: the receiver, a Map lookup, a literal. */
const NEUTRAL = new Set(["#literal", "this", "get", "setup", "calendar", "undefined"]);
const allowedName = (n) => NEUTRAL.has(n) || ALLOWED.has(n);

/** Problems in one source text: { line, problem }. */
export function checkSource(source) {
  const tokens = tokenize(source);
  const problems = [];
  const report = (t, problem) => problems.push({ line: t.line, problem });
  tokens.forEach((t, k) => {
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    if (t.type === "name") {
      if (FLOAT_CALLS.has(t.value) && prev?.value !== ".") report(t, `${t.value}() makes a float`);
      if (t.value === "Number" && prev?.value !== "." && (next?.value === "(" || next?.value === ".")) report(t, "Number makes a float");
      if ((t.value === "toNumber" || t.value === "valueOf") && prev?.value === ".") report(t, `.${t.value}() makes a float`);
      if (t.value === "Math" && next?.value === ".") {
        // Every name directly inside the call must be a time or count.
        const names = tokens[k + 3]?.value === "(" ? groupNames(tokens, k + 3, match(tokens, k + 3, 1)) : [];
        const bad = [...new Set(names)].filter((n) => !allowedName(n));
        if (bad.length > 0) report(t, `Math.${tokens[k + 2]?.value} on ${bad.join(", ")}`);
      }
      return;
    }
    if (t.type !== "punct") return;
    if (t.value === "++" || t.value === "--") {
      const names = OPERAND_END(prev) ? operandNames(tokens, k - 1, -1) : operandNames(tokens, k + 1, 1);
      const target = names[0] ?? "?";
      if (!allowedName(target)) report(t, `${t.value} on ${target}`);
      return;
    }
    if (!ARITH.has(t.value)) return;
    if (t.value === "*" && (prev?.value === "import" || prev?.value === "export" || prev?.value === "yield" || next?.value === "as")) return;
    const binary = OPERAND_END(prev) || (prev?.value === "!" && OPERAND_END(tokens[k - 2]));
    let right = operandNames(tokens, k + 1, 1);
    // x += cond ? 1 : 0 adds one of the branches, not the condition.
    const q = ternaryAt(tokens, k + 1);
    if (q) right = [...operandNames(tokens, q.then, 1), ...operandNames(tokens, q.otherwise, 1)];
    if (!binary) {
      // unary + or -: -1 is a literal; +x makes a number of anything; -x is arithmetic on x.
      if (next?.type === "num") return;
      if (t.value === "+" && right.length > 0) report(t, `unary + on ${right[0]} makes a number`);
      else if (right.some((n) => !allowedName(n))) report(t, `unary ${t.value} on ${right.filter((n) => !allowedName(n)).join(", ")}`);
      return;
    }
    const left = operandNames(tokens, k - 1, -1);
    // Joining text (a string or template on either side of +, +=) is not arithmetic.
    if ((t.value === "+" || t.value === "+=") && (left.includes("#string") || right.includes("#string"))) return;
    const bad = [...new Set([...left, ...right].filter((n) => !allowedName(n)))];
    if (bad.length > 0) report(t, `${t.value} on ${bad.join(", ")} (JavaScript arithmetic; amounts use Decimal)`);
  });
  return problems;
}

function files(paths) {
  return paths.flatMap((p) => (statSync(p).isDirectory() ? files(readdirSync(p).map((f) => join(p, f))) : p.endsWith(".ts") ? [p] : []));
}

export function checkPaths(paths) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  return files(paths)
    .filter((file) => !INTEGER_ARITHMETIC.has(relative(root, resolve(file))))
    .flatMap((file) => checkSource(readFileSync(file, "utf8")).map((p) => ({ file, ...p })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const paths = process.argv.length > 2 ? process.argv.slice(2) : ["src/engine"];
  const problems = checkPaths(paths);
  for (const p of problems) process.stderr.write(`${relative(process.cwd(), p.file)}:${p.line}: ${p.problem}\n`);
  if (problems.length > 0) {
    process.stderr.write(`check-no-float: ${problems.length} problem(s); compute amounts with Decimal (src/money.ts), or add a time/count name to ALLOWED in scripts/check-no-float.mjs\n`);
    process.exit(1);
  }
  process.stdout.write(`check-no-float: ${paths.join(", ")} clean\n`);
}
