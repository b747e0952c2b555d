import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { markdownText } from "../src/render/shared/escape.js";
import { burnrate, ROOT } from "./helpers/cli.js";

// Red team, stop 38 #7: markdown wrote `@octocat` as it is, so a `diff` posted as a pull-request comment
// mentioned (notified) that user or team. GitHub finds mentions, issue references and bare links in
// the text Markdown leaves, so a backslash cannot stop them: a zero-width space after the sign does.

const ZWSP = "&#8203;";

describe("markdownText: what GitHub would link on its own", () => {
  it("breaks a mention of a user or a team, and an e-mail address", () => {
    expect(markdownText("@octocat")).toBe(`@${ZWSP}octocat`);
    expect(markdownText("@github/security")).toBe(`@${ZWSP}github/security`);
    expect(markdownText("ann@example.com")).toBe(`ann@${ZWSP}example.com`);
  });

  it("breaks an issue reference, in this repository or another", () => {
    expect(markdownText("fixes #123")).toBe(`fixes #${ZWSP}123`);
    expect(markdownText("owner/repo#7")).toBe(`owner/repo#${ZWSP}7`);
    expect(markdownText("GH-42")).toBe(`GH${ZWSP}-42`);
  });

  it("breaks a bare link, and escapes $ so that two cannot open math", () => {
    expect(markdownText("https://evil.example/login")).toBe(`https:${ZWSP}//evil.example/login`);
    expect(markdownText("www.evil.example")).toBe(`www${ZWSP}.evil.example`);
    expect(markdownText("$x$")).toBe("\\$x\\$");
  });

  it("leaves alone what links nothing: a lone @ or #, a # before a letter, a colon, amounts and dates", () => {
    for (const text of ["a@", "@", "#", "#x", "a:b", "2026-11-01T10:00:00Z", "+1.00 (+100.00%)", "input_tokens", "awww.x"]) expect(markdownText(text), text).toBe(text);
  });

  it("escapes the rest as before: a mention inside a table cell stays one cell, HTML stays text", () => {
    expect(markdownText("@a|<b>")).toBe(`@${ZWSP}a\\|&lt;b&gt;`);
  });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "fix20e-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
// The rise: data_read from 0.01 to 0.02 a read (fliplet.yaml: "0.01 per read").
const RISE = FLIPLET.replace('version: "2026-11"', 'version: "2026-12"').replace('price: "0.01"             # "0.01 per read"', 'price: "0.02"');
const USAGE = "timestamp,meter,quantity,project,account\n2026-11-02T00:00:00Z,data_read,100,@github/security,@octocat\n";
const ACCOUNT = "card: base.yaml\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\n";

describe("every markdown renderer writes a mention that notifies no one", () => {
  it("diff: the account @octocat, whose 100 reads rise from 1.00 to 2.00", async () => {
    expect(RISE).not.toBe(FLIPLET);
    const dir = folder({ "base.yaml": FLIPLET, "card.yaml": RISE, "usage.csv": USAGE, "acct.yaml": ACCOUNT });
    const r = await burnrate(["diff", "--base", "base.yaml", "--card", "card.yaml", "--usage", "usage.csv", "--account", "acct.yaml", "--format", "markdown"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    // 100 reads x 0.01 = 1.00 on the base card, x 0.02 = 2.00 on the new one.
    expect(r.stdout).toContain(`| @${ZWSP}octocat | 2026-11-01 | data_read | 1.00 | 2.00 | +1.00 (+100.00%) |`);
    expect(r.stdout).not.toMatch(/@(?!&#8203;)/);
  });

  it("statement: the account in the heading and the project in the lines", async () => {
    const dir = folder({ "base.yaml": FLIPLET, "usage.csv": USAGE, "acct.yaml": ACCOUNT });
    const r = await burnrate(["statement", "--account", "acct.yaml", "--usage", "usage.csv", "--format", "markdown"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`account @${ZWSP}octocat`);
    expect(r.stdout).toContain(`| data_read | usage | run | @${ZWSP}github/security | 100 | 0.01 | 1.00 |`);
    expect(r.stdout).not.toMatch(/@(?!&#8203;)/);
  });

  it("check: a finding that quotes a value", async () => {
    const card = FLIPLET.replace("{ when: { distribution: private }", "{ when: { distribution: \"@octocat\" }");
    const dir = folder({ "card.yaml": card });
    const r = await burnrate(["check", "card.yaml", "--format", "markdown"], { cwd: dir });
    expect(r.stdout).toContain(`@${ZWSP}octocat`);
    expect(r.stdout).not.toMatch(/@(?!&#8203;)/);
  });
});
