/**
 * The candidate a word was probably meant to be (a did-you-mean): the closest by edit distance, within
 * a third of the word's length (at least two edits), or the one that differs only in case. Pure, so that the engine names a price table's
 * near miss as the readers name a key's.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  // A word that differs from a candidate only in case (OPENAI for openai, as gateways export providers) is that candidate, however long: edit distance counts each letter.
  const folded = word.toLowerCase();
  const sameLetters = candidates.find((c) => c !== word && c.toLowerCase() === folded);
  if (sameLetters !== undefined) return sameLetters;
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
