import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./cli.js";

/**
 * A folder with a New York account on Floopy's Pro (anchored 2026-10-01, credits bought on its first instant, `grants`
 * of them by account: none for the file's own `acme`), its usage (`header` then `usage`) and a bill: the inputs of the
 * tests of a provider that bills UTC months. Returns the folder and the account file.
 */
export function floopyNewYork(prefix: string, inputs: { grants: Record<string, number>; header: string; usage: readonly string[]; bill: readonly string[] }): { dir: string; account: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const account = join(dir, "account.yaml");
  const grants = Object.entries(inputs.grants).map(([name, amount]) => `  - { kind: purchase, amount: ${amount}, at: "2026-10-01T04:00:00Z"${name === "acme" ? "" : `, account: ${name}`} }`);
  writeFileSync(account, [`card: ${join(ROOT, "ratecards/floopy.yaml")}`, "account: acme", "plan: pro", "anchor: 2026-10-01", "timezone: America/New_York", "grants:", ...grants].join("\n") + "\n");
  writeFileSync(join(dir, "usage.csv"), [inputs.header, ...inputs.usage].join("\n") + "\n");
  writeFileSync(join(dir, "bill.csv"), inputs.bill.join("\n") + "\n");
  return { dir, account };
}
