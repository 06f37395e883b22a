/**
 * The record guard: whatever one record holds, handling it (serialising it for --save-raw,
 * normalizing, interning) can only end in a finding or in a rejection with its reason — never in
 * an exception that stops the run. DESIGN.md: "no value in one record ever stops the run".
 *
 * JSON.parse reads arrays nested thousands deep, but recursive steps after it (JSON.stringify for
 * --save-raw) overflow the stack: such a failure is explained by measuring the depth (without
 * recursion), only then, so well-formed records pay nothing for it.
 */

/** Deepest nesting a record may have. Real ASFF and Dependabot records stay under 12. */
const MAX_RECORD_DEPTH = 64;

/** Why the value is nested too deep to handle, or undefined. Iterative: never overflows itself. */
function depthProblem(value: unknown, max = MAX_RECORD_DEPTH): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) return `nested more than ${max} levels deep`;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
  return undefined;
}

export type Guarded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Runs one record's handling; an exception becomes a rejection reason naming what failed
 * ("cannot be processed: URIError: URI malformed"), so the record is counted and reported.
 */
export function guardRecord<T>(value: unknown, handle: () => T): Guarded<T> {
  try {
    return { ok: true, value: handle() };
  } catch (e) {
    const deep = e instanceof RangeError ? depthProblem(value) : undefined;
    if (deep) return { ok: false, reason: `record is ${deep}` };
    const err = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { ok: false, reason: `record cannot be processed (${err.slice(0, 200)})` };
  }
}
