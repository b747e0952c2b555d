import { existsSync } from "node:fs";
import { basename } from "node:path";
import { UserError, shown } from "./errors.js";

/**
 * The mapping file `PATH.mapping.yaml`, or `PATH.mapping.yml`, when there (`PATH` a usage or bill file, a folder, or
 * a folder's `burnrate`): a `.yml` one was taken for a mapping and read by nothing, its `timestamp_zone:` lost in
 * silence (newcomer, stop 41). A gzipped file's is also the one named for the file it was before, where that file is
 * not there: `LOG.csv.mapping.yaml` beside `LOG.csv.gz`, written before the export was compressed, was read by nothing
 * (newcomer31, stop 45). Two there is refused: which one is meant is the user's to say.
 */
export function mappingNamed(path: string): string | undefined {
  // Not where the file it was is there too: the mapping is then that file's (red team, stop 45: a Tokyo export's mapping
  // read a UTC one's gzipped copy in Tokyo time).
  const before = /\.gz$/i.test(path) ? path.slice(0, -3) : undefined;
  const names = [path, ...(before === undefined || existsSync(before) ? [] : [before])].flatMap((p) => [`${p}.mapping.yaml`, `${p}.mapping.yml`]);
  const found = names.filter((name) => existsSync(name));
  if (found.length > 1) {
    throw new UserError(`${found.length === 2 ? "two" : found.length} mapping files for one usage file or folder`, { file: found[1]!, line: 1, column: 1 }, `one of ${listed(found.map((f) => shown(basename(f))))}: merge them, or remove ${found.length === 2 ? "one" : "all but one"}`, found.length === 2 ? "both" : `all ${found.length}`);
  }
  return found[0];
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
