import { formatLocation, shown, type Location } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import type { AccountFile, AccountSettings } from "./account.js";

/**
 * The warning for an account file's `overage: true` that can change nothing: overage billing only lets requests past
 * a plan's request quota through (rules.ts), so on a plan with no `quota:` in any version of the card it bills
 * nothing and lets nothing through, while the statement shows the switch as made (newcomer62 M3: the app builder's
 * credits ran out, and its requests were refused under an overage the timeline showed on). Credits that run out
 * follow their pool's `when_exhausted:`, which the account does not set. Not refused: one account file may serve
 * cards with quotas and without.
 */
export function idleOverageWarning(account: AccountFile, settings: AccountSettings, card: RateCard): string | undefined {
  const doc = account.doc;
  const own = settings.name;
  // Each `overage: true` of the file, with the account whose terms it is, in the file's order.
  const switches: { path: (string | number)[]; account: string }[] = [];
  if (doc.overage === true) switches.push({ path: ["overage"], account: own });
  (doc.changes ?? []).forEach((c, i) => {
    if (c.overage === true) switches.push({ path: ["changes", i, "overage"], account: ("account" in c ? c.account : undefined) ?? own });
  });
  for (const [id, t] of doc.accounts ?? []) {
    if (t.overage === true) switches.push({ path: ["accounts", id, "overage"], account: id });
    (t.changes ?? []).forEach((c, i) => {
      if (c.overage === true) switches.push({ path: ["accounts", id, "changes", i, "overage"], account: id });
    });
  }
  if (switches.length === 0) return undefined;

  const versions = card.versions ?? [card];
  const hasQuota = (plan: string) => versions.some((v) => v.plans.get(plan)?.quota !== undefined);
  // Every plan an account is ever on: its own, and each its changes move it to.
  const plansOf = new Map<string, Set<string>>();
  const onPlan = (id: string, plan: string) => {
    let plans = plansOf.get(id);
    if (plans === undefined) plansOf.set(id, (plans = new Set()));
    plans.add(plan);
  };
  for (const { account: id } of switches) {
    const terms = settings.accounts.get(id);
    if (terms !== undefined) onPlan(id, terms.plan.key);
  }
  for (const c of settings.changes) if (c.change.kind === "plan" && plansOf.has(c.account)) onPlan(c.account, c.change.plan.key);

  const idle = switches.filter((s) => ![...(plansOf.get(s.account) ?? [])].some(hasQuota));
  const first = idle[0];
  if (first === undefined) return undefined;
  const plans = [...new Set(idle.flatMap((s) => [...(plansOf.get(s.account) ?? [])]))];
  const withQuota = [...new Set(versions.flatMap((v) => [...v.plans.values()].filter((p) => p.quota !== undefined).map((p) => p.key)))];
  const whose = plans.length === 1 ? `plan ${shown(plans[0]!)} has no quota` : `plans ${list(plans.map(shown))} have no quota`;
  const others = withQuota.length === 0 ? "no plan of the card has one" : `the card's plans with one: ${list(withQuota.map(shown))}`;
  const pools = [...card.pools.values()].map((p) => `${p.key}: ${p.whenExhausted}`).join(", ");
  const at = (path: (string | number)[]): Location => account.at(path);
  const rest = idle.slice(1);
  const places = rest.slice(0, PLACES).map((s) => lineColumn(at(s.path)));
  const more = rest.length - places.length;
  const also = rest.length === 0 ? "" : `; so does the file's overage: true at ${more > 0 ? `${places.join(", ")} and ${more.toLocaleString("en-US")} more` : list(places)}`;
  return `burnrate: warning: ${formatLocation(at(first.path))}: overage: true bills nothing on ${card.provider} ${card.version}: it lets requests past a plan's request quota (quota: in the card) through, billed in money, and ${whose} (${others}); usage past the credits follows its pool's when_exhausted: (${pools}), which overage: does not change${also}\n`;
}

/** Further places named before the rest are cut short. */
const PLACES = 3;

function lineColumn(at: Location): string {
  return `${at.line}:${at.column}`;
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)!}`;
}
