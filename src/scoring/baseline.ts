import { CRITICALITIES, type Criticality } from '../config/schema.js';
import type { CriticalityMap, Policy } from '../config/policy.js';
import { assetStatus } from './status.js';
import { ASSET_STATUSES, type AssetResult, type AssetStatus } from './types.js';

/**
 * `secsli baseline`: budgets and remediation targets set from what the estate achieves today
 * (SRE practice: an SLO starts where you are, and is tightened each quarter). Pure.
 *
 * - risk budget per criticality: the 75th percentile of the assets' risk (every asset, every run
 *   given), rounded up to a whole point — three in four assets of that criticality fit today;
 * - remediation target per criticality: the 25th percentile of the measured SLI, floored to a
 *   multiple of 0.05 (5 points) and kept within 0.50–0.99 — three in four assets already meet it.
 * A criticality with no sample keeps the policy's value.
 */

export interface BaselineSample {
  criticality: Criticality;
  risk: number;
  sli: number | null;
}

export interface Proposal {
  riskBudget: CriticalityMap;
  remediationTarget: CriticalityMap;
  /** How many samples each number came from. */
  samples: Record<Criticality, { risk: number; sli: number }>;
}

/** Linear-interpolated percentile (p in 0–1) of a non-empty list. */
function percentile(values: readonly number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  const at = (v.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return v[lo]! + (v[hi]! - v[lo]!) * (at - lo);
}

export function propose(samples: readonly BaselineSample[], policy: Policy): Proposal {
  const riskBudget = { ...policy.riskBudget };
  const remediationTarget = { ...policy.remediationTarget };
  const counts = {} as Proposal['samples'];
  for (const c of CRITICALITIES) {
    const mine = samples.filter((s) => s.criticality === c);
    const slis = mine.flatMap((s) => (s.sli === null ? [] : [s.sli]));
    counts[c] = { risk: mine.length, sli: slis.length };
    if (mine.length)
      riskBudget[c] = Math.max(
        1,
        Math.ceil(
          percentile(
            mine.map((s) => s.risk),
            0.75,
          ) - 1e-9,
        ),
      );
    if (slis.length) remediationTarget[c] = Math.min(0.99, Math.max(0.5, Math.floor(percentile(slis, 0.25) * 20 + 1e-9) / 20));
  }
  return { riskBudget, remediationTarget, samples: counts };
}

/** An asset's status had the policy had these budgets and targets (everything else as scored). */
function statusUnder(a: AssetResult, budgets: CriticalityMap, targets: CriticalityMap, policy: Policy): AssetStatus {
  const counted = a.findings.filter((s) => s.excluded === undefined && s.knownExploited);
  return assetStatus(
    {
      risk: a.risk,
      budget: budgets[a.asset.criticality],
      remediation: { ...a.remediation, target: targets[a.asset.criticality] },
      coverage: a.coverage,
      kevPastDue: counted.filter((s) => s.overdue).length,
      kevOpenInternet: a.asset.exposure === 'internet' ? counted.length : 0,
      incidentsPastTarget: a.incidents.pastTarget,
      incidentsOpenHighCritical: a.incidents.openHighCritical,
    },
    policy,
  ).status;
}

export function statusCounts(assets: readonly AssetResult[], budgets: CriticalityMap, targets: CriticalityMap, policy: Policy): Record<AssetStatus, number> {
  const out = Object.fromEntries(ASSET_STATUSES.map((s) => [s, 0])) as Record<AssetStatus, number>;
  for (const a of assets) out[statusUnder(a, budgets, targets, policy)]++;
  return out;
}
