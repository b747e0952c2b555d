import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";
import { writeVariant } from "./helpers/cards.js";

// newcomer71 L9: the pull-request comment put the usage a change refuses under "Not measured." and ended the paragraph
// with "--fail-over judges its worth", while the "Over the limit." line above named that worth among the reasons
// --fail-over failed. With --fail-over given, it is the gate's to judge: its own heading.
describe("the comment's paragraph on usage the new card refuses", () => {
  const dir = mkdtempSync(join(tmpdir(), "comment71-"));
  // Pro's included credits cut from 1,000 to 100: the bundled log's acme runs out sooner, and more of it is refused.
  const cut = writeVariant(dir, "cut", readFileSync(join(ROOT, "ratecards/fliplet.yaml"), "utf8"), [["    included: 1000 ", "    included: 100 "]]);
  const args = ["diff", "--base", "ratecards/fliplet.yaml", "--card", cut.file, "--usage", "fixtures/fliplet/usage.csv", "--account", "fixtures/fliplet/account.yaml", "--format", "markdown"];
  const paragraphs = (md: string) => md.split("\n").filter((l) => l.startsWith("**") && l.includes("The new card refuses more of the usage"));

  it("is under its own heading where --fail-over judges it", async () => {
    const r = await burnrate([...args, "--fail-over", "50"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("**Over the limit.** Failed: --fail-over.");
    const [p, ...more] = paragraphs(r.stdout);
    expect(more).toEqual([]);
    expect(p!.startsWith("**Refused usage.** The new card refuses more")).toBe(true);
    expect(p).toContain("--fail-over judges its worth");
    expect(r.stdout).not.toContain("**Not measured.**");
  });

  it("is not measured where no gate judges it", async () => {
    const r = await burnrate(args);
    expect(r.code).toBe(0);
    const [p, ...more] = paragraphs(r.stdout);
    expect(more).toEqual([]);
    expect(p!.startsWith("**Not measured.** The new card refuses more")).toBe(true);
    expect(p).not.toContain("--fail-over");
  });
});
