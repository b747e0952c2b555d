#!/usr/bin/env node
// Small engine modules (issue 16): fail when a file of src/engine has more than 500 lines,
// or a function, method or constructor there takes more than 5 positional parameters
// (pass a value object instead). Functions are found with a parser (oxc), so a callback's
// own parameters count for it alone; a parameter property of a constructor counts too.
// And the fast path's boundary: a file of src/engine/fast/ imports only the other files
// there, the interface it sees the full path through (full-path.ts) and pure helpers
// (FAST_PATH_IMPORTS), never the full path's classes; full-path.ts imports types only.
// Usage: node scripts/check-engine-shape.mjs [folder]   (default: src/engine)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSync } from "oxc-parser";

export const MAX_LINES = 500;
export const MAX_PARAMETERS = 5;
/** What a file of src/engine/fast/ may import besides its neighbours: the interface, and helpers that hold no replay state. */
const FAST_PATH_IMPORTS = new Set(["../full-path.js", "../credits.js", "../event-ids.js", "../rows.js", "../canonical-order.js", "../../money.js", "../../time.js"]);
/** The interface module: the fast path's whole view of the full path. */
const INTERFACE = "full-path.ts";
/** Node types of functions and their signatures (an abstract or overload signature counts as its function). */
const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression", "TSDeclareFunction", "TSEmptyBodyFunctionExpression", "TSMethodSignature", "TSFunctionType"]);

/** Problems of one TypeScript source: its length, and each function with too many parameters. */
export function checkSource(text, name = "source.ts") {
  const problems = [];
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines > MAX_LINES) problems.push({ line: 1, problem: `${lines} lines (at most ${MAX_LINES})` });
  const parsed = parseSync(name, text, { lang: "ts" });
  if (parsed.errors.length > 0) throw new Error(`${name}: ${parsed.errors[0].message}`);
  const lineAt = (offset) => text.slice(0, offset).split("\n").length;
  const visit = (node, named) => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, named));
    if (node === null || typeof node !== "object" || typeof node.type !== "string") return;
    const name = node.type === "MethodDefinition" || node.type === "TSAbstractMethodDefinition" || node.type === "Property" ? node.key?.name : node.id?.name ?? named;
    if (FUNCTIONS.has(node.type) && node.params.length > MAX_PARAMETERS) {
      problems.push({ line: lineAt(node.start), problem: `${named ?? node.id?.name ?? "a function"} takes ${node.params.length} parameters (at most ${MAX_PARAMETERS}: pass a value object)` });
    }
    for (const [key, value] of Object.entries(node)) if (key !== "type" && typeof value === "object") visit(value, FUNCTIONS.has(node.type) ? undefined : name);
  };
  visit(parsed.program, undefined);
  problems.push(...boundaryProblems(parsed.program, name.replaceAll("\\", "/"), lineAt));
  return problems;
}

/** Imports across the fast path's boundary: of a file in a `fast/` folder of the engine, or of the interface module. */
function boundaryProblems(program, name, lineAt) {
  const inFast = /(^|\/)engine\/fast\/[^/]+$/.test(name);
  const isInterface = name.endsWith(`engine/${INTERFACE}`);
  if (!inFast && !isInterface) return [];
  const problems = [];
  for (const node of program.body) {
    if (!["ImportDeclaration", "ExportNamedDeclaration", "ExportAllDeclaration"].includes(node.type) || node.source == null) continue;
    const from = node.source.value;
    if (inFast && !from.startsWith("./") && !FAST_PATH_IMPORTS.has(from)) {
      problems.push({ line: lineAt(node.start), problem: `the fast path imports ${from} (only ./*, ${[...FAST_PATH_IMPORTS].join(", ")}: reach the full path through ${INTERFACE})` });
    }
    const typesOnly = node.importKind === "type" || node.exportKind === "type" || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === "type" || s.exportKind === "type"));
    if (isInterface && !typesOnly) problems.push({ line: lineAt(node.start), problem: `${INTERFACE} imports ${from} for more than its types (it is an interface: import type)` });
  }
  return problems;
}

/** Problems of every .ts file under the folders given, as "path:line: problem". */
export function checkPaths(paths) {
  const found = [];
  const walk = (path) => {
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    else if (path.endsWith(".ts")) for (const p of checkSource(readFileSync(path, "utf8"), path)) found.push(`${relative(process.cwd(), path)}:${p.line}: ${p.problem}`);
  };
  for (const path of paths) walk(resolve(path));
  return found;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = checkPaths(process.argv.length > 2 ? process.argv.slice(2) : ["src/engine"]);
  for (const line of found) console.error(line);
  process.exit(found.length === 0 ? 0 : 1);
}
