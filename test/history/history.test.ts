import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingLives, flow } from '../../src/history/flow.js';
import { loadHistory, type History } from '../../src/history/load.js';
import { buildReview, type Review } from '../../src/history/review.js';
import { resolveWindow } from '../../src/history/window.js';
import type { Logger } from '../../src/log.js';
import { writeRunFolder, writeScenario } from './scenario.js';

/** A quarter of weekly runs (test/history/scenario.ts) read back from disk, checked against hand-computed numbers. */

// biome-ignore lint/suspicious/noExportsInTest: other history tests reuse this logger; moving it would churn their imports for nothing
export function capture(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, progress() {}, error() {}, warn: (m: string) => void warnings.push(m) };
}

let dir: string;
let history: History;
let review: Review;
let log: ReturnType<typeof capture>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secsli-history-'));
  await writeScenario(dir);
  // Damage: a corrupt snapshot, a run folder without one, one from a future schema, all mid-quarter.
  await writeRunFolder(dir, '2026-08-18T000000Z', '{ "schemaVersion": 1, "asOf": ');
  await writeRunFolder(dir, '2026-08-19T000000Z', undefined);
  await writeRunFolder(dir, '2026-08-20T000000Z', JSON.stringify({ schemaVersion: 99, asOf: '2026-08-20T00:00:00Z', assets: [] }));
  // An older-format snapshot: no schemaVersion, no tool, no definitionHash or coverage per asset.
  const path = join(dir, '2026-07-10T000000Z', 'snapshot.json');
  const old = JSON.parse(await readFile(path, 'utf8'));
  delete old.schemaVersion;
  delete old.tool;
  for (const a of old.assets) {
    delete a.definitionHash;
    delete a.coverage;
  }
  await writeFile(path, JSON.stringify(old));
  log = capture();
  history = await loadHistory(dir, log, { findings: true });
  review = buildReview(history, resolveWindow(history.runs));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('reading history', () => {
  it('skips broken runs with a warning naming the folder, and reads the rest', () => {
    expect(history.runs).toHaveLength(14);
    expect(history.skipped.map((s) => s.name)).toEqual(['2026-08-18T000000Z', '2026-08-19T000000Z', '2026-08-20T000000Z']);
    expect(history.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/corrupt JSON/),
      'no snapshot.json',
      expect.stringMatching(/unsupported schemaVersion 99.*newer secsli/),
    ]);
    expect(log.warnings.filter((w) => w.startsWith('skipping run 2026-08-1'))).toHaveLength(2);
    expect(log.warnings).toContain('run 2026-07-10T000000Z: no schemaVersion; read as version 1');
  });

  it('defaults to the last full quarter before the latest run', () => {
    expect(review.window).toMatchObject({ from: '2026-07-01', to: '2026-09-30', label: '2026-Q3' });
    expect(review.runs).toHaveLength(13);
  });
});

describe('SLO attainment (share of runs)', () => {
  const row = (id: string) => review.attainment.find((a) => a.assetId === id)!;

  it('pay: risk SLO missed in 4 of 13 runs (P2 on 08-07, P3 from 09-11)', () => {
    const pay = row('pay');
    expect(pay.observations.filter((o) => o.verdict === 'bad').map((o) => o.asOf.slice(0, 10))).toEqual(['2026-08-07', '2026-09-11', '2026-09-18', '2026-09-25']);
    expect(pay.risk).toEqual({ met: 9, valid: 13, share: 9 / 13 });
    expect(pay.remediation).toEqual({ met: 13, valid: 13, share: 1 });
    expect(pay.good.share).toBeCloseTo(9 / 13, 12);
    expect(pay.allowedBad).toBeCloseTo(1.3, 12);
    expect(pay.budgetLeft).toBeCloseTo(1 - 4 / 1.3, 12);
    expect(pay.burnWindow).toBeCloseTo(4 / 13 / 0.1, 12);
    // Last 28 days: runs 09-04, 09-11, 09-18, 09-25; three bad.
    expect(pay.recentRuns).toBe(4);
    expect(pay.burnRecent).toBeCloseTo(7.5, 12);
  });

  it('batch: two unknown runs left out; remediation SLO missed once B2 is overdue', () => {
    const batch = row('batch');
    expect(batch.unknownRuns).toBe(2);
    expect(batch.risk).toEqual({ met: 11, valid: 11, share: 1 });
    // Remediation events: the runs where B2 is the only event are missed (findings not yet due are
    // no events, so they no longer dilute an overdue one). B2 is due 08-28: the run as of that
    // instant does not see it late yet, the 09-04 run does.
    expect(batch.remediation).toEqual({ met: 7, valid: 11, share: 7 / 11 });
    expect(batch.budgetLeft).toBeCloseTo(1 - 4 / 1.1, 12);
    expect(batch.burnRecent).toBeCloseTo(10, 12);
  });

  it('web: every run good; owners pool their asset-runs', () => {
    expect(row('web').good).toEqual({ met: 13, valid: 13, share: 1 });
    expect(row('web').budgetLeft).toBe(1);
    expect(review.owners.map((o) => [o.owner, o.good.met, o.good.valid])).toEqual([
      ['team-pay', 9, 13],
      ['team-web', 20, 24],
    ]);
  });
});

describe('flow and MTTR', () => {
  it('counts new and closed per severity; false positives closed but not in MTTR', () => {
    const sev = Object.fromEntries(review.flow.bySeverity.map((f) => [f.key, f]));
    expect(sev.critical).toMatchObject({ opened: 2, closed: 2, falsePositives: 0, mttrN: 2 });
    expect(sev.critical!.mttrDays).toBeCloseTo(5, 12); // P2 6 d, W3 4 d
    expect(sev.high).toEqual({ key: 'high', opened: 1, closed: 1, falsePositives: 1, mttrDays: null, mttrN: 0 });
    expect(sev.medium).toMatchObject({ opened: 1, closed: 1, mttrDays: 20 });
    // W4 vanished from the export: closed at the first run without it (08-28), 27 days after first seen.
    expect(sev.low).toMatchObject({ opened: 1, closed: 1, mttrDays: 27 });
    expect(sev.info).toMatchObject({ opened: 0, closed: 0, mttrDays: null });
  });

  it('per owner and per month', () => {
    expect(review.flow.byOwner).toEqual([
      { key: 'team-pay', opened: 2, closed: 1, falsePositives: 0, mttrDays: 6, mttrN: 1 },
      { key: 'team-web', opened: 3, closed: 4, falsePositives: 1, mttrDays: 17, mttrN: 3 },
    ]);
    expect(review.flow.byMonth).toEqual([
      { month: '2026-07', opened: 1, closed: 2 },
      { month: '2026-08', opened: 2, closed: 2 },
      { month: '2026-09', opened: 2, closed: 1 },
    ]);
  });

  it('a finding that disappears from a run where its asset is not covered is not closed', () => {
    const runs = history.runs.slice(0, 8); // …, 08-07, 08-14 (batch gap)
    const gone = runs.map((r) => ({
      ...r,
      snapshot: { ...r.snapshot, assets: r.snapshot.assets.map((a) => (a.id === 'batch' && a.coverage?.some((c) => c.status === 'gap') ? { ...a, findings: [] } : a)) },
    }));
    const b1 = findingLives(gone).find((l) => l.id === 'dependabot:acme/batch#B1')!;
    expect(b1.closedAt).toBeNull();
    expect(flow(findingLives(gone), review.window).bySeverity.find((f) => f.key === 'low')!.closed).toBe(0);
  });
});

describe('movers, coverage, owners', () => {
  it('top movers from the first to the last run of the window, with attribution', () => {
    expect(review.moversUp.map((m) => [m.assetId, m.delta, m.parts.newFindings])).toEqual([['pay', 10, 10]]);
    expect(review.moversDown.map((m) => [m.assetId, m.delta, m.parts.fixed])).toEqual([['web', -5, -5]]);
  });

  it('coverage over time: batch unknown in 2 runs, 14 days', () => {
    expect(review.coverage).toEqual([
      expect.objectContaining({ assetId: 'batch', gapRuns: 2, gapDays: 14, longestStreak: 2, ongoing: false, firstGap: '2026-08-14T00:00:00.000Z' }),
    ]);
    expect(review.coverage[0]!.reasons[0]).toMatch(/disabled/);
  });

  it('overdue at the last run and exceptions expiring next quarter', () => {
    expect(review.overdue.map((o) => [o.findingId, o.owner, Math.round(o.daysOverdue!)])).toEqual([['dependabot:acme/batch#B2', 'team-web', 28]]);
    expect(review.nextQuarter).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(review.expiring.map((e) => [e.id, e.owner])).toEqual([['RA-1', 'team-web']]);
  });
});
