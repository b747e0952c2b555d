import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// newcomer65 M1: a subscription that ends at a cycle's start showed the plan's included credits closing in the cycle
// that held them, and their lapse in the next cycle, which held none: docs/timelines.md says the cycle that ends at the
// end's instant shows them expired, and the lapse.
describe("a subscription that ends at a cycle's start, with the plan's included credits left", () => {
  for (const zone of ["UTC", "Europe/Berlin"]) {
    it(`shows their lapse in the cycle that ends there (${zone})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "lapse65-"));
      writeFileSync(join(dir, "acct.yaml"), `card: ${join(ROOT, "ratecards/appbuilder.yaml")}\naccount: b04\nplan: standard\nanchor: 2027-01-15\ntimezone: ${zone}\nchanges:\n  - { at: 2027-03-01, subscription_end: 2027-03-15 }\n`);
      // One web extraction (8 credits) a cycle: 2,000 - 8 = 1,992 left in each.
      writeFileSync(join(dir, "u.csv"), "timestamp,account,meter,quantity,app,creator\n2027-01-20T10:00:00Z,b04,web_extraction,1,x,c\n2027-02-20T10:00:00Z,b04,web_extraction,1,x,c\n");
      const r = await burnrate(["statement", "--account", join(dir, "acct.yaml"), "--usage", join(dir, "u.csv"), "--through", "2027-03-20", "--format", "json"]);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const [january, february, march] = JSON.parse(r.stdout).accounts[0].cycles;
      // January's left lapse at its end, as the plan's credits do not roll over: closing.
      expect(january.grants).toEqual([{ kind: "included", opening: "2000", granted: "0", consumed: "8", expired: "0", closing: "1992" }]);
      // February's lapse with the subscription: expired, and the lapse in its timeline.
      expect(february.grants).toEqual([{ kind: "included", opening: "2000", granted: "0", consumed: "8", expired: "1992", closing: "0" }]);
      expect(february.timeline.at(-1)).toMatchObject({ change: "subscription_end", removed: "1992" });
      // March: no plan, no credits, nothing of the lapse.
      expect([march.grants, march.timeline, march.money.total]).toEqual([[], undefined, "0"]);
    });
  }
});
