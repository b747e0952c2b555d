import type { AccountStatement } from "./types.js";

/**
 * The accounts of a statement without the one nothing names (ReplaySetup.unnamed) where nothing of its own is in it (no
 * row read in its cycles, no purchase; `own`) and it earned no reward, beside other accounts: a change the top level
 * writes without `account:` made its run and billed its plan, with no row of its (red61 F1); a recurring grant of the
 * top level is the terms', not a purchase of its own (red61b F2). `othersElsewhere`: another part of the log has accounts.
 */
export function withoutIdleUnnamed(accounts: AccountStatement[], { unnamed, own, othersElsewhere }: { unnamed: string | undefined; own: boolean; othersElsewhere: boolean }): AccountStatement[] {
  if (unnamed === undefined || own) return accounts;
  const at = accounts.findIndex((a) => a.account === unnamed);
  if (at < 0 || (accounts.length < 2 && !othersElsewhere)) return accounts;
  if (accounts[at]!.cycles.some((c) => !c.rewards.earned.isZero())) return accounts;
  return accounts.filter((_, i) => i !== at);
}
