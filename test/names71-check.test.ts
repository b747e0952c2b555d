import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { position, writeVariant } from "./helpers/cards.js";

const FLIPLET = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const READ_PRICE = 'price: "0.01"             # "0.01 per read"';

// newcomer71 L2: a price written as the pricing page shows it ("$0.002") was "not a plain decimal" with nothing to write
// instead, where "20,000" was told 20000. The same hint for a currency, a unit and an exponent.
describe("a price written as a page shows it", () => {
  const dir = mkdtempSync(join(tmpdir(), "names71-"));
  const cases: [string, string][] = [
    ['"$0.002"', "without the currency or unit: 0.002"],
    ['"0.002 USD"', "without the currency or unit: 0.002"],
    ['"USD 4"', "without the currency or unit: 4"],
    ['"€ 5"', "without the currency or unit: 5"],
    ['"0.5 credits"', "without the currency or unit: 0.5"],
    ['"1e-3"', "written out: 0.001"],
    ['"2.5E2"', "written out: 250"],
  ];
  for (const [written, hint] of cases) {
    it(`${written}: ${hint}`, async () => {
      const card = writeVariant(dir, "card", FLIPLET, [[READ_PRICE, `price: ${written}`]]);
      const r = await burnrate(["check", card.file]);
      expect(r.code).toBe(1);
      const at = position(card.text, written, "data_read:");
      expect(r.stdout).toContain(`${at}: error [schema] not a plain decimal (expected a plain decimal of at least 0, ${hint}, found ${JSON.stringify(JSON.parse(written))})`);
      expect(r.stdout).toContain(`fix: write a plain decimal of at least 0, ${hint}\n`);
    });
  }

  it("gives no hint where no number is there to keep", async () => {
    const card = writeVariant(dir, "card", FLIPLET, [[READ_PRICE, 'price: "USD"']]);
    const r = await burnrate(["check", card.file]);
    expect(r.stdout).toContain('not a plain decimal (expected a plain decimal of at least 0, found "USD")');
  });
});

// red70f L3: `check` of two versions of one provider's card named alike passed them, where every pricing command given
// both refuses them (cycles are priced by their version's name).
describe("check: two versions of one name", () => {
  const dir = mkdtempSync(join(tmpdir(), "names71-"));
  const first = writeVariant(dir, "first", FLIPLET, []);
  const later = writeVariant(dir, "later", FLIPLET, [['effective: "2026-11-01"', 'effective: "2026-12-01"']]);

  it("warns at the later one's version:", async () => {
    const r = await burnrate(["check", first.file, later.file]);
    expect(r.code).toBe(0);
    const at = position(later.text, '"2026-11"', "version:");
    expect(r.stdout).toContain(`${at}: warning [version-same-name] version "2026-11" is also the name of ${first.file}'s (effective 2026-11-01)`);
    // What the warning says: given together, they are refused.
    const priced = await burnrate(["statement", "--card", first.file, "--card", later.file, "--plan", "pro", "--anchor", "2026-11-01", "--usage", "fixtures/fliplet/usage.csv"]);
    expect(priced.code).toBe(2);
  });

  it("is quiet for versions of names of their own", async () => {
    const renamed = writeVariant(dir, "renamed", later.text, [['version: "2026-11"', 'version: "2026-12"']]);
    const r = await burnrate(["check", first.file, renamed.file]);
    expect(r.stdout).not.toContain("version-same-name");
    // Every other warning (the copies have no tests beside them) is the same for both pairs: one more for the pair of one name.
    const warnings = async (files: string[]) => JSON.parse((await burnrate(["check", ...files, "--format", "json"])).stdout).warnings as number;
    expect(await warnings([first.file, later.file])).toBe((await warnings([first.file, renamed.file])) + 1);
  });
});
