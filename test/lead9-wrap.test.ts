import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

describe("a file's path longer than a terminal line", () => {
  it("is broken after its slashes, every line within the width, the path whole when its pieces are joined", async () => {
    // A clone deep in someone's home: the scenario's path alone is past 100 columns.
    const deep = join(mkdtempSync(join(tmpdir(), "burnrate-wrap-")), "customers", "acme-corporation-international", "quotes", "2026", "december", "renewal");
    mkdirSync(deep, { recursive: true });
    const scenario = join(deep, "sms-100.yaml");
    const text = readFileSync(join(ROOT, "fixtures/scenarios/fliplet/sms-100.yaml"), "utf8");
    writeFileSync(scenario, text.replace(/^card: .*$/m, `card: ${join(ROOT, "ratecards/fliplet.yaml")}`));
    expect(scenario.length).toBeGreaterThan(100);
    const out = await burnrate(["simulate", scenario, "--format", "table"]);
    expect(out.code).toBe(0);
    const lines = out.stdout.split("\n");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    const first = lines.findIndex((l) => l.trimStart().startsWith("Scenario"));
    const indent = lines[first]!.indexOf("/");
    let path = lines[first]!.slice(indent);
    for (let i = first + 1; !lines[i]!.slice(0, indent).trim(); i++) {
      path += lines[i]!.slice(indent);
      if (path.endsWith(".yaml")) break;
    }
    expect(path).toBe(scenario);
  });
});
