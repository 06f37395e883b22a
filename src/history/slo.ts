import { pct } from '../report/format.js';
import { budgetUsedOf } from './attribution.js';
import type { Run } from './load.js';
import { isCovered, type AssetV1 } from './schema.js';
import { DEFAULT_OBJECTIVE, DEFAULT_RECENT_DAYS } from './slo-defaults.js';
import type { Window } from './window.js';

/**
 * SLO attainment over a window, the SRE way, counted in runs (docs/review.md "Attainment"):
 * each run is one observation per asset. A run is good for an asset when it met both SLOs, with
 * full coverage, and the run did not find it BREACHED; bad when it missed either SLO or was
 * BREACHED, whatever rule set that status (over budget, a known-exploited finding past its
 * deadline, an incident past its response time, the remediation SLO); unknown when coverage was
 * incomplete and nothing was missed (a risk breach, and any BREACHED status, stands even with
 * gaps: the scoring only keeps BREACHED through a gap for breaches that more data cannot undo).
 * Unknown runs are left out of the denominator and reported beside it. Error budget: the objective
 * allows (1 − objective) × valid runs to be bad. Burn rate: bad share ÷ (1 − objective); 1 spends
 * the budget exactly by the end.
 */

export const DAY = 86_400_000;
export { DEFAULT_OBJECTIVE, DEFAULT_RECENT_DAYS };

/** One asset in one run, as history tables and SLOs read it. */
export interface RunMetrics {
  asOf: string;
  run: string;
  status: string;
  risk: number;
  budgetUsed: number | null;
  remediationSli: number | null;
}

/**
 * Budget used as the review's tables show it: read off a run that did not fully measure the asset
 * (a coverage gap, UNKNOWN) it is a lower bound, "≥ 40 %", as the trends' counts are — never a
 * figure that reads as measured.
 */
export function usedText(used: number | null, covered: boolean): string {
  return used !== null && !covered ? `≥ ${pct(used, 0)}` : pct(used, 0);
}

interface Observation extends RunMetrics {
  covered: boolean;
  /** null: not measurable in this run (coverage gap and no breach). */
  riskMet: boolean | null;
  remediationMet: boolean | null;
  /** The run's status was BREACHED: a bad run whatever the two SLOs say. */
  breached: boolean;
  /** When BREACHED: the rule that set it, in words ("known-exploited past deadline"); else null. */
  breachedBy: string | null;
  verdict: 'good' | 'bad' | 'unknown';
}

export const BREACHED_BY_RISK = 'over risk budget';
export const BREACHED_BY_REMEDIATION = 'remediation SLO missed';

/** The status rules that make an asset BREACHED (scoring/status.ts), as the review words them. */
const BREACH_RULES: Record<string, string> = {
  'incident response': 'incident past response time',
  'known exploited past due': 'known-exploited past deadline',
  'risk budget': BREACHED_BY_RISK,
  'remediation SLO': BREACHED_BY_REMEDIATION,
};

/** Why a BREACHED asset was: its rule (`statusReason`), else — older snapshots — the first reason the run gave. */
function breachedBy(a: AssetV1): string | null {
  if (a.status !== 'BREACHED') return null;
  if (a.statusReason !== null) return BREACH_RULES[a.statusReason] ?? a.statusReason;
  return a.statusReasons[0] ?? 'reason not recorded';
}

function observe(run: Run, a: AssetV1): Observation {
  const covered = isCovered(a);
  const used = budgetUsedOf(a);
  const rem = a.remediation;
  const riskOk = used === null ? null : used <= 1;
  const remOk = !rem || rem.sli === null || rem.target === null ? true : rem.sli >= rem.target;
  const riskMet = riskOk === false ? false : covered ? riskOk : null;
  const remediationMet = covered ? remOk : null;
  // BREACHED is the run's own verdict on the asset (a known-exploited finding past its deadline
  // breaches it at any budget used). UNKNOWN is not a breach: nothing missed, not measured.
  const breached = a.status === 'BREACHED';
  const verdict = breached || riskMet === false || remediationMet === false ? 'bad' : riskMet === true && remediationMet === true ? 'good' : 'unknown';
  return {
    asOf: run.snapshot.asOf,
    run: run.name,
    status: a.status,
    risk: a.risk,
    budgetUsed: used,
    remediationSli: rem?.sli ?? null,
    covered,
    riskMet,
    remediationMet,
    breached,
    breachedBy: breachedBy(a),
    verdict,
  };
}

export interface Share {
  met: number;
  valid: number;
  /** met / valid, null when nothing was measurable. */
  share: number | null;
}

const share = (met: number, valid: number): Share => ({ met, valid, share: valid > 0 ? met / valid : null });
const shareOf = (xs: (boolean | null)[]): Share => share(xs.filter((x) => x === true).length, xs.filter((x) => x !== null).length);

export interface Attainment {
  assetId: string;
  owner: string;
  criticality: string;
  runs: number;
  risk: Share;
  remediation: Share;
  /** Good runs (on target): both SLOs met, fully covered, not BREACHED. The attainment the objective is for. */
  good: Share;
  unknownRuns: number;
  badRuns: number;
  /** Runs in which the asset was BREACHED (each a bad run). */
  breachedRuns: number;
  objective: number;
  /** Bad runs the objective allows over the window: (1 − objective) × valid runs. */
  allowedBad: number;
  /** 1 − bad / allowed: 1 untouched, 0 spent, negative overspent; null when nothing measurable. */
  budgetLeft: number | null;
  burnWindow: number | null;
  burnRecent: number | null;
  recentRuns: number;
  observations: Observation[];
}

function burn(obs: Observation[], objective: number): number | null {
  const valid = obs.filter((o) => o.verdict !== 'unknown');
  if (valid.length === 0) return null;
  return valid.filter((o) => o.verdict === 'bad').length / valid.length / (1 - objective);
}

/**
 * One row per asset seen in the window's runs, by asset id. `runs` must be the window's runs,
 * oldest first; `objective` must be in (0, 1).
 */
export function attainment(runs: readonly Run[], w: Window, opts: { objective?: number; recentDays?: number } = {}): Attainment[] {
  const objective = opts.objective ?? DEFAULT_OBJECTIVE;
  const recentFrom = w.endMs - (opts.recentDays ?? DEFAULT_RECENT_DAYS) * DAY;
  const per = new Map<string, { last: AssetV1; obs: Observation[] }>();
  for (const run of runs) {
    for (const a of run.snapshot.assets) {
      const e = per.get(a.id) ?? { last: a, obs: [] };
      e.last = a;
      e.obs.push(observe(run, a));
      per.set(a.id, e);
    }
  }
  return [...per.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([assetId, { last, obs }]) => {
      const good = share(obs.filter((o) => o.verdict === 'good').length, obs.filter((o) => o.verdict !== 'unknown').length);
      const badRuns = good.valid - good.met;
      const allowedBad = (1 - objective) * good.valid;
      const recent = obs.filter((o) => Date.parse(o.asOf) >= recentFrom);
      return {
        assetId,
        owner: last.owner,
        criticality: last.criticality,
        runs: obs.length,
        risk: shareOf(obs.map((o) => o.riskMet)),
        remediation: shareOf(obs.map((o) => o.remediationMet)),
        good,
        unknownRuns: obs.length - good.valid,
        badRuns,
        breachedRuns: obs.filter((o) => o.breached).length,
        objective,
        allowedBad,
        budgetLeft: allowedBad > 0 ? 1 - badRuns / allowedBad : null,
        burnWindow: burn(obs, objective),
        burnRecent: burn(recent, objective),
        recentRuns: recent.length,
        observations: obs,
      };
    });
}

export interface OwnerAttainment {
  owner: string;
  assets: number;
  risk: Share;
  remediation: Share;
  /** Good runs (on target), pooled. */
  good: Share;
}

/** Per owner, pooled over asset-runs (an owner with more assets weighs each run of each). */
export function ownerAttainment(rows: readonly Attainment[]): OwnerAttainment[] {
  const by = new Map<string, Attainment[]>();
  for (const r of rows) by.set(r.owner, [...(by.get(r.owner) ?? []), r]);
  const pool = (xs: Share[]) =>
    share(
      xs.reduce((n, x) => n + x.met, 0),
      xs.reduce((n, x) => n + x.valid, 0),
    );
  return [...by.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([owner, list]) => ({
      owner,
      assets: list.length,
      risk: pool(list.map((r) => r.risk)),
      remediation: pool(list.map((r) => r.remediation)),
      good: pool(list.map((r) => r.good)),
    }));
}
