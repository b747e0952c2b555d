import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Every bad input SPEC 5 names: exit 2, a message with file, line and column,
// what was expected and what was found, no stack trace, and no output file.
const CARD = readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8");
const HEADER = "timestamp,meter,quantity,project\n";

interface Case {
  name: string;
  usage?: string | Buffer;
  card?: string;
  /** The message must name this file:line:column; `LINE` stands for the line of the card holding `marker`. */
  where: RegExp;
  marker?: string;
  says: RegExp;
}

const cases: Case[] = [
  { name: "unknown meter", usage: `${HEADER}2026-11-02T10:00:00Z,data_read,1,p\n2026-11-02T11:00:00Z,data_raed,1,p\n`, where: /usage\.csv:3:2: /, says: /unknown meter "data_raed" \(expected a meter of fliplet 2026-11, found "data_raed"\)/ },
  { name: "bad timestamp", usage: `${HEADER}2026-11-02 10h00,data_read,1,p\n`, where: /usage\.csv:2:1: /, says: /bad timestamp \(expected an ISO-8601 instant such as 2026-10-14T09:30:00Z, found "2026-11-02 10h00"\)/ },
  { name: "quantity not a number", usage: `${HEADER}2026-11-02T10:00:00Z,data_read,ten,p\n`, where: /usage\.csv:2:3: /, says: /quantity is not a number \(expected a plain decimal such as 12 or 0\.5, found "ten"\)/ },
  { name: "negative quantity on a meter that forbids it", usage: `${HEADER}2026-11-02T10:00:00Z,data_read,-5,p\n`, where: /usage\.csv:2:3: /, says: /negative quantity on meter "data_read" \(expected a quantity of 0 or more/ },
  { name: "unknown key in a card", card: CARD.replace("  display: 2 ", "  dispaly: 2 "), where: /card\.yaml:LINE:3: /, marker: "dispaly", says: /unknown key "dispaly"; did you mean "display"\?/ },
  { name: "wrong type in a card", card: CARD.replace('    price: "0.01"             # "0.01 per read"', "    price: [1, 2]"), where: /card\.yaml:\d+:12: /, says: /wrong type \(expected a plain decimal of at least 0, found a list\)/ },
  { name: "duplicate meter", card: CARD.replace("  data_write:\n", "  data_read:\n"), where: /card\.yaml:LINE:3: /, marker: "  data_read:\n    aggregation: flow\n    dimensions: [project]\n    category: end_users\n    pool: run\n    price: \"0.05\"", says: /Map keys must be unique/ },
  { name: "duplicate meter through an ending event", card: CARD.replace("ended_by: unpublished", "ended_by: project_deleted"), where: /card\.yaml:\d+:15: /, says: /duplicate meter "project_deleted" \(expected a meter name used once, found also used by meter "project_created"\)/ },
  { name: "price that is not a plain decimal", card: CARD.replace('price: "0.08"', 'price: "8e-2"'), where: /card\.yaml:\d+:12: /, says: /not a plain decimal \(expected a plain decimal of at least 0, found "8e-2"\)/ },
  { name: "missing price", card: CARD.replace('    price: "0.15"             # "automation runs (0.15 each)"\n', ""), where: /card\.yaml:\d+:5: /, says: /missing key "price"/ },
  { name: "usage file not UTF-8", usage: Buffer.concat([Buffer.from(`${HEADER}2026-11-02T10:00:00Z,data_read,1,caf`), Buffer.from([0xe9]), Buffer.from("\n")]), where: /usage\.csv:2:\d+: /, says: /file is not UTF-8 \(expected UTF-8 text, found the byte 0xe9\)/ },
  { name: "card not UTF-8", card: CARD.replace("Fliplet credits", "Fliplet cr\u00e9dits"), where: /card\.yaml:\d+:\d+: /, says: /file is not UTF-8/ },
  { name: "empty usage file", usage: "", where: /usage\.csv:1:1: /, says: /empty file \(expected a header row, found nothing\)/ },
  { name: "empty card", card: "", where: /card\.yaml:1:1: /, says: /empty file/ },
  { name: "header missing a required column", usage: "time,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,p\n", where: /usage\.csv:1:1: /, says: /header missing required column "timestamp"/ },
];

describe("SPEC 5 bad input", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = mkdtempSync(join(tmpdir(), "burnrate-bad-"));
      const card = join(dir, "card.yaml");
      if (c.card !== undefined) writeFileSync(card, c.name === "card not UTF-8" ? Buffer.from(c.card, "latin1") : c.card);
      else copyFileSync(join(ROOT, "ratecards/fliplet.yaml"), card);
      const usage = join(dir, "usage.csv");
      writeFileSync(usage, c.usage ?? `${HEADER}2026-11-02T10:00:00Z,data_read,1,p\n`);
      const out = join(dir, "out.json");
      const run = await burnrate(["statement", "--card", card, "--plan", "pro", "--anchor", "2026-11-01", "--usage", usage, "-o", out]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      const line = c.marker === undefined ? "" : String(c.card!.slice(0, c.card!.indexOf(c.marker)).split("\n").length);
      expect(run.stderr).toMatch(new RegExp(c.where.source.replace("LINE", line)));
      expect(run.stderr).toMatch(c.says);
      expect(run.stderr).toMatch(/^burnrate: error: /);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }
});
