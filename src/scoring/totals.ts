import type { Asset } from '../config/schema.js';
import type { Matcher } from '../config/inventory.js';
import type { Policy } from '../config/policy.js';
import { endMs, SEVERITIES, type Severity } from '../model/finding.js';
import type { SourceStatus } from '../model/source-status.js';
import { assetCoverage } from './coverage.js';
import { exposureWeight } from './factors.js';
import { aggregate } from './aggregate.js';
import { isIncident, summarizeIncidents } from './incidents.js';
import { remediationSli, remediationState } from './remediation.js';
import { byId, type Scored } from './rows.js';
import { assetStatus } from './status.js';
import type { AssetResult, ExclusionReason } from './types.js';

const DAY = 86_400_000;

interface TotalsInput {
  policy: Policy;
  now: Date;
  matcher: Matcher;
  statuses: readonly SourceStatus[];
  previousRisk?: ReadonlyMap<string, number> | undefined;
}

const INCIDENT: ExclusionReason = { kind: 'incident' };

/**
 * One asset's totals from its rows (already in id order and de-duplicated across sources): the risk
 * SLI (aggregate.ts), open counts, overdue, the remediation SLI (remediation.ts), incidents
 * (incidents.ts), coverage and status. Marks each row's contribution, "if fixed", overdue and
 * remediation event, then sorts the rows by contribution.
 */
export function finishAsset(asset: Asset, scored: Scored[], input: TotalsInput): AssetResult {
  const { policy, now, matcher } = input;
  const nowMs = now.getTime();
  const windowStart = nowMs - policy.remediationWindowDays * DAY;
  const openBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const counted: Scored[] = [];
  const threats: Scored[] = [];
  let overdue = 0;
  let kevPastDue = 0;
  let kevOpen = 0;
  let good = 0;
  let valid = 0;
  let events = 0;
  let backlog = 0;

  for (const s of scored) {
    const f = s.finding;
    if (isIncident(f)) {
      // Detections are incidents: tracked by response time, never added to R or the remediation SLI.
      if (s.excluded === undefined) s.excluded = INCIDENT;
      if (s.excluded.kind === 'incident' || s.excluded.kind === 'closed') threats.push(s);
      s.finish(false, undefined);
      continue;
    }
    const isCounted = s.excluded === undefined;
    let overdueRow = false;
    if (isCounted) {
      counted.push(s);
      openBySeverity[f.severity]++;
      overdueRow = s.dueMs() < nowMs;
      if (overdueRow) overdue++;
      if (s.knownExploited) {
        kevOpen++;
        if (overdueRow) kevPastDue++;
      }
    }
    // Remediation events: open weaknesses, and weaknesses closed (not as false positives); not
    // excepted, not duplicates, not passed controls.
    const closedOk = s.excluded?.kind === 'closed' && f.closeReason !== 'inaccurate';
    const state = isCounted || closedOk ? remediationState(isCounted, s.dueMs(), endMs(f), nowMs, windowStart) : undefined;
    if (state === 'backlog') backlog++;
    const event = state === 'backlog' ? undefined : state;
    if (event) {
      events++;
      valid += s.factors.risk;
      if (event.good) good += s.factors.risk;
    }
    s.finish(overdueRow, event);
  }

  // Rank order (risk descending, ties by id): the damped aggregate weighs the k-th by 1/k.
  const exposure = exposureWeight(asset.exposure, policy);
  counted.sort((a, b) => b.factors.risk - a.factors.risk || byId(a.finding, b.finding));
  const agg = aggregate(
    counted.map((s) => s.factors.risk),
    exposure,
    policy.aggregation,
  );
  counted.forEach((s, i) => {
    s.contribution = agg.contributions[i]!;
    s.ifFixed = agg.reductions[i]!;
  });
  scored.sort((a, b) => b.contribution - a.contribution || b.factors.risk - a.factors.risk || byId(a.finding, b.finding));

  const risk = agg.total;
  const budget = policy.riskBudget[asset.criticality];
  const target = policy.remediationTarget[asset.criticality];
  const remediation = { good, valid, sli: remediationSli(good, valid, events, policy.remediationMinEvents), target, events, backlog };
  const incidents = summarizeIncidents(threats, policy, nowMs, windowStart);
  const coverage = assetCoverage(asset, input.statuses, (repo, id) => matcher.assetsForRepo(repo).includes(id));
  const { status, rule, reasons } = assetStatus(
    {
      risk,
      budget,
      remediation,
      coverage,
      kevPastDue,
      kevOpenInternet: asset.exposure === 'internet' ? kevOpen : 0,
      incidentsPastTarget: incidents.pastTarget,
      incidentsOpenHighCritical: incidents.openHighCritical,
    },
    policy,
  );
  const prev = input.previousRisk?.get(asset.id);
  return {
    asset,
    exposure,
    risk,
    budget,
    budgetUsed: risk / budget,
    remediation,
    incidents,
    coverage,
    status,
    statusReason: rule,
    statusReasons: reasons,
    openBySeverity,
    overdue,
    openThreats: incidents.open.length,
    findings: scored,
    ...(prev !== undefined ? { previousRisk: prev } : {}),
  };
}
