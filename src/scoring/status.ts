import type { Policy } from '../config/policy.js';
import { ASSET_STATUSES, type AssetResult, type AssetStatus, type CoverageStatus, type StatusRule } from './types.js';

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)} %`;
/** "1.4×", "43×": how far over budget, as people read it at a glance. */
export const times = (x: number) => (x >= 10 ? `${Math.round(x)}×` : `${(Math.round(x * 10) / 10).toFixed(1)}×`);

export interface StatusInput {
  risk: number;
  budget: number;
  remediation: AssetResult['remediation'];
  coverage: CoverageStatus[];
  /** Open detections past their response time, and open high/critical detections. */
  incidentsPastTarget: number;
  incidentsOpenHighCritical: number;
  /** Counted known-exploited weaknesses: past their deadline, and open at all on an internet-facing asset. */
  kevPastDue: number;
  kevOpenInternet: number;
}

/**
 * BREACHED: an incident past its response time, a known-exploited weakness past its deadline, the
 * risk budget used up, or the remediation SLO missed. Measured risk, incidents and overdue KEVs are
 * lower bounds (more data can only add findings), so they stand even with coverage gaps; a missed
 * remediation SLO does not (the missing findings could move it either way) and gives way to UNKNOWN.
 * AT RISK: an open high/critical incident, a known-exploited weakness open on an internet-facing
 * asset (from day 0), budget used above the threshold, or the SLI within a point of its target.
 * The first rule that holds, in that order, is the status_reason; every rule that holds is listed.
 */
export function assetStatus(a: StatusInput, policy: Policy): { status: AssetStatus; rule: StatusRule; reasons: string[] } {
  const used = a.risk / a.budget;
  const { sli, target } = a.remediation;
  const hits: { status: AssetStatus; rule: StatusRule; text: string }[] = [];
  const hit = (status: AssetStatus, rule: StatusRule, text: string) => hits.push({ status, rule, text });
  if (a.incidentsPastTarget > 0) hit('BREACHED', 'incident response', `${a.incidentsPastTarget} incident(s) past response time`);
  if (a.kevPastDue > 0) hit('BREACHED', 'known exploited past due', `${a.kevPastDue} known-exploited finding(s) past deadline`);
  if (used > 1) hit('BREACHED', 'risk budget', `risk ${times(used)} budget (${pct(used)} > 100 %)`);
  const remBreached = sli !== null && sli < target;
  const gaps = a.coverage.filter((c) => c.status === 'gap');
  const remText = `remediation SLI ${pct(sli ?? 0)} < target ${pct(target)}`;
  if (remBreached && !gaps.length) hit('BREACHED', 'remediation SLO', remText);
  for (const g of gaps) hit('UNKNOWN', 'coverage', `coverage gap: ${g.reasons.join('; ')}`);
  if (remBreached && gaps.length) hit('UNKNOWN', 'coverage', `${remText} (measured with coverage incomplete)`);
  if (a.incidentsOpenHighCritical > 0) hit('AT RISK', 'open incident', `${a.incidentsOpenHighCritical} open high/critical incident(s)`);
  if (a.kevOpenInternet > 0) hit('AT RISK', 'known exploited on internet-facing', `${a.kevOpenInternet} known-exploited finding(s) open on an internet-facing asset`);
  if (used > policy.atRiskBudgetUsed && used <= 1) hit('AT RISK', 'risk budget nearly used', `risk budget used ${pct(used)} > ${pct(policy.atRiskBudgetUsed)}`);
  // 1e-9 keeps float noise from turning "exactly one point above target" into AT RISK.
  if (sli !== null && !remBreached && sli < target + policy.atRiskSlaMargin - 1e-9) {
    hit('AT RISK', 'remediation SLO at risk', `remediation SLI ${pct(sli)} within ${pct(policy.atRiskSlaMargin)} of target ${pct(target)}`);
  }
  const worst = [...hits].sort((x, y) => rank(x.status) - rank(y.status))[0];
  if (!worst) return { status: 'OK', rule: 'within targets', reasons: [] };
  return { status: worst.status, rule: worst.rule, reasons: [worst, ...hits.filter((h) => h !== worst)].map((h) => h.text) };
}

const rank = (s: AssetStatus) => ASSET_STATUSES.indexOf(s);

/** Worst first: status, then budget used, then id — a total order. */
export function compareAssets(a: AssetResult, b: AssetResult): number {
  return rank(a.status) - rank(b.status) || b.budgetUsed - a.budgetUsed || (a.asset.id < b.asset.id ? -1 : a.asset.id > b.asset.id ? 1 : 0);
}
