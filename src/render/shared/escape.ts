/**
 * Escaping for each place a value from the data is shown: a terminal, a Markdown
 * document, a spreadsheet. Usage, cards, accounts and bills are written by others,
 * so a dimension value may hold anything: an escape sequence that rewrites the
 * screen, a pipe that splits a Markdown table, a formula a spreadsheet would run.
 */

/**
 * Characters that steer a terminal or reorder what it shows: the C0 controls, DEL,
 * the C1 controls (0x9b alone starts an escape sequence on many terminals), the line
 * and paragraph separators, and Unicode's bidirectional marks, embeddings, overrides
 * and isolates (U+202E shows text backwards).
 */
const DEL_C1_AND_UNICODE = "\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";
const CONTROL = new RegExp(`[\\u0000-\\u001f${DEL_C1_AND_UNICODE}]`, "g");
const CONTROL_BUT_NEWLINE = new RegExp(`[\\u0000-\\u0009\\u000b-\\u001f${DEL_C1_AND_UNICODE}]`, "g");

const SHORT: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A control character as the escape a JSON string would use: \n, \r, \t, else \uXXXX. */
function escaped(c: string): string {
  return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** A value on one line with every control character shown as its escape, never sent raw. */
export function visible(text: string): string {
  return text.replace(CONTROL, escaped);
}

/** Text whose own line breaks are meant (a message, a report): every other control character is shown escaped. */
export function visibleLines(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, escaped);
}

/** Any character markdownText changes: most cells (amounts, dates, meters) have none and are written as they are. */
const MARKDOWN_ESCAPED = new RegExp(`[\\u0000-\\u001f${DEL_C1_AND_UNICODE}\\\\\`|\\]&<>*_~$@#:wWG]`);

/**
 * What GitHub links on its own, in a comment, past Markdown: `@name` and `@org/team` mention (and
 * notify) that user or team, `#123`, `owner/repo#123` and `GH-123` reference an issue (and post a
 * back-link in it), and bare `https://...`, `www.` and e-mail addresses become links. A backslash
 * does not stop them (GitHub finds them in the text Markdown leaves), so a zero-width space goes after
 * the sign, as Dependabot and Renovate write a name in release notes: the value shows as written and
 * links nothing.
 */
const GITHUB_LINKED = /@(?=[A-Za-z0-9])|#(?=[0-9])|\bGH(?=-[0-9])|:(?=\/\/)|\b[Ww]{3}(?=\.)/g;
const ZERO_WIDTH_SPACE = "&#8203;";

/**
 * What ends a word for CommonMark's emphasis rules: Unicode whitespace, punctuation
 * and symbols. GitHub's older renderer counts fewer symbols as punctuation; taking the
 * wider set only escapes an `_` it would have left plain, which renders the same.
 */
const NOT_WORD_BEFORE = /[\s\p{P}\p{S}]$/u;
const NOT_WORD_AFTER = /^[\s\p{P}\p{S}]/u;

/**
 * A run of `_` between two word characters (`input_tokens`) can neither open nor close
 * emphasis in CommonMark, so it is written as it is; any other run is escaped. The
 * value's own start and end count as word ends, as the text around it is not known.
 */
function underscoresEscaped(text: string): string {
  return text.replace(/_+/g, (run: string, at: number) => {
    // Two code units hold any one character, a surrogate pair included.
    const before = text.slice(Math.max(0, at - 2), at);
    const after = text.slice(at + run.length, at + run.length + 2);
    const intraword = before !== "" && after !== "" && !NOT_WORD_BEFORE.test(before) && !NOT_WORD_AFTER.test(after);
    return intraword ? run : run.replace(/_/g, "\\_");
  });
}

/**
 * A value in Markdown, inline or in a table cell: control characters and line breaks
 * escaped (so a table row stays one row), `\`, `` ` `` and `|` backslash-escaped (so a
 * pipe cannot split a cell nor a backtick open code), `]` too (so a value cannot become
 * a link, nor an image a viewer would fetch; `[` alone opens neither), `*` and `~` (so a
 * value cannot turn the text after it italic, bold or struck through; either opens
 * emphasis inside a word), `$` (so two cannot open GitHub's math) and `_` wherever it
 * could open or close emphasis, and `&`, `<`, `>` as entities, so no raw HTML passes;
 * last, a zero-width space breaks what GitHub would link (GITHUB_LINKED).
 */
export function markdownText(text: string): string {
  if (!MARKDOWN_ESCAPED.test(text)) return text;
  return underscoresEscaped(
    visible(text)
      .replace(/[\\`|\]*~$]/g, "\\$&")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;"),
  ).replace(GITHUB_LINKED, `$&${ZERO_WIDTH_SPACE}`);
}

/** What JSON.stringify leaves raw and a terminal would act on: DEL, the C1 controls, the bidirectional ones, U+2028/U+2029. */
const JSON_RAW = new RegExp(`[${DEL_C1_AND_UNICODE}]`, "g");

/**
 * JSON text (from JSON.stringify) with those characters written as \uXXXX escapes: they only
 * occur inside strings, where the escape parses to the same value, so the document is unchanged.
 */
export function jsonVisible(json: string): string {
  return json.replace(JSON_RAW, escaped);
}

/** What makes a string's JSON text more than the string in quotes: what JSON.stringify escapes (quotes, backslashes, controls, lone surrogates) and what jsonVisible does. */
const JSON_ESCAPED = new RegExp(`["\\\\\\u0000-\\u001f${DEL_C1_AND_UNICODE}\\ud800-\\udfff]`);

/**
 * A string as `jsonVisible(JSON.stringify(text))` writes it. Most strings of a
 * statement (meters, projects, plans) need no escape: one test, and they are
 * quoted as they are.
 */
export function jsonString(text: string): string {
  return JSON_ESCAPED.test(text) ? jsonVisible(JSON.stringify(text)) : `"${text}"`;
}

/** What a spreadsheet runs as a formula when a cell starts with it, the full-width forms included. */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** The same signs at the start of a field a reader may see after a line break inside a cell. */
const FORMULA_AFTER_BREAK = /([\r\n,])(?=[=+\-@\t\uFF1D\uFF0B\uFF0D\uFF20])/g;

/**
 * A text cell a spreadsheet would run as a formula gets a leading quote. A cell with a
 * line break is quoted by csv-stringify, but a reader that takes the break for the end
 * of a row (older spreadsheet imports do) starts a new row there: so after the first
 * break, every line and every comma-separated field that starts with a formula sign is
 * guarded as well (`a\r=cmd` is written `a\r'=cmd`).
 */
export function formulaSafe(text: string): string {
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  const lineBreak = guarded.search(/[\r\n]/);
  if (lineBreak < 0) return guarded;
  return guarded.slice(0, lineBreak) + guarded.slice(lineBreak).replace(FORMULA_AFTER_BREAK, "$1'");
}
