/**
 * How `a1 + a2` compares with `b1 + b2` (as `<` compares strings: by UTF-16 code units), without
 * building either. A comparator that joins its keys allocates two strings per call, and `<` then
 * flattens them: ranking a million (finding, asset) rows that way made ~400 MB of garbage in a
 * few seconds (report.md's top risks at 1M findings). Returns -1, 0 or 1.
 */
export function compareJoined(a1: string, a2: string, b1: string, b2: string): number {
  if (a1 === b1) return a2 < b2 ? -1 : a2 > b2 ? 1 : 0;
  // Neither first part starts the other: they differ within both, and decide.
  if (!a1.startsWith(b1) && !b1.startsWith(a1)) return a1 < b1 ? -1 : 1;
  // One first part is a prefix of the other: go on over the joined texts from where it ends.
  const la = a1.length + a2.length;
  const lb = b1.length + b2.length;
  const n = Math.min(la, lb);
  for (let i = Math.min(a1.length, b1.length); i < n; i++) {
    const x = i < a1.length ? a1.charCodeAt(i) : a2.charCodeAt(i - a1.length);
    const y = i < b1.length ? b1.charCodeAt(i) : b2.charCodeAt(i - b1.length);
    if (x !== y) return x < y ? -1 : 1;
  }
  return la < lb ? -1 : la > lb ? 1 : 0;
}
