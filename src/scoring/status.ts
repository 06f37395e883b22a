import type { Policy } from '../config/policy.js';
import { ASSET_STATUSES, type AssetResult, type AssetStatus, type CoverageStatus } from './types.js';

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)} %`;

/**
 * BREACHED: an SLO missed. Measured risk is a lower bound (more data can only add findings), so a
 * risk breach stands even with coverage gaps. Otherwise incomplete coverage is UNKNOWN — never OK.
 * AT RISK: budget used above the threshold, or the remediation SLI within a point of its target.
 */
export function assetStatus(
  a: { risk: number; budget: number; remediation: AssetResult['remediation']; coverage: CoverageStatus[] },
  policy: Policy,
): { status: AssetStatus; reasons: string[] } {
  const used = a.risk / a.budget;
  const { sli, target } = a.remediation;
  const reasons: string[] = [];
  const riskBreached = used > 1;
  const remBreached = sli !== null && sli < target;
  const gaps = a.coverage.filter((c) => c.status === 'gap');
  if (riskBreached) reasons.push(`risk budget used ${pct(used)} > 100 %`);
  if (remBreached) reasons.push(`remediation SLI ${pct(sli)} < target ${pct(target)}`);
  for (const g of gaps) reasons.push(`coverage gap: ${g.reasons.join('; ')}`);

  if (riskBreached) return { status: 'BREACHED', reasons };
  if (gaps.length) return { status: 'UNKNOWN', reasons };
  if (remBreached) return { status: 'BREACHED', reasons };
  if (used > policy.atRiskBudgetUsed) reasons.push(`risk budget used ${pct(used)} > ${pct(policy.atRiskBudgetUsed)}`);
  // 1e-9 keeps float noise from turning "exactly one point above target" into AT RISK.
  if (sli !== null && sli < target + policy.atRiskSlaMargin - 1e-9) {
    reasons.push(`remediation SLI ${pct(sli)} within ${pct(policy.atRiskSlaMargin)} of target ${pct(target)}`);
  }
  return { status: reasons.length ? 'AT RISK' : 'OK', reasons };
}

const rank = (s: AssetStatus) => ASSET_STATUSES.indexOf(s);

/** Worst first: status, then budget used, then id — a total order. */
export function compareAssets(a: AssetResult, b: AssetResult): number {
  return rank(a.status) - rank(b.status) || b.budgetUsed - a.budgetUsed || (a.asset.id < b.asset.id ? -1 : a.asset.id > b.asset.id ? 1 : 0);
}
