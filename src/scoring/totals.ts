import type { Asset } from '../config/schema.js';
import type { Matcher } from '../config/inventory.js';
import type { Policy } from '../config/policy.js';
import { endMs, SEVERITIES, type Rejected, type Severity } from '../model/finding.js';
import type { SourceStatus } from '../model/source-status.js';
import { assetCoverage } from './coverage.js';
import { exposureWeight } from './factors.js';
import { aggregate } from './aggregate.js';
import { isIncident, pastResponseTime, summarizeIncidents } from './incidents.js';
import { remediationSli, remediationState } from './remediation.js';
import { byId, rankOrder, type Scored } from './rows.js';
import { assetStatus } from './status.js';
import type { AssetResult, ExclusionReason } from './types.js';

const DAY = 86_400_000;

interface TotalsInput {
  policy: Policy;
  now: Date;
  matcher: Matcher;
  statuses: readonly SourceStatus[];
  previousRisk?: ReadonlyMap<string, number> | undefined;
  /** Rejected records per asset they name (coverage.ts `rejectedByAsset`). */
  rejected?: ReadonlyMap<string, readonly Rejected[]>;
}

const INCIDENT: ExclusionReason = { kind: 'incident' };

/**
 * One asset's totals from its rows (already in id order and de-duplicated across sources): the risk
 * SLI (aggregate.ts), open counts, overdue, the remediation SLI (remediation.ts), incidents
 * (incidents.ts), coverage and status. Marks each row's contribution, "if fixed", overdue and
 * remediation event, then sorts the rows by contribution. Also returns the counted rows in rank
 * order (what fixes.ts re-scores without).
 */
export function finishAsset(asset: Asset, scored: Scored[], input: TotalsInput): { result: AssetResult; counted: Scored[] } {
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
      // Its deadline is its response time (rows.ts): overdue while nobody has responded past it.
      s.finish(s.excluded.kind === 'incident' && pastResponseTime(f, policy, nowMs), undefined);
      continue;
    }
    const excluded = s.excluded;
    const isCounted = excluded === undefined;
    // Remediation events: open weaknesses, and weaknesses closed (not as false positives); not
    // excepted, not duplicates, not passed controls.
    if (!isCounted && (excluded.kind !== 'closed' || f.closeReason === 'inaccurate')) {
      s.finish(false, undefined);
      continue;
    }
    const dueMs = s.dueMs();
    let overdueRow = false;
    if (isCounted) {
      counted.push(s);
      openBySeverity[f.severity]++;
      overdueRow = dueMs < nowMs;
      if (overdueRow) overdue++;
      if (s.knownExploited) {
        kevOpen++;
        if (overdueRow) kevPastDue++;
      }
    }
    const state = remediationState(isCounted, dueMs, isCounted ? 0 : endMs(f), nowMs, windowStart);
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
  counted.sort(rankOrder);
  const risks = new Float64Array(counted.length);
  for (let i = 0; i < counted.length; i++) risks[i] = counted[i]!.factors.risk;
  const agg = aggregate(risks, exposure, policy.aggregation);
  for (let i = 0; i < counted.length; i++) counted[i]!.ranked(i, agg);
  scored.sort((a, b) => b.contribution - a.contribution || b.factors.risk - a.factors.risk || byId(a.finding, b.finding));

  const risk = agg.total;
  const budget = policy.riskBudget[asset.criticality];
  const target = policy.remediationTarget[asset.criticality];
  const remediation = { good, valid, sli: remediationSli(good, valid, events, policy.remediationMinEvents), target, events, backlog };
  const incidents = summarizeIncidents(threats, policy, nowMs, windowStart);
  const coverage = assetCoverage(asset, input.statuses, (repo, id) => matcher.assetsForRepo(repo).includes(id), input.rejected?.get(asset.id));
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
  const result: AssetResult = {
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
  return { result, counted };
}
