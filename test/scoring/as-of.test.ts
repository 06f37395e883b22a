import { describe, expect, it } from 'vitest';
import { makeAsset, makeFinding, scoreWith } from '../builders.js';

/** A run measures one instant (`--as-of`): what was first seen after it did not exist yet. */

const api = makeAsset({ id: 'api', aws: { accounts: ['111122223333'] } });
// builders' NOW is 2026-11-27T00:00:00Z.
const before = makeFinding({ severity: 'critical', firstSeen: '2026-11-20T00:00:00Z' });
const justAfter = makeFinding({ severity: 'critical', firstSeen: '2026-11-27T00:00:00.001Z', updatedAt: '2026-11-27T00:00:00.001Z' });
const unmappedAfter = makeFinding({ firstSeen: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z', aws: { accountId: '999988887777', resources: [] } });

describe('findings first seen after the as-of', () => {
  const r = scoreWith([before, justAfter, unmappedAfter], [api]);

  it('are in no asset, no unmapped list and no fix, and are counted apart', () => {
    expect(r.assets[0]!.findings.map((s) => s.finding.id)).toEqual([before.id]);
    expect(r.unmapped).toEqual([]);
    expect(r.fixes.flatMap((f) => f.findingIds)).not.toContain(justAfter.id);
    expect(r.afterAsOf).toBe(2);
    expect(r.totalFindings).toBe(3);
  });

  it('score as if they had not been read at all', () => {
    const without = scoreWith([before], [api]);
    expect(r.assets).toEqual(without.assets);
    expect(r.fixes).toEqual(without.fixes);
    expect(without.afterAsOf).toBe(0);
  });

  it('one first seen exactly at the as-of existed then, and counts', () => {
    const at = makeFinding({ firstSeen: '2026-11-27T00:00:00Z', updatedAt: '2026-11-27T00:00:00Z' });
    const s = scoreWith([at], [api]);
    expect(s.afterAsOf).toBe(0);
    expect(s.assets[0]!.findings.map((x) => x.finding.id)).toEqual([at.id]);
  });
});
