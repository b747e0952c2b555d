import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// Stop 48: the HTML page is written account by account, each account's cycles let go once drawn. The duplicates'
// note at the page's end read every account's cycles again where --cycle cut them (red48 #1: an internal error).
describe("the HTML statement of several accounts, a period and a repeated event_id", () => {
  it("is written, its note counting the repeats of the cycles shown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "html48-"));
    writeFileSync(join(dir, "account.yaml"), `card: ${join(ROOT, "ratecards/fliplet.yaml")}\naccount: acme\nplan: pro\nanchor: 2026-10-01\ntimezone: UTC\n`);
    // e1 in October (left out by --cycle) and twice in November: 2 repeats in the replay, 1 in the cycle shown.
    writeFileSync(join(dir, "usage.csv"), "timestamp,account,meter,quantity,project,event_id\n2026-10-02T10:00:00Z,acme,data_read,10,alpha,e0\n2026-10-02T10:05:00Z,acme,data_read,10,alpha,e0\n2026-11-02T10:00:00Z,acme,data_read,10,alpha,e1\n2026-11-02T10:05:00Z,acme,data_read,10,alpha,e1\n2026-11-02T10:05:00Z,bolt,data_read,10,alpha,e2\n");
    const out = await burnrate(["statement", "--account", join(dir, "account.yaml"), "--usage", join(dir, "usage.csv"), "--format", "html", "--cycle", "2026-11-05"]);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("2 duplicate event(s) by event_id were counted once and not priced again in the whole replay, 1 of them in the cycle(s) shown");
    expect(out.stdout.match(/<section class="cycle">/g)).toHaveLength(2);
    expect(out.stdout.endsWith("</main>\n</body>\n</html>\n")).toBe(true);
  });
});
