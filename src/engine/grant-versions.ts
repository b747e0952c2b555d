import { UserError, shown } from "../errors.js";
import type { RateCard } from "../ratecard/types.js";
import { versionSwitches } from "../ratecard/versions.js";
import { formatInstant } from "../time.js";
import type { ReplaySetup } from "./types.js";

/**
 * A grant is made under the card version in force when it is made, and its kind's priority and expiry are that
 * version's: a later version that drops a kind the account file still grants after it starts has none to give it
 * (red72b H4: an internal TypeError in the replay, "reading 'expires'"). Refused at the grant, before any row is
 * priced, naming the version that lacks the kind; the version switches are the replay's own (versionSwitches on its
 * calendar, as the timeline's). A grant with no place in a file (a simulation's purchase) is the caller's to keep to
 * the kinds of its version.
 */
export function refuseKindsMissing(setup: ReplaySetup): void {
  if (setup.versions === undefined) return;
  const switches = versionSwitches(setup.versions, setup.calendar);
  const versionAt = (at: number): RateCard => {
    let inForce = setup.versions![0]!.card;
    for (const s of switches) if (s.at <= at) inForce = s.card;
    return inForce;
  };
  for (const p of setup.purchases) {
    if (p.origin === undefined) continue;
    const version = versionAt(p.at);
    if (version.grantKinds.has(p.kind)) continue;
    throw new UserError(
      `grant kind ${shown(p.kind)} is not on card version ${shown(version.version)} (${version.file}), in force at ${formatInstant(p.at)} when the grant is made`,
      p.origin,
      `a grant kind of card version ${shown(version.version)}: ${[...version.grantKinds.keys()].join(", ")}; or the kind kept in that version`,
      shown(p.kind),
    );
  }
}

/**
 * A recurring grant at a cycle start under a version that lacks its kind: refused at the version (the account's terms
 * carry no place of their own), as refuseKindsMissing refuses a dated grant.
 */
export function kindMissing(version: RateCard, kind: string, at: number): UserError {
  return new UserError(
    `card version ${shown(version.version)} has no grant kind ${shown(kind)}, which the account's recurring_grants grant at the cycle start ${formatInstant(at)}`,
    version.effectiveAt,
    `grant_kinds: ${shown(kind)} in card version ${shown(version.version)}, or recurring grants of the kinds it has: ${[...version.grantKinds.keys()].join(", ")}`,
    "none",
  );
}
