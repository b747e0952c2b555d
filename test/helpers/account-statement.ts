import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { burnrate, ROOT, type Run } from "./cli.js";

/** An app builder account file's head: its own account a01 on Standard, anchored on 2027-01-01 in UTC. */
export const APP_BUILDER_HEAD = `card: ${join(ROOT, "ratecards/appbuilder.yaml")}\naccount: a01\nplan: standard\nanchor: 2027-01-01\ntimezone: UTC\n`;

/** `statement --format json` of an account file and a log, written to a folder of their own as acct.yaml and u.csv. */
export async function accountStatement(account: string, usage: string): Promise<{ dir: string; file: string; r: Run }> {
  const dir = mkdtempSync(join(tmpdir(), "account-statement-"));
  const file = join(dir, "acct.yaml");
  writeFileSync(file, account);
  writeFileSync(join(dir, "u.csv"), usage);
  return { dir, file, r: await burnrate(["statement", "--account", file, "--usage", join(dir, "u.csv"), "--format", "json"]) };
}
