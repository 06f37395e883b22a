/**
 * SLO attainment counts a run in which the asset was BREACHED as bad, whatever rule set that
 * status: a known-exploited finding past its deadline breaches an asset well within its budget and
 * on target for remediation, and such runs used to count as good (attainment, error budget, burn
 * rate). UNKNOWN runs stay unmeasured. Hand-built snapshots, read through the snapshot reader.
 */
import { describe, expect, it } from 'vitest';
import type { History, Run } from '../../src/history/load.js';
import { renderReviewCsvs } from '../../src/history/review-csv.js';
import { renderOwnerMarkdown } from '../../src/history/review-owners.js';
import { buildReview } from '../../src/history/review.js';
import { parseSnapshot } from '../../src/history/schema.js';
import { attainment } from '../../src/history/slo.js';
import { makeWindow } from '../../src/history/window.js';

const covered = [{ source: 'dependabot', status: 'covered', reasons: [] }];
const gap = [{ source: 'dependabot', status: 'gap', reasons: ['Dependabot alerts are disabled'] }];
const OK = { status: 'OK', statusReason: 'within targets', statusReasons: [], coverage: covered };
/** Within budget (20 %), remediation SLI above target, and BREACHED: a known-exploited finding is past its deadline. */
const KEV = {
  status: 'BREACHED',
  statusReason: 'known exploited past due',
  statusReasons: ['1 known-exploited finding(s) past deadline'],
  coverage: covered,
};

function run(asOf: string, status: object, extra: object = {}): Run {
  const asset = { id: 'k', owner: 'team-k', criticality: 'low', risk: 2, budget: 10, budgetUsed: 0.2, remediation: { sli: 0.95, target: 0.9 }, ...status, ...extra };
  const r = parseSnapshot(JSON.stringify({ schemaVersion: 1, asOf, assets: [asset] }));
  if (!r.ok) throw new Error(r.reason);
  return { name: asOf.replaceAll(':', '').replace('.000', ''), snapshot: r.snapshot } as Run;
}

const Q1 = makeWindow(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-04-01T00:00:00Z'));
const weeks = (n: number) => Array.from({ length: n }, (_, k) => new Date(Date.parse('2026-01-02T00:00:00Z') + k * 7 * 86_400_000).toISOString());

describe('a BREACHED run is a bad run, whatever rule breached it', () => {
  // 10 weekly runs: OK, OK, then BREACHED by a known-exploited finding past due in the last 8.
  const runs = weeks(10).map((t, k) => run(t, k < 2 ? OK : KEV));

  it('counts in attainment, error budget and burn rate though both SLOs were met', () => {
    const [k] = attainment(runs, Q1);
    expect(k!.risk).toEqual({ met: 10, valid: 10, share: 1 });
    expect(k!.remediation).toEqual({ met: 10, valid: 10, share: 1 });
    expect(k!.good).toEqual({ met: 2, valid: 10, share: 0.2 });
    expect(k!.badRuns).toBe(8);
    expect(k!.breachedRuns).toBe(8);
    expect(k!.budgetLeft).toBeCloseTo(1 - 8 / 1, 12);
    expect(k!.burnWindow).toBeCloseTo(0.8 / 0.1, 12);
    expect(k!.observations.map((o) => o.verdict)).toEqual(['good', 'good', ...Array(8).fill('bad')]);
    expect(k!.observations.at(-1)).toMatchObject({ breached: true, breachedBy: 'known-exploited past deadline' });
  });

  it('says so, and why, in the owner section and the CSVs', () => {
    const review = buildReview({ runs, skipped: [] } as unknown as History, Q1);
    expect(renderOwnerMarkdown(review, 'team-k')).toContain(
      '- **k** BREACHED in 8 of 10 measured runs (known-exploited past deadline), 2026-01-16 … 2026-03-06; last run: BREACHED.',
    );
    const csv = renderReviewCsvs(review);
    expect(csv['budget-history.csv']!.split('\n').at(-2)).toMatch(/,BREACHED,.*,true,bad,known-exploited past deadline$/);
    expect(csv['attainment.csv']!.split('\n')[1]).toMatch(/^k,team-k,low,10,10,0,8,10,10,100,10,10,100,20,.*,8$/);
  });

  it('several rules: each run under the rule that set its status; an SLO missed under another rule is named too', () => {
    const risk = { status: 'BREACHED', statusReason: 'risk budget', statusReasons: ['risk 1.5× budget (150.0 % > 100 %)'], coverage: covered };
    const mixed = [run(weeks(3)[0]!, KEV), run(weeks(3)[1]!, risk, { budgetUsed: 1.5 }), run(weeks(3)[2]!, KEV, { budgetUsed: 1.2 })];
    const review = buildReview({ runs: mixed, skipped: [] } as unknown as History, Q1);
    expect(renderOwnerMarkdown(review, 'team-k')).toContain(
      '- **k** BREACHED in 3 of 3 measured runs (known-exploited past deadline in 2, over risk budget in 1), 2026-01-02 … 2026-01-16; risk SLO also missed in 1; last run: BREACHED.',
    );
  });

  it('an UNKNOWN run stays unmeasured; a BREACHED one with a coverage gap is bad (the breach holds whatever the gap hides)', () => {
    const unknown = { status: 'UNKNOWN', statusReason: 'coverage', statusReasons: ['coverage gap: Dependabot alerts are disabled'], coverage: gap };
    const [k] = attainment([run(weeks(3)[0]!, OK), run(weeks(3)[1]!, unknown), run(weeks(3)[2]!, { ...KEV, coverage: gap })], Q1);
    expect(k!.observations.map((o) => o.verdict)).toEqual(['good', 'unknown', 'bad']);
    expect([k!.unknownRuns, k!.badRuns, k!.good.valid]).toEqual([1, 1, 2]);
  });

  it('a snapshot without the rule (statusReason) gives the first reason it recorded', () => {
    const { statusReason: _, ...old } = KEV;
    const [k] = attainment([run(weeks(1)[0]!, old)], Q1);
    expect(k!.observations[0]).toMatchObject({ verdict: 'bad', breachedBy: '1 known-exploited finding(s) past deadline' });
  });
});
