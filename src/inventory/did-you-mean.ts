/** Edit distance (insert, delete, substitute, swap of two neighbours), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  const at = (i: number, j: number): number => rows[i]![j]!;
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      rows[i]![j] = d;
    }
  }
  return at(a.length, b.length);
}

/**
 * The closest candidate to `word`, if it is close enough to be a likely typo: a case-only difference,
 * or at most 2 edits (1 for words of 4 characters or fewer, so `id` does not suggest `os`).
 * Ties go to the candidate that sorts first, so the hint is stable.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = word.length <= 4 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of [...candidates].sort()) {
    if (candidate === word) continue;
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** " did you mean `x`?" or "" — to append to a message. */
export function didYouMeanSuffix(word: string, candidates: Iterable<string>): string {
  const guess = didYouMean(word, candidates);
  return guess === undefined ? '' : `; did you mean \`${guess}\`?`;
}

/**
 * The hint for an id that is not in a list (an asset id, a source name): a "did you mean" when one
 * is close, the whole list when it is short, else only how many there are (2,000 ids help nobody).
 */
export function unknownIdHint(word: string, ids: readonly string[], what: string, where: string): string {
  const guess = didYouMean(word, ids);
  if (guess !== undefined) return `Did you mean "${guess}"?`;
  if (ids.length <= 10) return `Known ${what}: ${[...ids].sort().join(', ')}`;
  return `None of the ${ids.length} ${what} in ${where} is close; \`secsli validate\` checks the file.`;
}
