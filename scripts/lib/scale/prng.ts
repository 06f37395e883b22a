/**
 * Seeded, index-addressable pseudo-random numbers for the scale generator. Never Math.random or
 * the clock: the same (seed, index) always gives the same record, so the output is byte-identical
 * across runs, and a record can be regenerated later (for re-emitted duplicates) without keeping it.
 * The generator itself (mulberry32) and the string hash are the example generator's (../prng.ts).
 */
import { hash32, Rng } from '../prng.js';

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

/** mulberry32 (shared with the example generator), with hex drawn 32 bits at a time for speed. */
export class Rand extends Rng {
  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  override hex(n: number): string {
    let s = '';
    while (s.length < n) s += ((this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

/** The generator for record `index` of stream `stream` under `seed`. */
export const rngFor = (seed: number, stream: number, index: number) => new Rand(mix(mix(seed, stream), index));

/** 32-bit FNV-1a of a string. */
export const hashString = hash32;
