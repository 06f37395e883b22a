/** Run names as `secsli score` makes them, and their one order. */

/** Folder names the run writer produces; temp folders (".…tmp-…") and anything else are not runs. */
export const RUN_FOLDER = /^\d{4}-\d{2}-\d{2}T\d{6}Z(-\d+)?$/;

/** "base" for n = 1, else "base-n": the name of the n-th run with the same as-of. */
export const nthRunName = (base: string, n: number) => (n === 1 ? base : `${base}-${n}`);

/**
 * The one order of run folder names: by as-of, then by the number the writer appends to a second
 * run with the same as-of ("…Z" < "…Z-2" < "…Z-9" < "…Z-10").
 */
export function compareRunNames(a: string, b: string): number {
  const [baseA, nA] = splitRunName(a);
  const [baseB, nB] = splitRunName(b);
  return baseA < baseB ? -1 : baseA > baseB ? 1 : nA - nB || (a < b ? -1 : a > b ? 1 : 0);
}

export function splitRunName(name: string): [string, number] {
  const m = /^(.*Z)(?:-(\d+))?$/.exec(name);
  return m ? [m[1]!, m[2] === undefined ? 1 : Number(m[2])] : [name, 0];
}

/** The as-of a run's name records ("2026-11-27T000000Z-2" → 2026-11-27T00:00:00Z), in ms; NaN for another name. */
export function runNameMs(name: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-\d+)?$/.exec(name);
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`) : Number.NaN;
}
