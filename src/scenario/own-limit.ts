import type { Rejection } from "../engine/types.js";

/**
 * A refusal by a limit the customer sets on their own account (a server's daily
 * limit, a team's budget): the scenario asked for it, so a plan still covers the
 * scenario; reports show these apart from refusals by the plan.
 */
export function ownLimit(r: Rejection): boolean {
  return /^(daily limit|budget) of /.test(r.reason);
}
