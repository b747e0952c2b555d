import { LineCounter, YAMLParseError } from "yaml";
import { describe, expect, it } from "vitest";
import { accountRefusal as refusal } from "./helpers/account-refusal.js";
import { layoutError } from "../src/yaml/layout-errors.js";

// Newcomer, stop 38 #6: an unquoted ": " inside a value (`name: Harbor ... (Flikly: 1 s ...)`) gives the
// parser's "Nested mappings are not allowed in compact mappings" at the value, the error a next line
// indented too far gives, and the layout rewriter said `"card:" is indented more than "name:" above it
// (expected column 1 ..., found column 1)`. The colon is now named, at its column, with the value quoted.

const TAIL = "plan: pro\nanchor: 2026-11-01\n";

describe("a ': ' inside an unquoted value", () => {
  it("is said at the colon, with the value quoted, never as the next line indented too far", () => {
    const name = "Harbor Logistics, 300 seats + nightly batch (Flikly: 1 s of pika video per AI request)";
    // The colon after "(Flikly": "card: " is 6 characters, then the value up to it.
    const column = "card: ".length + name.indexOf(": ") + 1;
    expect(refusal(`card: ${name}\n${TAIL}`)).toEqual([
      `a.yaml:1:${column}: the value of "card:" holds ": ", which YAML reads as the start of a key: a value with ": " in it must be quoted (expected the value in quotes: card: "${name}", found "Harbor Logistics, 300 seats + nightly batch (Flikly: 1 s ...", unquoted)`,
    ]);
  });

  it("in a list item's key, after spaces, and at the end of the file", () => {
    // "  - kind: " is 10 characters; "top" then the colon at column 14.
    expect(refusal(`card: c.yaml\n${TAIL}grants:\n  - kind: top: up\n    amount: 200\n`)[0]).toMatch(/^a\.yaml:5:14: the value of "kind:" holds ": ".*expected the value in quotes: kind: "top: up"/);
    // "account: " is 9 characters, "a" at column 10, a space, the colon at column 12.
    expect(refusal(`card: c.yaml\n${TAIL}account: a : b\n`)[0]).toMatch(/^a\.yaml:4:12: the value of "account:" holds ": ".*expected the value in quotes: account: "a : b"/);
  });

  it("after a quoted part, quotes the whole value in single quotes", () => {
    // 'account: "acme"' is 15 characters: the colon at column 16.
    expect(refusal(`card: c.yaml\n${TAIL}account: "acme": east\n`)).toEqual([
      `a.yaml:4:16: the value of "account:" holds ": ", which YAML reads as the start of a key: a value with ": " in it must be quoted (expected the value in quotes: account: '"acme": east', found "\\"acme\\": east", quoted only in part)`,
    ]);
  });

  it("inside a flow mapping, where the parser said \"Block collections are not allowed within flow collections\"", () => {
    // "grants: [{ kind: " is 17 characters: "top" from column 18, the colon at column 21.
    expect(refusal(`card: c.yaml\n${TAIL}grants: [{ kind: top: up, amount: 5 }]\n`)).toEqual([
      'a.yaml:4:21: the value of "kind:" holds ": ", which YAML reads as the start of a key: a value with ": " in it must be quoted (expected the value in quotes: kind: "top: up", found "top: up", unquoted)',
    ]);
  });

  it("leaves a line indented too far to the message that names it", () => {
    expect(refusal(`card: c.yaml\nplan: pro\n  anchor: 2026-11-01\n`)).toEqual([
      'a.yaml:3:3: "anchor:" is indented more than "plan:" above it (expected "anchor:" at column 1, in line with "plan:" (or nothing after "plan:", if "anchor:" belongs under it), found column 3)',
    ]);
  });

  it("never says a line at its key's column is indented more: the parser's own words are kept", () => {
    const source = "plan: pro\nanchor: 2026-11-01\n";
    const lines = new LineCounter();
    lines.addNewLine(0);
    lines.addNewLine(10);
    const error = new YAMLParseError([6, 7], "BLOCK_AS_IMPLICIT_KEY", "Nested mappings are not allowed in compact mappings");
    expect(layoutError(error, source, "a.yaml", lines)).toBeUndefined();
  });
});
