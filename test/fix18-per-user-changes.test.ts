import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioFile } from "./helpers/scenario-file.js";
import { burnrate, ROOT } from "./helpers/cli.js";

function scenario(billing: string): string {
  return scenarioFile(`card: ${join(ROOT, "ratecards/appbuilder.yaml")}
plan: standard
start: 2026-11-01
cycles: 2
populations:
  - name: cook
    users: 2${billing}
    dimensions: { app: recipes, creator: ana, tier: advanced }
    per_user:
      - { meter: app_request, quantity: 100, components: { input_tokens: 1600, output_tokens: 800 } }
changes:
  - { cycle: 2, plan: super }
`);
}

describe("simulate: a plan change beside users who pay on accounts of their own", () => {
  it("says at the change that the users stay on the plan compared", async () => {
    const file = scenario("\n    billing: per_user");
    const r = await burnrate(["simulate", file, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`burnrate: warning: ${file}:13:5: a plan change moves the scenario's own account only; the users of "cook" (billing: per_user) stay on the plan compared (Standard here) as accounts of their own\n`);
  });

  it("says nothing where the users are the scenario's own account's", async () => {
    expect((await burnrate(["simulate", scenario(""), "--format", "json"])).stderr).toBe("");
  });
});
