import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { card, events, replay, replayRows, TEST_CARD } from "./helpers/engine.js";
import { consistent, DAY, purchases, rawEvent, START, stream } from "./helpers/streams.js";
import { checkSums, CLI_RUNS, plan, RUNS, streamInvariants, text } from "./helpers/invariant-streams.js";

// Issue 7's invariants, continued (invariants.test.ts): the other half of the streams' main property, card versions,
// and the CLI over logs split across files.
describe(`invariants over ${RUNS} random streams, continued`, () => {
  it("conservation, lines sum to total, order within an instant and splitting across files change nothing (the other half of the streams)", () => {
    fc.assert(streamInvariants(), { numRuns: Math.ceil(RUNS / 2) });
  }, 300_000);

  it("with card versions, at once or grandfathered: conservation, and rows give what events give", () => {
    // The test card's first version is effective from its start; later ones change every price and the plans' allowances.
    const base = card(TEST_CARD.replace("provider:", "effective: \"2026-01-01\"\nprovider:"));
    // Parsed once for each effective day, applies and name: the runs draw the same few hundred again and again.
    const parsed = new Map<string, ReturnType<typeof card>>();
    const version = (effective: string, applies: string, name: string) => {
      const key = `${effective} ${applies} ${name}`;
      let found = parsed.get(key);
      if (found === undefined) parsed.set(key, (found = card(TEST_CARD.replace("provider:", `effective: "${effective}"\napplies: ${applies}\nprovider:`).replace(/version: .*/, `version: "${name}"`).replaceAll('price: "1"', 'price: "1.5"').replaceAll('price: "0.25"', 'price: "0.3"').replaceAll("included: 100", "included: 80"))));
      return found;
    };
    const versions = fc.uniqueArray(fc.record({ day: fc.integer({ min: 1, max: 80 }), applies: fc.constantFrom("at_once", "next_cycle") }), { minLength: 1, maxLength: 2, selector: (v) => v.day })
      .map((vs) => vs.map((v, i) => version(new Date(START + v.day * DAY).toISOString().slice(0, 10), v.applies, `v${i + 2}`)));
    fc.assert(fc.property(stream, purchases, plan, versions, fc.integer(), (specs, ps, p, vs, seed) => {
      const evs = events(specs).map((e) => ({ ...e, eventId: undefined }));
      const options = { plan: p, purchases: ps, subscriptionEnd: "2026-03-10T00:00:00Z", through: "2026-03-20T00:00:00Z", versions: vs };
      const st = replay(base, evs, options);
      checkSums(st);
      for (const c of st.accounts.flatMap((a) => a.cycles)) for (const l of c.lines) expect(l.version).toBeDefined();
      const sizes = [1 + (seed & 7), 1 + ((seed >> 3) & 15)];
      expect(text(replayRows(base, evs, options, sizes, (seed >> 7) & 3))).toBe(text(st));
    }), { numRuns: Math.ceil(RUNS / 10) });
  }, 300_000);

  it("through the CLI: a generated log split across files gives the same statement as the whole log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-invariants-"));
    const cardFile = join(dir, "card.yaml");
    writeFileSync(cardFile, TEST_CARD);
    const cliStream = fc.array(rawEvent, { minLength: 1, maxLength: 60 }).map(consistent);
    let round = 0;
    await fc.assert(fc.asyncProperty(cliStream, fc.integer({ min: 2, max: 3 }), async (specs, files) => {
      round++;
      const header = "timestamp,meter,quantity,account,project,user,event_id";
      const rows = specs.map(([at, meter, quantity, dims, extra]) => `${at},${meter},${quantity},${extra!.account},${dims!.project},${dims!.user},${extra!.id}`);
      const whole = join(dir, `whole-${round}.csv`);
      writeFileSync(whole, `${header}\n${rows.join("\n")}\n`);
      const parts = Array.from({ length: files }, (_, f) => {
        const file = join(dir, `part-${round}-${f}.csv`);
        writeFileSync(file, `${header}\n${rows.filter((_, i) => i % files === f).join("\n")}\n`);
        return file;
      });
      const base = ["statement", "--card", cardFile, "--plan", "paid", "--anchor", "2026-01-01", "--through", "2026-03-20", "--format", "json"];
      const one = await burnrate([...base, "--usage", whole]);
      const split = await burnrate([...base, ...parts.flatMap((f) => ["--usage", f])]);
      expect(one.code, one.stderr).toBe(0);
      expect(split.code, split.stderr).toBe(0);
      const strip = (s: string) => s.replaceAll(/"[^"]*\/(whole|part)-[^"]*"/g, '"FILE"');
      expect(strip(split.stdout)).toBe(strip(one.stdout));
    }), { numRuns: CLI_RUNS });
  }, 120_000);
});
