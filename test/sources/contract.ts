/**
 * The contract every source adapter keeps (src/sources/types.ts), as one suite run against each
 * (contract.test.ts), the way unstorage tests its drivers:
 * - the fast reader + the mapping give what the schema + the mapping give (same Finding, keys in the
 *   same order, same rejection reason and native id), on the adapter's real samples and on generated
 *   variations of them; what the fast reader refuses (in a JSON record) the schema rejects and explains;
 * - `recognise` accepts the adapter's own samples and refuses every other adapter's;
 * - the link back is the Finding's `url`; the facts sync reads name the record and its update time.
 * The fields varied are derived from the samples and the schema, never listed by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeWith } from '../../src/sources/index.js';
import { reject, zodReason } from '../../src/sources/rules.js';
import type { NormalizeResult, SourceAdapter } from '../../src/sources/types.js';
import { oddValue, schemaPaths, samplePaths, mutate, viaJson } from './variations.js';

/** The reference path: every record through the schema, then the same mapping; a rejection says what the record claims. */
export function normalizeWithSchema<R>(adapter: SourceAdapter<R>, raw: unknown): NormalizeResult {
  const parsed = adapter.schema.safeParse(raw);
  const r = parsed.success ? adapter.toFinding(parsed.data) : reject(zodReason(parsed.error), adapter.idOf(raw));
  if (r.ok) return r;
  const claims = adapter.claimsOf(raw);
  return claims ? { ...r, claims } : r;
}

/** Same result, and the same keys in the same order (reports serialize findings); a throw counts as a result. */
export function expectSame(fast: () => unknown, reference: () => unknown) {
  const run = (f: () => unknown) => {
    try {
      return { value: f() };
    } catch (err) {
      return { threw: String(err) };
    }
  };
  const a = run(fast);
  const b = run(reference);
  expect(a).toStrictEqual(b);
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
}

/**
 * Generated variations per property: 500 in `npm test`; `npm run test:scale` (CI) runs this file
 * again with SECSLI_FAST_RUNS=3000; raise it further for a longer soak.
 */
const RUNS = Number(process.env.SECSLI_FAST_RUNS ?? 500);

export interface ContractCase {
  adapter: SourceAdapter<any>;
  /** Real records of this format (fixtures, examples). */
  samples: Record<string, unknown>[];
  /** How many of the samples the fast reader must read itself (the rest go to the schema). */
  minFastRead: number;
  /** Every other adapter's samples: `recognise` must refuse them. */
  others: unknown[];
}

export function sourceContract({ adapter, samples, minFastRead, others }: ContractCase) {
  const same = (raw: unknown) =>
    expectSame(
      () => normalizeWith(adapter, raw),
      () => normalizeWithSchema(adapter, raw),
    );

  describe(`source adapter ${adapter.id}: the contract`, () => {
    it('has real samples, and the fast reader reads them', () => {
      expect(samples.length).toBeGreaterThanOrEqual(3);
      expect(samples.filter((r) => adapter.read(r) !== undefined).length).toBeGreaterThanOrEqual(minFastRead);
    });

    it('fast reader + mapping = schema + mapping, on every sample', () => {
      for (const r of samples) same(r);
    });

    it('recognises its own samples and none of the other formats', () => {
      for (const r of samples) expect(adapter.recognise(r), JSON.stringify(r).slice(0, 120)).toBe(true);
      for (const r of others) expect(adapter.recognise(r), JSON.stringify(r).slice(0, 120)).toBe(false);
      for (const r of [null, undefined, 1, 'x', [], {}]) expect(adapter.recognise(r)).toBe(false);
    });

    it('rejects what is not a record, as the schema explains it', () => {
      for (const r of [null, undefined, 1, 'x', [], [samples[0]], {}, new Date(0), Object.create(null)]) {
        same(r);
        expect(normalizeWith(adapter, r).ok).toBe(false);
      }
    });

    it('links back to the record: the Finding url is `link`', () => {
      for (const r of samples) {
        const result = normalizeWith(adapter, r);
        if (!result.ok) continue;
        const parsed = adapter.schema.parse(r);
        expect(result.finding.url).toBe(adapter.link(parsed));
        expect(result.finding.source).toBe(adapter.source);
      }
    });

    it('gives sync the key and update time of every sample', () => {
      for (const r of samples) {
        const facts = adapter.facts(r);
        expect(typeof facts.id).toBe('string');
        expect(typeof facts.keep).toBe('boolean');
        const result = normalizeWith(adapter, r);
        if (result.ok) expect(Date.parse(facts.updatedAt)).toBe(Date.parse(result.finding.updatedAt));
      }
    });

    const paths = fc.oneof(fc.constantFrom(...schemaPaths(adapter.schema)), fc.constantFrom(...samplePaths(samples)));
    const edits = fc.array(fc.tuple(paths, oddValue), { minLength: 1, maxLength: 6 });

    it('fast = schema on variations with missing and odd fields; what the reader refuses in JSON, the schema rejects', () => {
      fc.assert(
        fc.property(fc.constantFrom(...samples), edits, fc.boolean(), (base, e, json) => {
          const r = json ? viaJson(mutate(base, e)) : mutate(base, e);
          same(r);
          // In a JSON record the fast reader gives up only on what the schema rejects, and the schema says why.
          if (!json) return;
          const parsed = adapter.schema.safeParse(r);
          expect(adapter.read(r) === undefined).toBe(!parsed.success);
          if (!parsed.success) expect(zodReason(parsed.error)).not.toBe('');
        }),
        { numRuns: RUNS },
      );
    });
  });
}
