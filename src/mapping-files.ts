import { existsSync } from "node:fs";
import { basename } from "node:path";
import { UserError, shown } from "./errors.js";

/**
 * The mapping file `PATH.mapping.yaml`, or `PATH.mapping.yml`, when there (`PATH` a usage or bill file, a folder, or
 * a folder's `burnrate`): a `.yml` one was taken for a mapping and read by nothing, its `timestamp_zone:` lost in
 * silence (newcomer, stop 41). Both there is refused: which one is meant is the user's to say.
 */
export function mappingNamed(path: string): string | undefined {
  const [yaml, yml] = [`${path}.mapping.yaml`, `${path}.mapping.yml`].map((name) => (existsSync(name) ? name : undefined));
  if (yaml !== undefined && yml !== undefined) {
    throw new UserError("two mapping files for one usage file or folder", { file: yml, line: 1, column: 1 }, `one of ${shown(basename(yaml))} and ${shown(basename(yml))}: merge them, or remove one`, "both");
  }
  return yaml ?? yml;
}
