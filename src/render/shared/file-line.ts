import type { Location } from "../../errors.js";

/** A usage row's place as FILE:LINE, the way a reader finds it in an editor. */
export function fileLine(at: Location): string {
  return `${at.file}:${at.line}`;
}
