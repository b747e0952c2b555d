/**
 * A borderless table (document.ts's) laid out without cli-table3, where its layout is plain: every cell one line of
 * characters one column wide (PLAIN; bold's SGR codes aside), none wider than its column, so nothing is wrapped or cut. cli-table3 builds a
 * cell object of sixteen options and measures each text several times with a regular expression made anew: a
 * statement of 20,000 accounts spent 50 of its 63 s there, where its JSON took 5 s (newcomer55 M2). Any other table
 * is cli-table3's: this answers undefined, and test/plain-table.test.ts holds both to the same text.
 */
export interface PlainTable {
  head: readonly string[];
  rows: readonly (readonly string[])[];
  align: readonly ("left" | "right")[];
  /** Each column's width, its padding of a space either side included; undefined for the widest cell's. */
  widths: readonly number[] | undefined;
  /** Whether a cell wider than its column wraps at spaces: cli-table3 then also folds a cell's runs of spaces. */
  wrap: boolean;
}

/** A cell's text that wrapping at spaces gives back as it is: words one space apart. */
const WORDS = /^(?:[^ ]+(?: [^ ]+)*)?$/;

/** The SGR codes chalk writes (bold and its end), which take no room on a terminal. */
const SGR = /\x1b\[[0-9;]*m/g;
/**
 * Printable ASCII, ESC for the codes above, and the blocks of characters one column wide whose every character
 * string-width (cli-table3's measure) counts as one, none of them a space to JavaScript's `\s` (at which cli-table3
 * breaks words): Latin letters and signs past ASCII (a customer's "José"), general punctuation ("…"), arrows and
 * mathematical signs ("→", "−"), box drawing and block elements. A statement's line joins its dimensions with "·": each
 * such table went to cli-table3 until stop 68 (10,000 accounts' table took 120 s where their JSON took 14).
 */
const PLAIN = /^[\x1b\x20-\x7e\u00a1-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u22ff\u2500-\u259f]*$/;

/** The table's lines as cli-table3 draws them, each without its trailing spaces; undefined where its layout is not plain. */
export function plainTable(t: PlainTable): string | undefined {
  const columns = t.head.length;
  const lines = [t.head, ...t.rows];
  const shown: number[][] = [];
  for (const line of lines) {
    if (line.length !== columns) return undefined;
    const widths: number[] = [];
    for (const cell of line) {
      if (!PLAIN.test(cell)) return undefined;
      const seen = cell.includes("\x1b") ? cell.replace(SGR, "") : cell;
      // An ESC that starts no SGR code would be counted by cli-table3 otherwise.
      if (seen.includes("\x1b") || (t.wrap && !WORDS.test(seen))) return undefined;
      widths.push(seen.length);
    }
    shown.push(widths);
  }
  const widths = t.widths ?? t.head.map((_, c) => 2 + Math.max(...shown.map((w) => w[c]!)));
  if (widths.length !== columns || shown.some((w) => w.some((n, c) => n + 2 > widths[c]!))) return undefined;
  return lines
    .map((line, l) => {
      let text = " ";
      line.forEach((cell, c) => {
        const room = " ".repeat(widths[c]! - 2 - shown[l]![c]!);
        text += t.align[c] === "right" ? ` ${room}${cell} ` : ` ${cell}${room} `;
      });
      return text.trimEnd();
    })
    .join("\n");
}
