/**
 * Finding lives are folded one (asset, finding) entry at a time (LifeTracker), so `secsli review`
 * can stream a run's findings file. A finding on two assets is one life, and what a run says of
 * it is its last entry that is a real finding, else its first — whatever order the entries come
 * in. Hand-computed cases.
 */
import { describe, expect, it } from 'vitest';
import { findingLives, flow, LifeTracker, windowLives } from '../../src/history/flow.js';
import type { History, Run } from '../../src/history/load.js';
import { buildReview, NEXT_ACTIONS_PER_OWNER, OVERDUE_LISTED_PER_OWNER, type Review, ReviewFolds } from '../../src/history/review.js';
import { ownerFileNames, renderOwnerHtml } from '../../src/history/review-html-owner.js';
import { renderOwnerMarkdown } from '../../src/history/review-owners.js';
import { quarterFigures } from '../../src/history/quarter.js';
import { makeWindow, resolveWindow } from '../../src/history/window.js';
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
    dueAt: null,
    overdue: false,
    cves: [],
    url: null,
    risk: 1,
    knownExploited: false,
    ...e,
  }) as FindingV1;
const asset = (id: string, owner: string, findings: Entry[]): AssetV1 =>
  ({ id, owner, status: 'OK', coverage: [{ source: 'securityhub', status: 'covered', reasons: [] }], findings: findings.map(finding) }) as unknown as AssetV1;
const run = (asOf: string, assets: AssetV1[], partial = false): Run =>
  ({ name: asOf.replaceAll(':', ''), snapshot: { asOf, partial, assets, unmapped: [], exceptions: [] } }) as unknown as Run;
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

  it('an owner renamed (or an asset handed over): the finding moves to the new owner, counted once in the per-owner flow', () => {
    const renamed = [
      run('2026-02-01T00:00:00Z', [asset('a', 'payments', [{ id: 'R', firstSeen: '2026-01-20T00:00:00Z' }])]),
      run('2026-02-08T00:00:00Z', [asset('a', 'payments-platform', [{ id: 'R', firstSeen: '2026-01-20T00:00:00Z' }])]),
      run('2026-02-15T00:00:00Z', [asset('a', 'payments-platform', [{ id: 'R', status: 'resolved', closedAt: '2026-02-14T00:00:00Z', closeReason: 'fixed' }])]),
    ];
    const life = findingLives(renamed).find((l) => l.id === 'R')!;
    expect(life.owners).toEqual(['payments-platform']);
    // Closed before the rename: it stays with the owner who had it.
    expect(findingLives(renamed.slice(0, 1))[0]!.owners).toEqual(['payments']);
    const q1 = makeWindow(Date.UTC(2026, 0, 1), Date.UTC(2026, 3, 1));
    const byOwner = flow(windowLives(renamed, q1.endMs), q1).byOwner;
    expect(byOwner.map((o) => [o.key, o.opened, o.closed])).toEqual([['payments-platform', 1, 1]]);
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

  it('a finding gone while its asset was not measured waits for the next complete run that measures it, however many runs later', () => {
    const gap = (id: string, owner: string) =>
      ({ ...asset(id, owner, []), status: 'UNKNOWN', coverage: [{ source: 'securityhub', status: 'gap', reasons: [] }] }) as unknown as AssetV1;
    const seen = run('2026-03-01T00:00:00Z', [asset('a', 'team-a', [{ id: 'G' }])]);
    const later = [
      run('2026-03-08T00:00:00Z', [gap('a', 'team-a')]), // UNKNOWN: nobody looked
      run('2026-03-15T00:00:00Z', [asset('a', 'team-a', [])], true), // PARTIAL
      run('2026-03-22T00:00:00Z', [asset('a', 'team-a', [])]), // measured, and it is gone
    ];
    const at = (k: number) => findingLives([seen, ...later.slice(0, k)]).find((l) => l.id === 'G')!;
    expect(at(1)).toMatchObject({ closedAt: null, leftAt: null });
    expect(at(2)).toMatchObject({ closedAt: null, leftAt: null });
    expect(at(3)).toMatchObject({ closedAt: '2026-03-22T00:00:00Z', closedBy: 'vanished' });
    // Listed again on the way: it is judged from its last sighting.
    const back = [seen, later[0]!, run('2026-03-15T00:00:00Z', [asset('a', 'team-a', [{ id: 'G' }])]), later[2]!];
    expect(findingLives(back).find((l) => l.id === 'G')).toMatchObject({ closedAt: '2026-03-22T00:00:00Z', closedBy: 'vanished' });
  });

  it('a finding whose assets left the inventory has left: not closed, not open, and back when they are', () => {
    const seen = run('2026-03-01T00:00:00Z', [asset('a', 'team-a', [{ id: 'L', severity: 'critical', slaDays: 7 }]), asset('b', 'team-b', [])]);
    const gone = run('2026-03-05T00:00:00Z', [asset('b', 'team-b', [])]);
    const lives = findingLives([seen, gone, run('2026-03-12T00:00:00Z', [asset('b', 'team-b', [])])]);
    expect(lives.find((l) => l.id === 'L')).toMatchObject({ closedAt: null, closedBy: null, leftAt: '2026-03-05T00:00:00Z' });
    const back = findingLives([seen, gone, run('2026-03-19T00:00:00Z', [asset('a', 'team-a', [{ id: 'L', severity: 'critical', slaDays: 7 }])])]);
    expect(back.find((l) => l.id === 'L')).toMatchObject({ closedAt: null, leftAt: null });
    // On two assets, one of them dropped: the other, measured, no longer lists it: fixed.
    const two = run('2026-03-01T00:00:00Z', [asset('a', 'team-a', [{ id: 'T' }]), asset('b', 'team-b', [{ id: 'T' }])]);
    expect(findingLives([two, gone]).find((l) => l.id === 'T')).toMatchObject({ closedAt: '2026-03-05T00:00:00Z', closedBy: 'vanished', leftAt: null });
  });

  it('the quarter counts a finding that left neither as open at its end nor as a missed deadline it was not yet due for', () => {
    const seen = run('2026-01-05T00:00:00Z', [asset('a', 'team-a', [{ id: 'L', severity: 'critical', slaDays: 30, firstSeen: '2026-01-01T00:00:00Z' }]), asset('b', 'team-b', [])]);
    const gone = run('2026-01-12T00:00:00Z', [asset('b', 'team-b', [])]);
    const runs = [seen, gone];
    const history = { dir: '.', runs, skipped: [] } as History;
    const q1 = makeWindow(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-04-01T00:00:00Z'));
    const f = quarterFigures(history, q1, findingLives(runs))!;
    expect(f.mttr.find((m) => m.severity === 'critical')).toMatchObject({ days: null, open: 0, closed: 0 });
    expect(f.deadlines.find((d) => d.severity === 'critical')).toMatchObject({ events: 0, inTime: 0 });
    // Left after its deadline: the miss stands (it was overdue while declared).
    const late = [seen, run('2026-02-09T00:00:00Z', [asset('b', 'team-b', [])])];
    const g = quarterFigures({ dir: '.', runs: late, skipped: [] } as History, q1, findingLives(late))!;
    expect(g.deadlines.find((d) => d.severity === 'critical')).toMatchObject({ events: 1, inTime: 0 });
    expect(g.mttr.find((m) => m.severity === 'critical')).toMatchObject({ open: 0 });
  });

  it('a close that a run after the window reports inside it is the window’s; one after it, a silent disappearance or a finding gone with its asset is not', () => {
    const endMs = Date.parse('2026-04-01T00:00:00Z');
    const open = (id: string) => ({ id, firstSeen: '2026-03-01T00:00:00Z' });
    const closed = (id: string, closedAt: string) => ({ ...open(id), status: 'fixed', closedAt, closeReason: 'fixed' });
    const last = run('2026-03-27T00:00:00Z', [asset('a', 'team-a', [open('IN'), open('AFTER'), open('SILENT'), open('REOPENED')]), asset('b', 'team-b', [open('LEFT')])]);
    const gone = run('2026-03-28T00:00:00Z', [asset('a', 'team-a', [open('IN'), open('AFTER'), open('SILENT'), open('REOPENED')])]);
    const next = run('2026-04-03T00:00:00Z', [
      asset('a', 'team-a', [closed('IN', '2026-03-30T00:00:00Z'), closed('AFTER', '2026-04-02T00:00:00Z'), closed('REOPENED', '2026-03-29T00:00:00Z')]),
      asset('b', 'team-b', [closed('LEFT', '2026-03-30T00:00:00Z')]),
    ]);
    const again = run('2026-04-10T00:00:00Z', [asset('a', 'team-a', [open('REOPENED')])]);
    const lives = windowLives([last, gone, next, again], endMs);
    const of = (id: string) => lives.find((l) => l.id === id)!;
    expect(of('IN')).toMatchObject({ closedAt: '2026-03-30T00:00:00Z', closedBy: 'source', closeReason: 'fixed' });
    expect(of('AFTER')).toMatchObject({ closedAt: null });
    expect(of('SILENT')).toMatchObject({ closedAt: null });
    // Reopened after the window: the close inside it stands (the reopening is the next window's).
    expect(of('REOPENED')).toMatchObject({ closedAt: '2026-03-29T00:00:00Z' });
    // Its asset left the inventory at 03-28: it has left, not been fixed.
    expect(of('LEFT')).toMatchObject({ closedAt: null, leftAt: '2026-03-28T00:00:00Z' });
    // Without the later runs, the same lives as before; and the folds agree.
    expect(windowLives([last, gone], endMs)).toEqual(findingLives([last, gone]));
    const w = makeWindow(Date.parse('2026-01-01T00:00:00Z'), endMs);
    const folds = new ReviewFolds(w, [last, gone]);
    for (const r of [last, gone, next, again]) folds.add(r);
    expect(folds.lives()).toEqual(lives);
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

describe("the last run's lists, kept as the entries pass", () => {
  it('each owner’s first overdue findings and next actions, as sorting them all would give, and every overdue one counted', () => {
    // Two owners, three assets, 90 findings in an order unlike the lists' (ids descending, lateness mixed).
    const entries = (assetIdx: number): Entry[] =>
      Array.from({ length: 30 }, (_, i) => ({
        id: `f${String(99 - i).padStart(2, '0')}-${assetIdx}`,
        overdue: i % 3 !== 0,
        firstSeen: `2026-0${1 + ((i * 7 + assetIdx) % 5)}-01T00:00:00Z`,
        slaDays: 10 + ((i * 13) % 17),
        risk: (i * 37) % 11,
        contribution: (i * 37) % 11,
        ...(i % 10 === 9 ? { status: 'resolved', closedAt: '2026-06-01T00:00:00Z' } : {}),
      }));
    const assets = [asset('a', 'team-x', entries(0)), asset('b', 'team-x', entries(1)), asset('c', 'team-y', entries(2))];
    const last = run('2026-06-30T00:00:00Z', assets);
    const w = resolveWindow([last], '2026-04-01', '2026-06-30');
    const folds = new ReviewFolds(w, [last]);
    folds.add(last);

    const all = assets.flatMap((a) => a.findings.map((f) => ({ a, f })));
    const overdue = all
      .filter(({ f }) => f.overdue)
      .map(({ a, f }) => ({ assetId: a.id, owner: a.owner, findingId: f.id, days: (Date.parse(last.snapshot.asOf) - Date.parse(f.firstSeen!)) / 86_400_000 - f.slaDays! }))
      .sort((x, y) => y.days - x.days || (x.assetId < y.assetId ? -1 : x.assetId > y.assetId ? 1 : 0) || (x.findingId < y.findingId ? -1 : 1));
    const firstOf = <T extends { owner: string }>(list: T[], n: number) => {
      const seen = new Map<string, number>();
      return list.filter((x) => (seen.set(x.owner, (seen.get(x.owner) ?? 0) + 1).get(x.owner) ?? 0) <= n);
    };
    expect(folds.overdue.map((o) => [o.owner, o.assetId, o.findingId])).toEqual(firstOf(overdue, OVERDUE_LISTED_PER_OWNER).map((o) => [o.owner, o.assetId, o.findingId]));
    expect(folds.overdue.filter((o) => o.owner === 'team-x')).toHaveLength(OVERDUE_LISTED_PER_OWNER);
    expect(Object.fromEntries(folds.overdueCount.byOwner)).toEqual({ 'team-x': 40, 'team-y': 20 });
    expect(Object.fromEntries(folds.overdueCount.byAsset)).toEqual({ a: 20, b: 20, c: 20 });

    const open = all
      .filter(({ f }) => f.status === 'open')
      .map(({ a, f }) => ({ owner: a.owner, assetId: a.id, findingId: f.id, overdue: f.overdue, c: f.contribution! }))
      .sort((x, y) => Number(y.overdue) - Number(x.overdue) || y.c - x.c || (x.assetId < y.assetId ? -1 : x.assetId > y.assetId ? 1 : 0) || (x.findingId < y.findingId ? -1 : 1));
    expect(folds.nextActions.map((n) => [n.owner, n.assetId, n.findingId])).toEqual(firstOf(open, NEXT_ACTIONS_PER_OWNER).map((n) => [n.owner, n.assetId, n.findingId]));

    // The pages list those and say where the rest are.
    const review = buildReview({ runs: [last], skipped: [] } as unknown as History, w);
    expect(renderOwnerMarkdown(review, 'team-x')).toContain('…and 20 more (findings.csv of run 2026-06-30T000000Z lists them all, column `overdue`).');
    expect(renderOwnerHtml(review, 'team-x')).toContain('40 finding(s) past deadline');
    expect(renderOwnerHtml(review, 'team-y')).toContain('<p class="sub">1 asset(s); 20 finding(s) past deadline');
    expect(renderOwnerHtml(review, 'team-y')).not.toContain('more (findings.csv');
  });
});

describe('owner file names', () => {
  const names = (...owners: string[]) => ownerFileNames({ attainment: owners.map((owner) => ({ owner })) } as unknown as Review);
  it('a name already safe is its own file name; one folding onto it gets a suffix of its own, whatever the other owners are', () => {
    const both = names('Team-X', 'team-x');
    expect(both.get('team-x')).toBe('team-x');
    expect(both.get('Team-X')).toMatch(/^team-x-[0-9a-f]{8}$/);
    expect(names('Team-X', 'team-x', 'Team X').get('Team-X')).toBe(both.get('Team-X'));
    expect(names('Team-X').get('Team-X')).toBe('team-x');
    expect(names('Team/../../etc').get('Team/../../etc')).toBe('team-..-..-etc');
    expect([...names('b', 'a', 'B').keys()]).toEqual(['B', 'a', 'b']);
  });
});
