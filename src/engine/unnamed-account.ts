import { isPaidGrant } from "../ratecard/cycle-money.js";
import type { AccountStatement, CycleStatement } from "./types.js";

/** A cycle with something of the account's own: a row priced, refused or repeated, or credits it paid for. */
export function hasOwn(c: CycleStatement): boolean {
  return c.lines.length > 0 || c.rejected.length > 0 || c.duplicates.length > 0 || c.grants.some((g) => isPaidGrant(g.kind) && !g.granted.isZero());
}

/**
 * The accounts of a statement without the one nothing names (ReplaySetup.unnamed) where it has nothing of its own
 * (hasOwn) and earned no reward, beside other accounts: a change the top level writes without `account:` made its
 * run and billed its plan, with no row of its (red61 F1). `othersElsewhere`: another part of the log has accounts.
 */
export function withoutIdleUnnamed(accounts: AccountStatement[], unnamed: string | undefined, othersElsewhere: boolean): AccountStatement[] {
  if (unnamed === undefined) return accounts;
  const at = accounts.findIndex((a) => a.account === unnamed);
  if (at < 0 || (accounts.length < 2 && !othersElsewhere)) return accounts;
  const cycles = accounts[at]!.cycles;
  if (cycles.some((c) => hasOwn(c) || !c.rewards.earned.isZero())) return accounts;
  return accounts.filter((_, i) => i !== at);
}
