import { sep } from "node:path";
import type { Location } from "../../errors.js";

/** A usage row's place as FILE:LINE, the way a reader finds it in an editor. */
export function fileLine(at: Location): string {
  return `${at.file}:${at.line}`;
}

/**
 * FILE:LINE within about `width` characters, for a table column: the file's path as given, or
 * as many of its last folders as fit after "…/", or at least its name. The name alone is ambiguous when
 * several usage files share it (a glob over one folder a day, each holding usage.csv).
 */
export function fileLineWithin(at: Location, width: number): string {
  const line = `:${at.line}`;
  if (at.file.length + line.length <= width) return fileLine(at);
  const parts = at.file.split(sep);
  const name = parts.pop()!;
  let kept = name;
  while (parts.length > 0 && parts.at(-1)!.length + 1 + kept.length + 2 + line.length <= width) kept = `${parts.pop()}${sep}${kept}`;
  // The name alone, as in a narrow table before, reads as a name; a cut path is marked as cut.
  return kept === name ? `${name}${line}` : `…${sep}${kept}${line}`;
}
