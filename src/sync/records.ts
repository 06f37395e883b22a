import { parseUtc } from '../model/time.js';

/**
 * What the sync layer needs to know of one raw record comes from its source adapter (`facts`, in
 * src/sources): its key, when it last changed, where it lives and whether a full pull would return it.
 */
export { recordFacts, type RecordFacts } from '../sources/index.js';

/** Milliseconds of an update time; unparseable times sort as -Infinity (any dated copy wins over them). */
export function updatedMs(updatedAt: string): number {
  const t = parseUtc(updatedAt);
  return Number.isNaN(t) ? -Infinity : t;
}
