import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "../src/render/shared/html-page.js";
import { burnrate, ROOT } from "./helpers/cli.js";

const STATEMENT = ["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv"];

async function report(args: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "burnrate-html-"));
  const file = join(dir, "report.html");
  const run = await burnrate([...args, "-o", file]);
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return readFileSync(file, "utf8");
}

describe("statement --format html", async () => {
  const html = await report(STATEMENT);

  it("is chosen by the -o file's extension", async () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect((await burnrate([...STATEMENT, "--format", "html"])).stdout).toBe(html);
  });

  it("holds a burn-down per cycle and spend by category and by project", () => {
    expect(html.match(/<svg class="burn-down"/g)).toHaveLength(3);
    expect(html.match(/<svg class="bars"/g)).toHaveLength(6);
    expect(html.match(/<g class="mark threshold">/g)).toHaveLength(4);
    expect(html).toContain(`<g class="mark grace">`);
    expect(html).toContain(`<g class="mark exhausted">`);
    expect(html.match(/<g class="mark payment">/g)).toHaveLength(2);
    expect(html).toContain("<caption>Charges</caption>");
  });

  it("draws spend by project only where a line names a project (newcomer68 L6: \"(workspace) 100%\" on a card of teams)", async () => {
    // Fliplet's three cycles: by category and by project each. Floopy's gateway (models and teams, no project): by category alone.
    expect(html.match(/<h4>Spend by project/g)).toHaveLength(3);
    const floopy = await report(["statement", "--account", "fixtures/floopy/account.yaml", "--usage", "fixtures/floopy/gateway.csv"]);
    const cycles = floopy.match(/<svg class="burn-down"/g)!.length;
    expect(floopy.match(/<h4>Spend by category/g)).toHaveLength(cycles);
    expect(floopy).not.toContain("Spend by project");
  });

  it("is self-contained: no script, no fetch, nothing outside the file", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")).not.toMatch(/https?:/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it("prints: page size, page breaks between cycles, colours kept", () => {
    expect(html).toMatch(/@page \{ size: A4;/);
    expect(html).toMatch(/@media print \{[^]*section\.cycle[^]*break-before: page/);
    expect(html).toContain("print-color-adjust: exact");
  });

  it("is the same bytes every time", async () => {
    expect(await report(STATEMENT)).toBe(html);
  });

  it("escapes every text it takes from the inputs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-html-escape-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: "a&b <i>\\"x\\"</i>"\nplan: pro\nanchor: 2026-09-14\n`);
    writeFileSync(join(dir, "usage.csv"), `timestamp,meter,quantity,project\n2026-09-15T10:00:00Z,data_read,100,"<img src=x onerror=alert(1)>"\n2026-09-15T11:00:00Z,data_read,50,'quoted'\n`);
    const out = await report(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv")]);
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<i>");
    expect(out).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(out).toContain("a&amp;b &lt;i&gt;&quot;x&quot;&lt;/i&gt;");
    expect(out).toContain("&#39;quoted&#39;");
  });

  it("escapes the five characters HTML gives meaning to", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  });
});

describe("html where it does not belong", () => {
  it("the ledger has no HTML view", async () => {
    const run = await burnrate([...STATEMENT, "--ledger", "--format", "html"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown format");
  });

  it("an -o extension naming a format the command cannot write is an error, not JSON in an .html file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-html-"));
    const run = await burnrate([...STATEMENT, "--ledger", "-o", join(dir, "ledger.html")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unsupported output format");
  });
});

describe("simulate and reconcile --format html", () => {
  const write = async (args: readonly string[], expectedCode: number) => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-html-"));
    const file = join(dir, "report.html");
    const run = await burnrate([...args, "-o", file]);
    expect(run.code, run.stderr).toBe(expectedCode);
    return readFileSync(file, "utf8");
  };

  it("a simulation compares the plans' money and draws each plan's credits per cycle", async () => {
    const html = await write(["simulate", "fixtures/scenarios/fliplet/headline.yaml", "--compare-plans"], 0);
    expect(html.match(/<svg class="bars"/g)).toHaveLength(1);
    expect(html.match(/<svg class="cycle-columns"/g)).toHaveLength(2);
    expect(html).toContain(`<span class="cheapest">Cheapest: Pro`);
    // newcomer58a L10: the scenario's 6 cycles, not "6 cycle(s)".
    expect(html).toContain("Money per plan over 6 cycles</h4>");
    expect(html).not.toContain("cycle(s)");
    expect(html).toContain("<tspan");
    expect(html).not.toMatch(/<script/i);
  });

  it("a reconciliation colours each difference by its class, and still exits 1 when one needs attention", async () => {
    const html = await write(["reconcile", "--account", "fixtures/reconcile/account.yaml", "--usage", "fixtures/reconcile/usage.csv", "--bill", "fixtures/reconcile/bill-rate-drift.csv"], 1);
    expect(html).toContain(`<tr class="class-row rate_drift" style="--swatch: #b7791f">`);
    expect(html).toContain(`<span class="badge">rate_drift</span>`);
    expect(html).toContain("the card may be out of date");
    // 40 writes billed at 0.06 where the card says 0.05: the bill is above usage, an overcharge even though explained.
    expect(html.match(/<caption>Overcharged: the bill above usage<\/caption>/g)).toHaveLength(1);
    expect(html).not.toContain("<caption>Undercharged");
    expect(html.match(/<svg class="bars"/g)).toHaveLength(1);
  });
});
