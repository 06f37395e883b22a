/**
 * Finding lives are folded one (asset, finding) entry at a time (LifeTracker), so `secsli review`
 * can stream a run's findings file. A finding on two assets is one life, and what a run says of
 * it is its last entry that is a real finding, else its first — whatever order the entries come
 * in. Hand-computed cases.
 */
import { describe, expect, it } from 'vitest';
import { findingLives, LifeTracker } from '../../src/history/flow.js';
import type { Run } from '../../src/history/load.js';
import type { AssetV1, FindingV1 } from '../../src/history/schema.js';

type Entry = Partial<FindingV1> & { id: string };
const finding = (e: Entry): FindingV1 =>
  ({
    source: 'securityhub',
    kind: 'vulnerability',
    severity: 'high',
    title: 't',
    status: 'open',
    closeReason: null,
    excluded: null,
    firstSeen: '2026-01-01T00:00:00Z',
    closedAt: null,
    slaDays: 30,
    overdue: false,
    cves: [],
    url: null,
    risk: 1,
    knownExploited: false,
    ...e,
  }) as FindingV1;
const asset = (id: string, owner: string, findings: Entry[]): AssetV1 =>
  ({ id, owner, status: 'OK', coverage: [{ source: 'securityhub', status: 'covered', reasons: [] }], findings: findings.map(finding) }) as unknown as AssetV1;
const run = (asOf: string, assets: AssetV1[], partial = false): Run => ({ name: asOf.replaceAll(':', ''), snapshot: { asOf, partial, assets, unmapped: [] } }) as unknown as Run;
const DUP = { kind: 'duplicate', of: 'other' } as FindingV1['excluded'];

describe('finding lives, entry by entry', () => {
  const runs = [
    // X: first a duplicate on A, then the real finding on B (another first-seen): the real one speaks for the run.
    run('2026-02-01T00:00:00Z', [
      asset('a', 'team-a', [{ id: 'X', title: 'dup', excluded: DUP, firstSeen: '2026-01-01T00:00:00Z' }]),
      asset('b', 'team-b', [{ id: 'X', title: 'real', firstSeen: '2026-01-05T00:00:00Z' }]),
    ]),
    // Closed on A (real), still listed as a duplicate on B: closed by the source.
    run('2026-02-08T00:00:00Z', [
      asset('a', 'team-a', [{ id: 'X', title: 'real', status: 'resolved', closedAt: '2026-02-07T00:00:00Z', closeReason: 'fixed' }]),
      asset('b', 'team-b', [{ id: 'X', title: 'dup', excluded: DUP }]),
    ]),
    // Open again on B alone.
    run('2026-02-15T00:00:00Z', [asset('a', 'team-a', []), asset('b', 'team-b', [{ id: 'X', title: 'real again' }])]),
    // Gone from a complete run with both assets covered: closed, as of this run.
    run('2026-02-22T00:00:00Z', [asset('a', 'team-a', []), asset('b', 'team-b', [])]),
  ];

  it('one life for a finding on two assets, judged by its real entry, reopened, then vanished', () => {
    const at = (k: number) => findingLives(runs.slice(0, k)).find((l) => l.id === 'X')!;
    expect(at(1)).toMatchObject({ title: 'real', firstSeen: '2026-01-05T00:00:00Z', closedAt: null, assets: ['a', 'b'], owners: ['team-a', 'team-b'] });
    expect(at(2)).toMatchObject({ title: 'real', closedAt: '2026-02-07T00:00:00Z', closedBy: 'source', closeReason: 'fixed' });
    expect(at(3)).toMatchObject({ title: 'real again', closedAt: null, closedBy: null, closeReason: null });
    expect(at(4)).toMatchObject({ closedAt: '2026-02-22T00:00:00Z', closedBy: 'vanished', closeReason: null, assets: ['a', 'b'] });
  });

  it('a run that lists a closed finding closed again keeps the earlier close', () => {
    const more = [...runs.slice(0, 2), run('2026-02-15T00:00:00Z', [asset('a', 'team-a', [{ id: 'X', status: 'resolved', closedAt: '2026-02-14T00:00:00Z', excluded: DUP }])])];
    expect(findingLives(more).find((l) => l.id === 'X')).toMatchObject({ closedAt: '2026-02-07T00:00:00Z', closedBy: 'source' });
    // Open on A, closed on B (both real): B speaks for the run, and the finding was closed already.
    const mixed = [
      ...runs.slice(0, 2),
      run('2026-02-15T00:00:00Z', [
        asset('a', 'team-a', [{ id: 'X' }]),
        asset('b', 'team-b', [{ id: 'X', status: 'resolved', closedAt: '2026-02-14T00:00:00Z', closeReason: 'again' }]),
      ]),
    ];
    expect(findingLives(mixed).find((l) => l.id === 'X')).toMatchObject({ closedAt: '2026-02-07T00:00:00Z', closedBy: 'source', closeReason: 'fixed' });
  });

  it('only duplicates and passing controls are no life; a partial run closes nothing', () => {
    const dupOnly = [run('2026-02-01T00:00:00Z', [asset('a', 'team-a', [{ id: 'D', excluded: DUP }])])];
    expect(findingLives(dupOnly)).toEqual([]);
    const partial = [runs[0]!, run('2026-02-08T00:00:00Z', [asset('a', 'team-a', []), asset('b', 'team-b', [])], true)];
    expect(findingLives(partial).find((l) => l.id === 'X')!.closedAt).toBeNull();
  });

  it('lives taken mid-way are copies: later runs do not change them', () => {
    const t = new LifeTracker();
    t.add(runs[0]!);
    const before = t.lives();
    t.add(runs[1]!);
    expect(before[0]).toMatchObject({ closedAt: null, title: 'real' });
    expect(t.lives()[0]).toMatchObject({ closedAt: '2026-02-07T00:00:00Z' });
  });
});
