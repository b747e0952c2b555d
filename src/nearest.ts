import { shown } from "./errors.js";

/**
 * The candidate a word was probably meant to be (a did-you-mean): the closest by edit distance, within
 * a third of the word's length (at least two edits), the one that differs only in case, or the one
 * after a provider's prefix. Pure, so that the engine names a price table's
 * near miss as the readers name a key's.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  // A word that differs from a candidate only in case (OPENAI for openai, as gateways export providers) is that candidate, however long: edit distance counts each letter.
  const folded = word.toLowerCase();
  const sameLetters = candidates.find((c) => c !== word && c.toLowerCase() === folded);
  if (sameLetters !== undefined) return sameLetters;
  // A gateway's provider-prefixed name (openai/gpt-4o, as OpenRouter and LiteLLM write models) is the candidate after its last slash.
  const tail = folded.slice(folded.lastIndexOf("/") + 1);
  const prefixed = tail === folded || tail === "" ? undefined : candidates.find((c) => c.toLowerCase() === tail);
  if (prefixed !== undefined) return prefixed;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** "; did you mean "litellm"?" where `word` is a near miss of one of `candidates` (nearest), else "": a message's problem goes on with it. */
export function guessOf(word: string, candidates: readonly string[]): string {
  const near = nearest(word, candidates);
  return near === undefined ? "" : `; did you mean ${shown(near)}?`;
}
