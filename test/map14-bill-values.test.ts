import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// OpenRouter's generation export (fixtures/layouts/openrouter) and a bill that names models and
// providers as that export does. Floopy's card, by hand: gpt-4o on openai 1000 in x 0.00025 + 200 out
// x 0.001 = 0.45; claude-sonnet-4 on anthropic 2000 x 0.0003 + 400 x 0.0015 = 1.2; gpt-4o-mini on
// openai 10000 x 0.000015 + 1000 x 0.00006 = 0.21. The bill charges the same three amounts.
const ACCOUNT = join(ROOT, "fixtures/layouts/account.yaml");
const USAGE = join(ROOT, "fixtures/layouts/openrouter/generations.csv");
const BILL = join(ROOT, "fixtures/reconcile/map14-openrouter/bill.csv");

const reconcile = (bill: string, extra: readonly string[] = []) => burnrate(["reconcile", "--account", ACCOUNT, "--layout", "openrouter", "--usage", USAGE, "--bill", bill, ...extra]);

interface Report {
  status: string;
  agreeing_lines: number;
  lines: { dimensions: Record<string, string>; bill_amount: string; computed_amount: string }[];
}

/** The fixture's bill in a folder of its own, with `mapping` beside it (none when undefined). */
function billWith(mapping: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "map14-bill-"));
  const bill = join(dir, "bill.csv");
  copyFileSync(BILL, bill);
  if (mapping !== undefined) writeFileSync(`${bill}.mapping.yaml`, mapping);
  return bill;
}

describe("a bill mapping's dimension_values", () => {
  it("reads the bill's openai/gpt-4o as the card's gpt-4o, and the bill agrees with the usage", async () => {
    const out = await reconcile(BILL);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as Report;
    expect(report.status).toBe("agrees");
    const lines = report.lines.map((l) => [l.dimensions.model, l.dimensions.provider, l.bill_amount, l.computed_amount]);
    expect(lines).toEqual([
      ["claude-sonnet-4", "anthropic", "1.2", "1.2"],
      ["gpt-4o", "openai", "0.45", "0.45"],
      ["gpt-4o-mini", "openai", "0.21", "0.21"],
    ]);
  });

  it("is what makes it agree: without it every line is on one side only", async () => {
    const out = await reconcile(billWith(undefined));
    expect(out.code).toBe(1);
    expect((JSON.parse(out.stdout) as Report).agreeing_lines).toBe(0);
  });

  it("maps a value under the dimension a dimensions: entry reads the bill's column as", async () => {
    const bill = billWith("dimensions: { Model: model }\ndimension_values:\n  model: { openai/gpt-4o: gpt-4o, openai/gpt-4o-mini: gpt-4o-mini, anthropic/claude-sonnet-4: claude-sonnet-4 }\n  provider: { OpenAI: openai, Anthropic: anthropic }\n");
    writeFileSync(bill, readFileSync(BILL, "utf8").replace(",model,", ",Model,"));
    const out = await reconcile(bill);
    expect([out.code, out.stderr]).toEqual([0, ""]);
  });

  it("refuses an entry onto a value the card does not price, at the entry", async () => {
    const bill = billWith("dimension_values:\n  model:\n    openai/gpt-4o: gpt4o\n");
    const out = await reconcile(bill);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe("");
    // Line 3 is "    openai/gpt-4o: gpt4o": the value starts at column 20.
    expect(out.stderr).toBe(`burnrate: error: ${bill}.mapping.yaml:3:20: "openai/gpt-4o" is mapped onto model "gpt4o", which floopy 2026-11 does not price; did you mean "gpt-4o"? (expected a model the card names: claude-sonnet-4, gpt-4o, gpt-4o-mini, llama-3.1-70b, found "gpt4o")\n`);
  });

  it("refuses a dimension no meter of the card reads, at its key", async () => {
    const bill = billWith("dimension_values:\n  modle: { openai/gpt-4o: gpt-4o }\n");
    const out = await reconcile(bill);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${bill}.mapping.yaml:2:3: dimension_values: "modle": no meter of floopy 2026-11 reads dimension "modle"; did you mean "model"? (expected a dimension the card reads (model, provider, team), found "modle")\n`);
  });

  it("refuses an entry the wrong way round, turned round in the fix", async () => {
    const bill = billWith("dimension_values:\n  provider: { openai: OpenAI }\n");
    const out = await reconcile(bill);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${bill}.mapping.yaml:2:23: "openai" is mapped onto provider "OpenAI", but "openai" is the card's own provider and "OpenAI" is not: the entry is the wrong way round`);
  });

  it("reads a FOCUS bill's tag values through it, as the canonical bill's columns", async () => {
    // The FOCUS fixture with its project written in capitals: mapped back, it agrees as the fixture does (14 lines, 32.269).
    const dir = mkdtempSync(join(tmpdir(), "map14-focus-"));
    const focus = join(ROOT, "fixtures/reconcile/focus");
    writeFileSync(join(dir, "bill.csv"), readFileSync(join(focus, "bill.csv"), "utf8").replace(/""alpha""/g, '""ALPHA""'));
    writeFileSync(join(dir, "mapping.yaml"), `${readFileSync(join(focus, "mapping.yaml"), "utf8")}dimension_values:\n  project: { ALPHA: alpha }\n`);
    const reconcileFocus = (mapping: string) =>
      burnrate(["reconcile", "--account", join(ROOT, "fixtures/reconcile/account.yaml"), "--usage", join(ROOT, "fixtures/reconcile/usage.csv"), "--bill", join(dir, "bill.csv"), "--bill-mapping", mapping]);
    const out = await reconcileFocus(join(dir, "mapping.yaml"));
    expect(out.stderr).toBe("");
    const report = JSON.parse(out.stdout) as Report & { bill_total: string };
    expect([out.code, report.status, report.agreeing_lines, report.bill_total]).toEqual([0, "agrees", 14, "32.269"]);
    expect(report.lines.some((l) => l.dimensions.project === "ALPHA")).toBe(false);
    // Without the entry, the capitals are another project: the bill no longer agrees.
    expect((await reconcileFocus(join(focus, "mapping.yaml"))).code).toBe(1);
  });
});

describe("--bill-map value:, a dimension_values: entry on the command line", () => {
  it("adds to the file's entries, and the bill agrees", async () => {
    // The file maps the models only; the providers come from the flags.
    const bill = billWith("dimension_values:\n  model: { openai/gpt-4o: gpt-4o, openai/gpt-4o-mini: gpt-4o-mini, anthropic/claude-sonnet-4: claude-sonnet-4 }\n");
    const out = await reconcile(bill, ["--bill-map", "value:provider:openai=OpenAI", "--bill-map", "value:provider:anthropic=Anthropic"]);
    expect(out.stderr).toBe("");
    expect([out.code, (JSON.parse(out.stdout) as Report).agreeing_lines]).toEqual([0, 3]);
  });

  it("refuses one the card does not price, at the flag", async () => {
    const out = await reconcile(billWith(undefined), ["--bill-map", "value:model:gpt4o=openai/gpt-4o"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('burnrate: error: --bill-map: "openai/gpt-4o" is mapped onto model "gpt4o", which floopy 2026-11 does not price; did you mean "gpt-4o"? (expected a model the card names: claude-sonnet-4, gpt-4o, gpt-4o-mini, llama-3.1-70b, found "gpt4o")\n');
  });

  it("refuses one written the wrong way round, turned round in the fix with the flag's name", async () => {
    const out = await reconcile(billWith(undefined), ["--bill-map", "value:provider:OpenAI=openai"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('burnrate: error: --bill-map: "openai" is mapped onto provider "OpenAI", but "openai" is the card\'s own provider and "OpenAI" is not: the entry is the wrong way round (expected the card\'s value before the = and the export\'s after it (--bill-map value:provider:openai=OpenAI), found "OpenAI")\n');
  });

  it("refuses a flag of no known form, and the same export value twice", async () => {
    const bad = await reconcile(billWith(undefined), ["--bill-map", "value:model=openai/gpt-4o"]);
    expect([bad.code, bad.stderr]).toEqual([2, 'burnrate: error: --bill-map: bad bill column mapping (expected CANONICAL=SOURCE with CANONICAL one of period_start, activity, quantity, amount, unit_price, currency, charge_category, account, or value:DIMENSION:VALUE=EXPORTED, found "value:model=openai/gpt-4o")\n']);
    const twice = await reconcile(billWith(undefined), ["--bill-map", "value:model:gpt-4o=openai/gpt-4o", "--bill-map", "value:model:gpt-4o-mini=openai/gpt-4o"]);
    expect([twice.code, twice.stderr]).toEqual([2, 'burnrate: error: --bill-map: the same mapping twice (expected each bill value mapped once, found "value:model:gpt-4o-mini=openai/gpt-4o")\n']);
  });
});
