/**
 * Where the cut found is midnight in another zone than the account's (not UTC, the providers' own): the account file's
 * timezone: may be what is wrong, and a cut: declared would pass the bill with every statement still cut in the wrong
 * zone (newcomer66 M4: a Chicago customer's account file in UTC).
 */
export function accountZoneHint(found: string, accountZone: string): string {
  const zone = /^00:00 (\S+)$/.exec(found)?.[1];
  if (zone === undefined || zone === accountZone || zone === "UTC") return "";
  return `; or, where the customer's cycles start at midnight in ${zone}, the run's zone is wrong (${accountZone}): timezone: ${zone} in the account file, with no --timezone of another, cuts the statements there too`;
}
