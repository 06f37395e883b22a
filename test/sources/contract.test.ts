/** The adapter contract (contract.ts), run against every registered adapter with its real samples. */
import { describe, expect, it } from 'vitest';
import { asff } from '../../src/sources/asff.js';
import { dependabot } from '../../src/sources/dependabot.js';
import { ADAPTERS, adapterFor } from '../../src/sources/index.js';
import { ocsf } from '../../src/sources/ocsf.js';
import { expectSame, normalizeWithSchema, sourceContract } from './contract.js';
import { alertSamples, asffSamples, ocsfSamples } from './samples.js';
import { mutate } from './variations.js';
import { normalizeWith } from '../../src/sources/index.js';

const samples = new Map<unknown, Record<string, unknown>[]>([
  [asff, asffSamples],
  [ocsf, ocsfSamples],
  [dependabot, alertSamples],
]);
const registered = Object.values(ADAPTERS).flat();

describe('the registry', () => {
  it('lists every adapter once, each under the source it feeds, each with samples here', () => {
    expect(new Set(registered.map((a) => a.id)).size).toBe(registered.length);
    for (const [source, list] of Object.entries(ADAPTERS)) for (const a of list) expect(a.source).toBe(source);
    for (const a of registered) expect(samples.get(a)?.length ?? 0).toBeGreaterThan(0);
  });

  it('sends each sample to its own adapter, and an unrecognised record to the source main format', () => {
    for (const a of registered) for (const r of samples.get(a)!) expect(adapterFor(a.source, r)).toBe(a);
    expect(adapterFor('securityhub', { Id: 'x' })).toBe(asff);
    expect(adapterFor('dependabot', 'x')).toBe(dependabot);
  });
});

for (const adapter of registered) {
  sourceContract({
    adapter,
    samples: samples.get(adapter)!,
    // The ASFF samples hold one record the fast reader leaves to the schema.
    minFastRead: samples.get(adapter)!.length - (adapter === asff ? 1 : 0),
    others: registered.filter((a) => a !== adapter).flatMap((a) => samples.get(a)!),
  });
}

describe('asff: fast = schema on tags and product fields with awkward keys', () => {
  const same = (r: unknown) =>
    expectSame(
      () => normalizeWith(asff, r),
      () => normalizeWithSchema(asff, r),
    );
  it('agrees', () => {
    const base = asffSamples[0]!;
    const tagSets = [
      '{"__proto__":"x","b":"1","a":"2"}',
      '{"10":"ten","2":"two","b":"B","A":"a","é":"e","Z":"z"}',
      '{"constructor":"c","toString":"t"}',
      '{"constructor":{"prototype":{}},"k":"v"}',
      '{"k":1,"j":null,"i":["x"]}',
      '[]',
      '"tags"',
      'null',
      '{}',
    ];
    for (const tags of tagSets) {
      for (const where of [['Resources', '0', 'Tags'], ['ProductFields']]) {
        const r = JSON.parse(JSON.stringify(mutate(base, [[where, 0]])).replace('"' + where.at(-1) + '":0', `"${where.at(-1)}":${tags}`)) as unknown;
        same(r);
      }
    }
    const withSymbol = mutate(base, []) as any;
    withSymbol.Resources[0].Tags = { a: 'b', [Symbol('s')]: 'x' };
    same(withSymbol);
  });
});
