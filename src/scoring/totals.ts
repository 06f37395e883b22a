import type { Asset } from '../config/schema.js';
import type { Matcher } from '../config/inventory.js';
import type { Policy } from '../config/policy.js';
import { endMs, SEVERITIES, type Severity } from '../model/finding.js';
import type { SourceStatus } from '../model/source-status.js';
import { assetCoverage } from './coverage.js';
import { exposureWeight } from './factors.js';
import { byId, type Scored } from './rows.js';
import { assetStatus } from './status.js';
import type { AssetResult } from './types.js';

const DAY = 86_400_000;

interface TotalsInput {
  policy: Policy;
  now: Date;
  matcher: Matcher;
  statuses: readonly SourceStatus[];
  previousRisk?: ReadonlyMap<string, number> | undefined;
}

/**
 * One asset's totals from its rows (already in id order and de-duplicated across sources): the risk
 * SLI, open counts, overdue, the remediation SLI, coverage and status. Marks each row counted,
 * overdue and in the remediation SLI, then sorts the rows by contribution.
 */
export function finishAsset(asset: Asset, scored: Scored[], input: TotalsInput): AssetResult {
  const { policy, now, matcher } = input;
  const windowStart = now.getTime() - policy.remediationWindowDays * DAY;
  const openBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let overdue = 0;
  let openThreats = 0;
  let sum = 0;
  let good = 0;
  let valid = 0;

  for (const s of scored) {
    const f = s.finding;
    const counted = s.excluded === undefined;
    const risk = s.factors.risk;
    let ageDays = -1;
    let slaDays = 0;
    let overdueRow = false;
    if (counted) {
      sum += risk;
      openBySeverity[f.severity]++;
      if (f.kind === 'threat') openThreats++;
      ageDays = s.ageDays;
      slaDays = s.slaDays;
      overdueRow = ageDays > slaDays;
      if (overdueRow) overdue++;
    }
    // Remediation SLI: open findings now, and findings closed inside the window; not excepted,
    // not duplicates, not passed controls, not false positives.
    const ex = s.excluded?.kind;
    const closedInWindow = ex === 'closed' && endMs(f) >= windowStart && f.closeReason !== 'inaccurate';
    let withinSla = false;
    if (counted || closedInWindow) {
      if (ageDays < 0) {
        ageDays = s.ageDays;
        slaDays = s.slaDays;
      }
      withinSla = ageDays <= slaDays;
      valid += risk;
      if (withinSla) good += risk;
    }
    s.finish(counted, overdueRow, counted || closedInWindow, withinSla);
  }
  scored.sort((a, b) => b.contribution - a.contribution || b.factors.risk - a.factors.risk || byId(a.finding, b.finding));

  const exposure = exposureWeight(asset.exposure, policy);
  const risk = exposure * sum;
  const budget = policy.riskBudget[asset.criticality];
  const remediation = { good, valid, sli: valid > 0 ? good / valid : null, target: policy.remediationTarget[asset.criticality] };
  const coverage = assetCoverage(asset, input.statuses, (repo, id) => matcher.assetsForRepo(repo).includes(id));
  const { status, reasons } = assetStatus({ risk, budget, remediation, coverage }, policy);
  const prev = input.previousRisk?.get(asset.id);
  return {
    asset,
    exposure,
    risk,
    budget,
    budgetUsed: risk / budget,
    remediation,
    coverage,
    status,
    statusReasons: reasons,
    openBySeverity,
    overdue,
    openThreats,
    findings: scored,
    ...(prev !== undefined ? { previousRisk: prev } : {}),
  };
}
