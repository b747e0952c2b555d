import { UserError, shown, type Location } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import { cardVersions, inEffectiveOrder, sameNamed } from "../ratecard/versions.js";
import type { LintFinding } from "./finding.js";

/** A card `check` loaded, with the means to point at its nodes and the findings it is reported with. */
export interface LoadedCard {
  card: RateCard;
  at(path: readonly (string | number)[]): Location;
  findings: LintFinding[];
}

/**
 * Lint across the versions of one provider's card named on one command line (`check ratecards/*.yaml`):
 * a recurring item or a gauge level is charged at every cycle start without a usage row, by the version
 * then in force. A later version without the meter (or with it no longer recurring, or no longer a
 * gauge) charges the items still active nothing from its first cycle, and says nothing: their rows are
 * refused at their line, but the cycle-start charge has no row. A warning, at the later version's
 * `meters:`, since a provider may mean to stop charging; kept with price "0", the items stay shown.
 */
export function droppedRecurringMeters(loaded: readonly LoadedCard[]): void {
  const byProvider = new Map<string, LoadedCard[]>();
  for (const l of loaded) byProvider.set(l.card.provider, [...(byProvider.get(l.card.provider) ?? []), l]);
  for (const group of byProvider.values()) {
    if (group.length < 2) continue;
    let versions: readonly RateCard[];
    try {
      versions = cardVersions(group.map((l) => l.card)).versions ?? [];
    } catch (e) {
      // Versions that cannot be read together (no effective date, two currencies) are refused by every command that prices them.
      if (e instanceof UserError) continue;
      throw e;
    }
    for (let i = 1; i < versions.length; i++) {
      const [before, after] = [versions[i - 1]!, versions[i]!];
      const target = group.find((l) => l.card === after)!;
      for (const meter of before.meters.values()) {
        if (meter.aggregation !== "recurring" && meter.aggregation !== "gauge") continue;
        const kept = after.meters.get(meter.key);
        if (kept?.aggregation === meter.aggregation) continue;
        const what = meter.aggregation === "recurring" ? "items" : "levels";
        const now = kept === undefined ? "is not in this version" : `is a ${kept.aggregation} meter in this version`;
        target.findings.push({
          severity: "warning",
          rule: "dropped-recurring-meter",
          location: target.at(["meters"]),
          message: `${meter.aggregation} meter ${shown(meter.key)} of version ${before.version} (${before.file}) ${now}: its ${what} still active when version ${after.version} takes effect (${after.effective}) are charged nothing at its cycle starts, without a word`,
          fix: `keep meters.${meter.key} as a ${meter.aggregation} meter in this version (price: "0" if the provider stops charging it, so that the active ${what} stay shown), or end them in the usage before ${after.effective}`,
        });
        target.findings.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
      }
    }
  }
}

/**
 * Two of one provider's cards with an `effective:` and one `version:` name: the pricing commands refuse them given
 * together as versions (cycles are priced by their version's name), where `check` of both passed them (red70f L3).
 * A warning, at the later one's `version:`: two alternative cards (a region's) may share a name, and are never given
 * together.
 */
export function sameNamedVersions(loaded: readonly LoadedCard[]): void {
  const byProvider = new Map<string, LoadedCard[]>();
  for (const l of loaded) if (l.card.effective !== "") byProvider.set(l.card.provider, [...(byProvider.get(l.card.provider) ?? []), l]);
  for (const group of byProvider.values()) {
    const same = sameNamed(inEffectiveOrder(group.map((l) => l.card)));
    if (same === undefined) continue;
    const target = group.find((l) => l.card === same.later)!;
    target.findings.push({
      severity: "warning",
      rule: "version-same-name",
      location: target.at(["version"]),
      message: `version ${shown(same.later.version)} is also the name of ${same.earlier.file}'s (effective ${same.earlier.effective}): given together with --card, as versions of ${shown(same.later.provider)}'s card, they are refused, as cycles are priced by their version's name`,
      fix: `give this version a name of its own (its effective date, ${same.later.effective}, say), unless the two are alternatives never priced together`,
    });
    target.findings.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  }
}
