import { describe, expect, it } from "vitest";
import { shown } from "../src/errors.js";
import { formulaSafe, jsonVisible, markdownText, visible, visibleLines } from "../src/render/shared/escape.js";

// The escaping each format applies to values from the data (SPEC 7, Safety). The CLI tests
// (test/safe-output.test.ts, the escape-* corpus cases) show where each is used.

describe("visible: for a terminal", () => {
  it("escapes every C0 control, DEL, every C1 control and the bidirectional controls", () => {
    for (let code = 0; code < 0x20; code++) expect(visible(String.fromCharCode(code))).toMatch(/^\\(u00[01][0-9a-f]|n|r|t)$/);
    for (let code = 0x7f; code <= 0x9f; code++) expect(visible(String.fromCharCode(code))).toBe(`\\u00${code.toString(16)}`);
    for (const c of ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069"]) {
      expect(visible(c)).toBe(`\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    }
  });

  it("leaves printable text alone, accents, CJK and emoji included", () => {
    const text = "Café 東京 🚀 a-b_c/d:e | <x> & `y`";
    expect(visible(text)).toBe(text);
  });

  it("visibleLines keeps the line feeds a message means and escapes the rest", () => {
    expect(visibleLines("one\ntwo\r\x1b[2J")).toBe("one\ntwo\\r\\u001b[2J");
  });
});

describe("shown: a found value in a message", () => {
  it("is quoted with C0 controls escaped as JSON does, and DEL, C1 and bidirectional controls escaped as well", () => {
    expect(shown("da\u009bta\x1b[2J\x7f\u202e\n")).toBe('"da\\u009bta\\u001b[2J\\u007f\\u202e\\n"');
  });
});

describe("markdownText", () => {
  it("escapes pipes, backticks and backslashes, so a value cannot split a cell or un-escape the next pipe", () => {
    expect(markdownText("a|b")).toBe("a\\|b");
    expect(markdownText("`x`")).toBe("\\`x\\`");
    // A value ending in a backslash: in `| a\ |` the pipe after it stays a cell boundary.
    expect(markdownText("a\\")).toBe("a\\\\");
    expect(markdownText("a\\|b")).toBe("a\\\\\\|b");
  });

  it("writes &, < and > as entities and line breaks as text, never as HTML", () => {
    expect(markdownText("<script>x</script> & <br>")).toBe("&lt;script&gt;x&lt;/script&gt; &amp; &lt;br&gt;");
    expect(markdownText("x\ny\r\nz")).toBe("x\\\\ny\\\\r\\\\nz");
  });
});

// Emphasis in a Markdown value (CommonMark 0.31, "Emphasis and strong emphasis"): `*` opens and
// closes emphasis anywhere, inside a word too; `_` only where it is not between two word characters.

describe("markdownText: emphasis", () => {
  it("escapes every * and ~, and every _ that could open or close emphasis: next to a space, a symbol, an emoji or an escape it adds itself", () => {
    const cases: [text: string, escaped: string][] = [
      ["`x`*y*_z_", "\\`x\\`\\*y\\*\\_z\\_"],
      ["a*b*c", "a\\*b\\*c"],
      ["~~gone~~", "\\~\\~gone\\~\\~"],
      ["_lead", "\\_lead"],
      ["trail_", "trail\\_"],
      ["a _b_ c", "a \\_b\\_ c"],
      ["a_(b)", "a\\_(b)"],
      ["(a)__b", "(a)\\_\\_b"],
      ["🚀_a", "🚀\\_a"],
      ["a_🚀", "a\\_🚀"],
      // The backslash before the `_` is the value's own, escaped first: `\\\_` renders `\_`.
      ["a\\_b", "a\\\\\\_b"],
      ["a<_b", "a&lt;\\_b"],
    ];
    for (const [text, escaped] of cases) expect(markdownText(text), text).toBe(escaped);
  });

  it("leaves an _ between two word characters as it is, so meters read as they are written", () => {
    for (const text of ["input_tokens", "data_read", "a__b", "café_über", "東京_大阪", "v2_1"]) expect(markdownText(text)).toBe(text);
  });
});

describe("formulaSafe: for a spreadsheet", () => {
  it("guards a cell starting with = + - @ tab CR or their full-width forms", () => {
    for (const c of ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"]) expect(formulaSafe(`${c}1`)).toBe(`'${c}1`);
    expect(formulaSafe("alpha")).toBe("alpha");
    expect(formulaSafe("a=b")).toBe("a=b");
  });

  it("guards each line, and each field of a later line, after a line break inside the cell", () => {
    expect(formulaSafe("a\r=cmd|' /c calc'!A1")).toBe("a\r'=cmd|' /c calc'!A1");
    expect(formulaSafe("a\r\n@SUM(A1)")).toBe("a\r\n'@SUM(A1)");
    expect(formulaSafe("x\n-2+3,=x,ok")).toBe("x\n'-2+3,'=x,ok");
    expect(formulaSafe("=a\n+b")).toBe("'=a\n'+b");
    // Commas on the first line are inside a quoted cell that every reader sees whole.
    expect(formulaSafe("a,=b")).toBe("a,=b");
  });
});

describe("jsonVisible", () => {
  it("writes what JSON.stringify leaves raw as escapes that parse to the same value", () => {
    const value = { k: "a\u007f\u0085\u009b\u202e\u2028b" };
    const text = jsonVisible(JSON.stringify(value, null, 2));
    expect(text).not.toMatch(/[\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
