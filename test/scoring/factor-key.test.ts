import { describe, expect, it } from 'vitest';
import { FactorCache, factorInputs, type FactorInputs } from '../../src/scoring/factors.js';
import { kevWith, makeFinding } from '../builders.js';

/** factors.ts owns its cache: every input the rules read is part of the key. */

/** A cache holding only `inputs`: does `other` find that entry? */
function sameEntry(inputs: FactorInputs, other: FactorInputs): boolean {
  const cache = new FactorCache<string>();
  cache.set(inputs, 'entry');
  return cache.get(other) === 'entry';
}

const base: FactorInputs = factorInputs(
  makeFinding({
    cvss: { score: 7.5, version: '3.1' },
    cves: ['CVE-2021-44228'],
    knownExploited: true,
    product: 'Inspector',
    epss: { probability: 0.1, percentile: 0.5 },
    github: { repo: 'acme/api', scope: 'runtime' },
  }),
  kevWith('CVE-2021-44228'),
);

/** A different value of the same type for each field, so changing any one input must miss the entry. */
function other(v: unknown): unknown {
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'string') return `${v}x`;
  return 'set';
}

describe('FactorCache', () => {
  it.each(Object.keys(base) as (keyof FactorInputs)[])('misses when %s changes', (field) => {
    const changed = { ...base, [field]: other(base[field]) } as FactorInputs;
    expect(sameEntry(base, changed)).toBe(false);
    const absent = { ...base, [field]: undefined } as unknown as FactorInputs;
    if (base[field] !== undefined) expect(sameEntry(base, absent)).toBe(false);
  });

  it('cannot be fooled by free text that looks like a separator', () => {
    const a = { ...base, product: 'a|1:b', kevCve: undefined } as unknown as FactorInputs;
    const b = { ...base, product: 'a', kevCve: 'b' } as unknown as FactorInputs;
    expect(sameEntry(a, b)).toBe(false);
  });

  it('is equal for findings that differ only in what the rules do not read', () => {
    const a = factorInputs(makeFinding({ id: 'securityhub:a', title: 'one' }), kevWith());
    const b = factorInputs(makeFinding({ id: 'securityhub:b', title: 'two' }), kevWith());
    expect(sameEntry(a, b)).toBe(true);
  });
});
