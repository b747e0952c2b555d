import { describe, expect, it } from "vitest";
import { accountRefusal as refusal } from "./helpers/account-refusal.js";

// YAML layout mistakes in an account file, each said at the line to fix with the column it should
// start at (the expected columns counted by hand from the text), one error per mistake.

const HEAD = "card: card.yaml\naccount: acme\nplan: pro\nanchor: 2026-11-01\n";

describe("YAML layout mistakes", () => {
  it("a list item's key one column too far in", () => {
    expect(refusal(`${HEAD}grants:\n  - kind: topup\n    amount: 200\n     at: "2026-11-02T12:00:00Z"\n`)).toEqual([
      'a.yaml:8:6: "at:" is indented more than "amount:" above it (expected "at:" at column 5, in line with "amount:" (or nothing after "amount:", if "at:" belongs under it), found column 6)',
    ]);
  });

  it("a key between two levels, with a comment line above it", () => {
    expect(refusal(`${HEAD}low_balance:\n  # warn early\n    at: "10"\n   notify: true\n`)).toEqual([
      'a.yaml:8:4: "notify:" is not in line with the lines above it (expected "notify:" at column 5, in line with "at:", or column 1, in line with "low_balance:", found column 4)',
    ]);
  });

  it("every tab in the indentation at once, and nothing of the lines the tabs threw off", () => {
    expect(refusal(`${HEAD}grants:\n\t- kind: topup\n\t  amount: 200\n`)).toEqual([
      "a.yaml:6:1: a tab in the indentation (expected spaces only: YAML indents with spaces, never tabs, found a tab)",
      "a.yaml:7:1: a tab in the indentation (expected spaces only: YAML indents with spaces, never tabs, found a tab)",
    ]);
  });

  it("a single quote and a [ never closed, at the character that opened them", () => {
    expect(refusal(`card: card.yaml\naccount: 'acme\nplan: pro\n`)).toEqual(["a.yaml:2:10: a ' never closed (expected a closing ' on the same line, found \"account: 'acme\")"]);
    expect(refusal(`${HEAD}accounts: [acme, globex\ntimezone: UTC\n`)).toEqual(['a.yaml:5:11: a [ never closed (expected a ] closing it before the next key, found "accounts: [acme, globex")']);
  });

  it("a # inside quotes is no comment, and an escaped quote does not close", () => {
    expect(refusal(`card: card.yaml\naccount: "ac#me \\" x\nplan: pro\n`)).toEqual(['a.yaml:2:10: a " never closed (expected a closing " on the same line, found "account: \\"ac#me \\\\\\" x")']);
  });
});
