/** A part of a key prefixed with its length: no part can run into the next, whatever it holds. */
export function lengthPrefixed(part: string): string {
  return `${part.length}:${part}`;
}

/**
 * The parts joined, and the array emptied for the next key. Joined, a key is
 * one flat string: built with `+` it would be a tree of its pieces, which a map
 * flattens into a copy and keeps both (about 15 MB more of peak RSS on the
 * 2M-row log, a key a line a cycle).
 */
export function flatKey(parts: string[]): string {
  const key = parts.join("");
  parts.length = 0;
  return key;
}
