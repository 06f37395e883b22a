/**
 * Building blocks of the hand-written fast paths of the normalizers: each reads one value the way
 * the zod schema it stands for would, for the plainly well-formed records (nearly all of them).
 *
 * The optional readers mirror `schema.optional().catch(undefined)`: a value of the wrong type reads
 * as undefined. The fast paths give up (return undefined) as soon as a record needs anything else —
 * a required field missing or of the wrong type, an object zod would judge differently — and the
 * caller then runs the zod schema, which produces the rejection reason. The contract suite
 * (test/sources/contract.ts) checks that both paths agree, for every adapter.
 */
import { isObj } from './rules.js';

/** `z.string().optional().catch(undefined)`. */
export function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * `z.array(z.looseObject(...))` by hand: every element mapped; an element that is not an object
 * (or that `map` refuses with undefined) drops the whole list, as the schema's array does.
 */
export function objectList<T>(v: unknown, map: (e: Record<string, unknown>) => T | undefined): T[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: T[] = [];
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    const m = isObj(e) ? map(e) : undefined;
    if (m === undefined) return undefined;
    out.push(m);
  }
  return out;
}

/** `z.string().nullable().optional().catch(undefined)`. */
export function optStrOrNull(v: unknown): string | null | undefined {
  return typeof v === 'string' || v === null ? v : undefined;
}

/** `z.number().optional().catch(undefined)`: zod numbers are finite. */
export function optNum(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `z.array(z.unknown()).transform(keep strings).optional().catch(undefined)`. */
export function optStrings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x === 'string') out.push(x);
  }
  return out;
}

/** zod's `util.isPlainObject`: what `z.record()` accepts. */
function isPlainObject(o: unknown): o is Record<string, unknown> {
  if (!isObj(o)) return false;
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined) return true;
  if (typeof ctor !== 'function') return true;
  const prot: unknown = (ctor as { prototype?: unknown }).prototype;
  if (!isObj(prot)) return false;
  return Object.hasOwn(prot, 'isPrototypeOf');
}

/** Sentinel: the fast path cannot tell what zod would do; use the schema. */
export const GIVE_UP: unique symbol = Symbol('give up');

/**
 * `z.record(z.string(), z.unknown()).transform(string values, sorted by key).optional().catch(undefined)`.
 * An object with symbol keys (never from JSON) gives up: zod's record rejects those keys.
 */
export function optStringMap(v: unknown): Record<string, string> | undefined | typeof GIVE_UP {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) return undefined;
  if (Object.getOwnPropertySymbols(v).length > 0) return GIVE_UP;
  const keys = Object.keys(v);
  if (keys.length > 1) keys.sort(); // code-unit order, as the schema's `a < b` comparator
  const out: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === '__proto__') continue; // zod's record skips it
    const x = v[k];
    if (typeof x === 'string') out[k] = x;
  }
  return out;
}
