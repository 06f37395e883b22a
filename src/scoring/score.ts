import type { SourceStatus } from '../collectors/types.js';
import type { Inventory, Matcher } from '../inventory/types.js';
import type { Asset } from '../inventory/schema.js';
import { SEVERITIES, type Finding, type Rejected, type Severity } from '../model/finding.js';
import { assetCoverage } from './coverage.js';
import { exceptionMatches, exceptionState, expiryInstant } from './exceptions.js';
import { exposureWeight, factors, isKnownExploited } from './factors.js';
import type { KevCatalog } from './kev.js';
import { policyHash, type Policy } from './policy.js';
import { assetStatus, compareAssets } from './status.js';
import type { AssetResult, ExceptionState, ScoredFinding, ScoreResult, SourceSummary } from './types.js';

export interface ScoreInput {
  /** Unique by id (the pipeline keeps the most recently updated copy). */
  findings: readonly Finding[];
  inventory: Inventory;
  matcher: Matcher;
  policy: Policy;
  kev: KevCatalog;
  now: Date;
  sources: readonly { status: SourceStatus; describe: string }[];
  rejected: readonly Rejected[];
  /** Risk per asset id in the previous run, for "change since previous run". */
  previousRisk?: ReadonlyMap<string, number>;
}

const DAY = 86_400_000;
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The whole model: pure and deterministic. Same input → same result, field for field. */
export function score(input: ScoreInput): ScoreResult {
  const { inventory, matcher, policy, kev, now } = input;
  const findings = [...input.findings].sort(byId);

  const perAsset = new Map<string, ScoredFinding[]>(inventory.assets.map((a) => [a.id, []]));
  const assetsById = new Map(inventory.assets.map((a) => [a.id, a]));
  const unmapped: Finding[] = [];
  const ambiguous: ScoreResult['ambiguous'] = [];
  const exStates = inventory.exceptions.map((ex) => ({ ex, state: exceptionState(ex, now, policy.exceptionWarnDays), matched: 0 }));

  for (const f of findings) {
    const m = matcher.match(f);
    if (m.assetIds.length === 0) {
      if (f.status === 'open' && f.compliance !== 'passed') unmapped.push(f);
      continue;
    }
    if (m.ambiguous) ambiguous.push({ finding: f, assetIds: m.assetIds });
    for (const assetId of m.assetIds) {
      const asset = assetsById.get(assetId);
      if (!asset) continue;
      const sf = scoreFinding(f, asset, m.matchedBy, m.ambiguous, input);
      if (sf.excluded === undefined) {
        const ex = exStates.find((e) => e.state !== 'expired' && e.ex.asset === assetId && exceptionMatches(e.ex, f));
        if (ex) {
          sf.excluded = { kind: 'excepted', exceptionId: ex.ex.id };
          ex.matched++;
        }
      }
      perAsset.get(assetId)!.push(sf);
    }
  }

  const allStatuses = input.sources.map((s) => s.status);
  const assets: AssetResult[] = inventory.assets.map((asset) => {
    const scored = perAsset.get(asset.id)!;
    dedupeAcrossSources(scored);
    return finishAsset(asset, scored, allStatuses, input);
  });
  assets.sort(compareAssets);

  const sources: SourceSummary[] = input.sources.map(({ status, describe }) => ({
    source: status.source,
    describe,
    origins: status.origins,
    complete: status.complete,
    problems: status.problems,
    records: status.records,
    findings: findings.filter((f) => f.source === status.source).length,
    rejected: input.rejected.filter((r) => r.source === status.source).length,
  }));

  const exceptions: ExceptionState[] = exStates.map(({ ex, state, matched }) => {
    const end = expiryInstant(ex);
    return { exception: ex, state, matched, ...(end !== undefined ? { expiresAt: new Date(end).toISOString() } : {}) };
  });

  return {
    asOf: now.toISOString(),
    assets,
    unmapped,
    ambiguous,
    rejected: [...input.rejected],
    exceptions,
    sources,
    partial: input.sources.some((s) => !s.status.complete),
    policy,
    policyHash: policyHash(policy, kev.version),
    kev: { version: kev.version, count: kev.cves.size, origin: kev.origin },
    totalFindings: findings.length,
  };
}

function scoreFinding(f: Finding, asset: Asset, matchedBy: string | undefined, ambiguous: boolean, input: ScoreInput): ScoredFinding {
  const { policy, kev, now } = input;
  const fx = factors(f, policy, kev);
  const exposure = exposureWeight(asset.exposure, policy);
  const firstSeen = Date.parse(f.firstSeen);
  const end = f.status === 'open' ? now.getTime() : Date.parse(f.closedAt ?? f.updatedAt);
  const ageDays = Math.max(0, (end - firstSeen) / DAY);
  const slaDays = policy.slaDays[f.severity];
  const sf: ScoredFinding = {
    finding: f,
    assetId: asset.id,
    factors: fx,
    exposure,
    contribution: 0,
    knownExploited: isKnownExploited(f, kev).yes,
    ...(matchedBy !== undefined ? { matchedBy } : {}),
    ambiguous,
    slaDays,
    ageDays,
    dueAt: new Date(firstSeen + slaDays * DAY).toISOString(),
    overdue: false,
  };
  if (f.compliance === 'passed') sf.excluded = { kind: 'passed-control' };
  else if (f.status !== 'open') sf.excluded = { kind: 'closed', status: f.status };
  return sf;
}

/**
 * The same vulnerability (CVE + package) reported by two sources for one asset counts once:
 * the heavier report is kept, the other is marked as its duplicate.
 */
function dedupeAcrossSources(scored: ScoredFinding[]): void {
  const candidates = scored
    .filter((s) => s.excluded === undefined && s.finding.cves.length > 0 && s.finding.packages.length > 0)
    .sort((a, b) => b.factors.risk - a.factors.risk || byId(a.finding, b.finding));
  const holder = new Map<string, ScoredFinding>();
  for (const s of candidates) {
    const keys = s.finding.cves.flatMap((c) => s.finding.packages.map((p) => `${c}\u0000${p}`));
    const other = keys.map((k) => holder.get(k)).find((h) => h && h.finding.source !== s.finding.source);
    if (other) {
      s.excluded = { kind: 'duplicate', of: other.finding.id };
      continue;
    }
    for (const k of keys) if (!holder.has(k)) holder.set(k, s);
  }
}

function finishAsset(asset: Asset, scored: ScoredFinding[], statuses: SourceStatus[], input: ScoreInput): AssetResult {
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
    if (counted) {
      s.contribution = s.exposure * s.factors.risk;
      sum += s.factors.risk;
      openBySeverity[f.severity]++;
      if (f.kind === 'threat') openThreats++;
      s.overdue = s.ageDays > s.slaDays;
      if (s.overdue) overdue++;
    }
    // Remediation SLI: open findings now, and findings closed inside the window; not excepted,
    // not duplicates, not passed controls, not false positives.
    const ex = s.excluded?.kind;
    const closedInWindow = ex === 'closed' && Date.parse(f.closedAt ?? f.updatedAt) >= windowStart && f.closeReason !== 'inaccurate';
    if (counted || closedInWindow) {
      const withinSla = s.ageDays <= s.slaDays;
      s.remediation = { weight: s.factors.risk, withinSla };
      valid += s.factors.risk;
      if (withinSla) good += s.factors.risk;
    }
  }
  scored.sort((a, b) => b.contribution - a.contribution || b.factors.risk - a.factors.risk || byId(a.finding, b.finding));

  const exposure = exposureWeight(asset.exposure, policy);
  const risk = exposure * sum;
  const budget = policy.riskBudget[asset.criticality];
  const remediation = { good, valid, sli: valid > 0 ? good / valid : null, target: policy.remediationTarget[asset.criticality] };
  const coverage = assetCoverage(asset, statuses, (repo, id) => matcher.assetsForRepo(repo).includes(id));
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
