import type { ChalkInstance } from "chalk";
import Table from "cli-table3";

/**
 * A report as a list of blocks, written once and rendered either for a
 * terminal or as Markdown, so the two views cannot disagree.
 */
export type Block =
  | { kind: "heading"; level: 1 | 2; text: string }
  | { kind: "facts"; rows: readonly (readonly [string, string])[] }
  | { kind: "table"; title?: string; head: readonly string[]; align: readonly ("left" | "right")[]; rows: readonly (readonly string[])[]; emphasis?: readonly number[] }
  | { kind: "note"; text: string };

export function toTerminal(blocks: readonly Block[], color: ChalkInstance): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case "heading":
        out.push(b.level === 1 ? color.bold(b.text) : `\n${color.bold.underline(b.text)}`);
        break;
      case "facts": {
        const width = Math.max(...b.rows.map(([k]) => k.length));
        for (const [k, v] of b.rows) out.push(`  ${color.dim(k.padEnd(width))}  ${v}`);
        break;
      }
      case "table": {
        if (b.title) out.push(`  ${color.bold(b.title)}`);
        const table = new Table({
          head: b.head.map((h) => color.bold(h)),
          colAligns: b.align.map((a) => a),
          style: { head: [], border: [], "padding-left": 1, "padding-right": 1, compact: true },
          chars: { top: "", "top-mid": "", "top-left": "", "top-right": "", bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "", left: " ", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: " " },
        });
        b.rows.forEach((row, i) => table.push(b.emphasis?.includes(i) ? row.map((c) => color.bold(c)) : [...row]));
        out.push(table.toString().split("\n").map((l) => l.replace(/\s+$/, "")).join("\n"));
        break;
      }
      case "note":
        out.push(`  ${color.yellow(b.text)}`);
        break;
    }
  }
  return `${out.join("\n")}\n`;
}

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  const cell = (t: string) => t.replace(/\|/g, "\\|");
  for (const b of blocks) {
    switch (b.kind) {
      case "heading":
        out.push(`${b.level === 1 ? "#" : "##"} ${b.text}`, "");
        break;
      case "facts":
        for (const [k, v] of b.rows) out.push(`- **${cell(k)}**: ${cell(v)}`);
        out.push("");
        break;
      case "table":
        if (b.title) out.push(`**${b.title}**`, "");
        out.push(`| ${b.head.map(cell).join(" | ")} |`);
        out.push(`|${b.align.map((a) => (a === "right" ? " ---: " : " --- ")).join("|")}|`);
        for (const row of b.rows) out.push(`| ${row.map(cell).join(" | ")} |`);
        out.push("");
        break;
      case "note":
        out.push(`> ${b.text}`, "");
        break;
    }
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}
