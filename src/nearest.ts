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
  const numbers = digitsOf(word);
  for (const c of candidates) {
    // Names that both hold numbers, and not the same, are most often two releases, not a typo (gpt-4.1 beside gpt-4o,
    // claude-3-5 beside claude-3-7): suggesting one for the other, with a mapping that reads it so, mispriced it
    // (newcomer, stop 44). A digit where the other has none may be the typo (quill-pr0 for quill-pro).
    const theirs = digitsOf(c);
    if (numbers !== "" && theirs !== "" && theirs !== numbers) continue;
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** A name's digits, in order: its release numbers. */
function digitsOf(name: string): string {
  return name.replace(/[^0-9]/g, "");
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

/** Whether one insertion, deletion, substitution or swap of neighbours turns `a` into `b` (the optimal string alignment distance is at most 1). */
export function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
