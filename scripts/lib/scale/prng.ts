/**
 * Seeded, index-addressable pseudo-random numbers for the scale generator. Never Math.random or
 * the clock: the same (seed, index) always gives the same record, so the output is byte-identical
 * across runs, and a record can be regenerated later (for re-emitted duplicates) without keeping it.
 */

/** 32-bit mix of two integers (murmur3 finalizer). */
export function mix(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32 with a few helpers. */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
  /** `[[value, weight], …]` → one value. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [v, w] of entries) if ((r -= w) < 0) return v;
    return entries[entries.length - 1]![0];
  }
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += (this.next() * 4294967296 >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

/** The generator for record `index` of stream `stream` under `seed`. */
export const rngFor = (seed: number, stream: number, index: number) => new Rand(mix(mix(seed, stream), index));

/** 32-bit FNV-1a of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
