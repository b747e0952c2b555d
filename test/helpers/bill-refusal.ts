import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { burnrate, ROOT, type Run } from "./cli.js";

/** The expected part of a totals row's refusal, up to the found value each test names. */
export const TOTALS_EXPECTED = "(expected the row left out of the bill: a totals row sums the rows above it, which are compared each";

/**
 * A bill read by reconcile beside one data read of project alpha on 2026-11-02, in a folder of its own: `account` the
 * account file's lines after its card (Fliplet's, or `card` written beside it), `bill` the bill's text, `mapping` the
 * bill's mapping beside it, `flags` after the inputs.
 */
export interface BillCase {
  account: string;
  card?: string;
  bill: string;
  mapping?: string;
  flags?: readonly string[];
}

export function reconcileBill(bill: BillCase): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bill-refusal-"));
  if (bill.card !== undefined) writeFileSync(join(dir, "card.yaml"), bill.card);
  const card = bill.card === undefined ? join(ROOT, "ratecards/fliplet.yaml") : "card.yaml";
  writeFileSync(join(dir, "account.yaml"), `card: ${card}\n${bill.account}`);
  writeFileSync(join(dir, "usage.csv"), "timestamp,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,100,alpha\n");
  writeFileSync(join(dir, "bill.csv"), bill.bill);
  if (bill.mapping !== undefined) writeFileSync(join(dir, "bill.csv.mapping.yaml"), bill.mapping);
  return burnrate(["reconcile", "--account", "account.yaml", "--usage", "usage.csv", "--bill", "bill.csv", ...(bill.flags ?? [])], { cwd: dir });
}

/** The bill refused as it is read (exit 2, nothing on standard output): what standard error says. */
export async function billRefusal(bill: BillCase): Promise<string> {
  const r = await reconcileBill(bill);
  expect([r.code, r.stdout]).toEqual([2, ""]);
  return r.stderr;
}
