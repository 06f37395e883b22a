/**
 * What the review says of deadlines and ages stops at the window's last run, not at its end:
 * nobody looked after it. A deadline after the last run is not decided (neither met nor missed):
 * the first run after it decides it, for the window that run is in, so each deadline counts once
 * quarter after quarter. An open finding's age is taken at the last run (a lower bound). A close
 * that a later run reports with a closed-at inside the window is the window's. The previous-quarter
 * column follows the same rule: it is that quarter's own review.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../../scripts/gen-history.js';
import { type History, loadHistory, type Run } from '../../src/history/load.js';
import { renderReviewCsvs } from '../../src/history/review-csv.js';
import { reviewFiles } from '../../src/history/review-files.js';
import { streamReview } from '../../src/history/review-stream.js';
import { buildReview, type Review } from '../../src/history/review.js';
import { parseSnapshot } from '../../src/history/schema.js';
import { makeWindow, resolveWindow } from '../../src/history/window.js';
import { silentLogger } from '../../src/log.js';
import { fsRunStore } from '../../src/store/fs.js';

const DAY = 86_400_000;
const day = (d: string) => `${d}T00:00:00.000Z`;

interface Spec {
  id: string;
  severity: string;
  firstSeen: string;
  slaDays: number;
  /** Listed closed (at `closedAt`) from the run as of `reportedAt` on; open before it. */
  closedAt?: string;
  reportedAt?: string;
  /** The run's own deadline (it ages the finding from another source's earlier sighting); listed overdue once past it. */
  dueAt?: string;
  /** A detection: an incident, measured by response time (the run's entry is excluded as one while open, as closed once closed). */
  incident?: boolean;
}

function run(asOf: string, specs: Spec[]): Run {
  const t = Date.parse(day(asOf));
  const findings = specs
    .filter((s) => Date.parse(day(s.firstSeen)) <= t)
    .map((s) => {
      const closed = s.reportedAt !== undefined && Date.parse(day(s.reportedAt)) <= t;
      return {
        id: s.id,
        severity: s.severity,
        title: s.id,
        status: closed ? 'fixed' : 'open',
        firstSeen: day(s.firstSeen),
        slaDays: s.slaDays,
        closedAt: closed ? day(s.closedAt!) : null,
        ...(s.dueAt ? { dueAt: day(s.dueAt), ageFrom: 'dependabot:acme/app#1', overdue: !closed && t > Date.parse(day(s.dueAt)) } : {}),
        // As secsli writes them: an open detection is excluded as an incident, a closed one as closed.
        ...(s.incident ? { kind: 'threat', excluded: closed ? { kind: 'closed', status: 'fixed' } : { kind: 'incident' } } : {}),
      };
    });
  const asset = { id: 'a', owner: 'team-a', status: 'OK', risk: 0, budget: 10, coverage: [{ source: 'dependabot', status: 'covered', reasons: [] }], findings };
  const r = parseSnapshot(JSON.stringify({ schemaVersion: 1, asOf: day(asOf), assets: [asset] }));
  if (!r.ok) throw new Error(r.reason);
  return { name: `${asOf}T000000Z`, snapshot: r.snapshot } as Run;
}

const weekly = (from: string, n: number) => Array.from({ length: n }, (_, k) => new Date(Date.parse(day(from)) + 7 * k * DAY).toISOString().slice(0, 10));

const SPECS: Spec[] = [
  // Due 09-27, after Q3's last run (09-25); the 10-02 run reports it fixed on 09-26: on time, in Q3.
  { id: 'E', severity: 'high', firstSeen: '2026-08-28', slaDays: 30, closedAt: '2026-09-26', reportedAt: '2026-10-02' },
  // Due 09-29, never fixed: Q3's runs cannot see it missed; the 10-02 run does, for Q4.
  { id: 'G', severity: 'medium', firstSeen: '2026-08-30', slaDays: 30 },
  // Due 10-31, after Q4's last run (10-09): Q4 cannot tell yet.
  { id: 'H', severity: 'low', firstSeen: '2026-09-01', slaDays: 60 },
  // Due 09-11, fixed on 09-20 (seen by 09-25): missed, in Q3.
  { id: 'M', severity: 'low', firstSeen: '2026-09-04', slaDays: 7, closedAt: '2026-09-20', reportedAt: '2026-09-25' },
];
// Q3: 07-03 … 09-25 (13 runs); Q4: 10-02 and 10-09 only.
const RUNS = [...weekly('2026-07-03', 13), '2026-10-02', '2026-10-09'].map((d) => run(d, SPECS));
const history = { dir: '.', runs: RUNS, skipped: [] } as unknown as History;
const Q3 = makeWindow(Date.parse('2026-07-01T00:00:00Z'), Date.parse('2026-10-01T00:00:00Z'));
const Q4 = makeWindow(Date.parse('2026-10-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'));
const sev = (r: Review, s: string) => r.figures!.deadlines.find((d) => d.severity === s)!;
const mttr = (r: Review, s: string) => r.figures!.mttr.find((m) => m.severity === s)!;

describe('deadlines and ages stop at the last run of the window', () => {
  const q3 = buildReview(history, Q3);
  const q4 = buildReview(history, Q4);

  it('a deadline after the last run is not decided: neither met nor missed; the next run decides it, for its own window', () => {
    expect(sev(q3, 'medium')).toEqual({ severity: 'medium', events: 0, inTime: 0, undecided: 1 });
    expect(sev(q4, 'medium')).toEqual({ severity: 'medium', events: 1, inTime: 0, undecided: 0 });
    // H is due 10-31, after Q4's last run: nobody has seen it missed.
    expect(sev(q4, 'low')).toEqual({ severity: 'low', events: 0, inTime: 0, undecided: 1 });
    expect(sev(q3, 'low')).toEqual({ severity: 'low', events: 1, inTime: 0, undecided: 0 });
    // Every deadline counted once, over the two quarters.
    const events = (r: Review) => r.figures!.deadlinesAll.events;
    expect(events(q3) + events(q4)).toBe(3); // E, M in Q3; G in Q4; H not yet
  });

  it('a close a later run reports inside the window is the window’s: on time, in its flow and lifecycle.csv, and in no other', () => {
    expect(sev(q3, 'high')).toEqual({ severity: 'high', events: 1, inTime: 1, undecided: 0 });
    expect(sev(q4, 'high')).toMatchObject({ events: 0, inTime: 0 });
    expect(q3.flow.bySeverity.find((f) => f.key === 'high')).toMatchObject({ closed: 1, mttrN: 1, mttrDays: 29 });
    const lifecycle = (r: Review) => renderReviewCsvs(r)['lifecycle.csv']!.split('\n');
    expect(lifecycle(q3).filter((l) => l.startsWith('E,'))).toEqual([expect.stringContaining(',2026-09-26T00:00:00.000Z,source,,29')]);
    expect(lifecycle(q4).filter((l) => l.startsWith('E,'))).toEqual([]);
    expect(mttr(q3, 'high')).toEqual({ severity: 'high', days: 29, closed: 1, open: 0 });
  });

  it('an open finding is aged to the last run (a lower bound), not to the window’s end', () => {
    // G first seen 08-30: 26 days at 09-25 in Q3; 40 days at 10-09 in Q4 (not 124 days to 01-01).
    expect(mttr(q3, 'medium')).toEqual({ severity: 'medium', days: 26, closed: 0, open: 1 });
    expect(mttr(q4, 'medium')).toEqual({ severity: 'medium', days: 40, closed: 0, open: 1 });
    // Low in Q3: M closed after 16 days, H open 24 days at 09-25.
    expect(mttr(q3, 'low')).toEqual({ severity: 'low', days: 20, closed: 1, open: 1 });
  });

  it('the previous-quarter column is that quarter reviewed on its own', () => {
    expect(q4.previous).toEqual(q3.figures);
  });
});

describe('the run’s own deadline, and incidents', () => {
  const specs: Spec[] = [
    // First seen 08-01 by Dependabot, but Inspector reported the same vulnerability earlier: the run set its deadline at 08-20, not 09-30.
    { id: 'D', severity: 'high', firstSeen: '2026-08-01', slaDays: 60, dueAt: '2026-08-20' },
    // A detection, open all quarter then resolved: its response time is the incident SLO's, never a remediation deadline.
    { id: 'I', severity: 'low', firstSeen: '2026-06-11', slaDays: 180, closedAt: '2026-08-10', reportedAt: '2026-08-14', incident: true },
    { id: 'J', severity: 'low', firstSeen: '2026-07-05', slaDays: 30, incident: true },
  ];
  const runs = weekly('2026-07-03', 13).map((d) => run(d, specs));
  const q3 = buildReview({ dir: '.', runs, skipped: [] } as unknown as History, Q3);

  it('a deadline is the one the run set (dueAt), in the on-time figures and in days past deadline', () => {
    // Due 08-20, still open at 09-25: missed, in Q3 (first seen + 60 days would be 09-30: not yet due).
    expect(sev(q3, 'high')).toEqual({ severity: 'high', events: 1, inTime: 0, undecided: 0 });
    expect(q3.overdue.map((o) => [o.findingId, o.daysOverdue])).toEqual([['D', 36]]);
  });

  it('an incident is no finding to fix: not in the flow, the deadlines, the ages or lifecycle.csv', () => {
    expect(sev(q3, 'low')).toEqual({ severity: 'low', events: 0, inTime: 0, undecided: 0 });
    expect(mttr(q3, 'low')).toEqual({ severity: 'low', days: null, closed: 0, open: 0 });
    expect(q3.flow.bySeverity.find((f) => f.key === 'low')).toMatchObject({ opened: 0, closed: 0 });
    expect(
      renderReviewCsvs(q3)
        ['lifecycle.csv']!.split('\n')
        .filter((l) => /^[IJ],/.test(l)),
    ).toEqual([]);
  });
});

describe('gen-history seed 4 (the reviewer’s repro)', () => {
  let dir: string;
  let whole: History;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secsli-deadlines-'));
    await generateHistory({ out: join(dir, 'h'), seed: 4 });
    whole = await loadHistory(join(dir, 'h'), silentLogger, { findings: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const streamed = async (from?: string, to?: string) => {
    const at = join(dir, 'h');
    const summaries = await loadHistory(at, silentLogger, { findings: false });
    return (await streamReview(fsRunStore(at), summaries, (rs) => resolveWindow(rs, from, to), silentLogger)).review;
  };

  it('Q4 has one run (10-02): none of the deadlines after it is missed, and ages stop there', async () => {
    const q4 = buildReview(whole, resolveWindow(whole.runs, '2026-10-01', '2026-12-31'));
    expect(q4.runs.map((r) => r.name)).toEqual(['2026-10-02T000000Z']);
    expect(q4.figures!.deadlinesAll).toMatchObject({ events: 0, inTime: 0, undecided: 15 });
    const last = Date.parse('2026-10-02T00:00:00Z');
    // No open finding is older at 10-02 than its age there.
    const oldest = Math.max(...q4.flow.lives.filter((l) => l.closedAt === null).map((l) => (last - Date.parse(l.firstSeen)) / DAY));
    for (const m of q4.figures!.mttr) if (m.days !== null) expect(m.days).toBeLessThanOrEqual(oldest);
    expect(reviewFiles(await streamed('2026-10-01', '2026-12-31'))).toEqual(reviewFiles(q4));
  });

  it('Q3: identity#50, due 09-27 and open at the last run (09-25), fixed on 09-26 as the 10-02 run says, is on time in Q3', async () => {
    const q3 = buildReview(whole, resolveWindow(whole.runs));
    expect(q3.window.label).toBe('2026-Q3');
    const csv = renderReviewCsvs(q3)['lifecycle.csv']!;
    expect(csv.split('\n').find((l) => l.startsWith('dependabot:acme/identity#50,'))).toMatch(/,2026-09-26T00:00:00\.000Z,source,/);
    expect(q3.figures!.deadlines.find((d) => d.severity === 'high')).toMatchObject({ inTime: 9, events: 10 });
    expect(reviewFiles(await streamed())).toEqual(reviewFiles(q3));
    // Q2 compared with in Q3's pack is Q2's own review.
    const q2 = buildReview(whole, resolveWindow(whole.runs, '2026-04-01', '2026-06-30'));
    expect(q3.previous).toEqual(q2.figures);
  });
});
