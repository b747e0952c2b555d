import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

// red63b M5: `zcat missing.gz | burnrate statement --usage - --usage day2.csv` read the failed pipe as a quiet day,
// and said nothing, where an empty file among the usage files is named.
describe("standard input among the usage files, empty", () => {
  const day = () => {
    const dir = mkdtempSync(join(tmpdir(), "stdin64-"));
    writeFileSync(join(dir, "d2.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,maps_call,5,p1\n");
    return ["statement", "--card", `${ROOT}/ratecards/fliplet.yaml`, "--plan", "pro", "--anchor", "2026-11-01", "--usage", "-", "--usage", join(dir, "d2.csv"), "--format", "json"];
  };

  it.each([["nothing", ""], ["a line end", "\n"]])("is named when it holds %s, and the other file's usage is read", async (_what, input) => {
    const out = await burnrate(day(), { input });
    expect(out.code).toBe(0);
    expect(out.stderr).toContain("standard input (--usage -), 1 of the 2 usage files, is empty, without even a header");
    // 5 maps calls at 0.08 credits each.
    expect(JSON.parse(out.stdout).accounts[0].cycles[0].total).toBe("0.4");
  });

  it("is not named when it holds rows", async () => {
    const out = await burnrate(day(), { input: "timestamp,meter,quantity,project\n2026-11-01T10:00:00Z,maps_call,5,p1\n" });
    expect([out.code, out.stderr]).toEqual([0, ""]);
    expect(JSON.parse(out.stdout).accounts[0].cycles[0].total).toBe("0.8");
  });
});
