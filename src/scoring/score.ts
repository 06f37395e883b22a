import type { SourceStatus } from '../collectors/types.js';
import type { Inventory, Matcher } from '../inventory/types.js';
import type { Asset } from '../inventory/schema.js';
import { SEVERITIES, type Finding, type Rejected, type Severity } from '../model/finding.js';
import { assetCoverage } from './coverage.js';
import { exceptionMatches, exceptionState, expiryInstant } from './exceptions.js';
import { exposureWeight, factors, isKnownExploited } from './factors.js';
import { CompactFinding } from '../collectors/read/compact.js';
import type { KevCatalog } from './kev.js';
import { policyHash, type Policy } from './policy.js';
import { assetStatus, compareAssets } from './status.js';
import type { AssetResult, ExceptionState, ExclusionReason, Factors, ScoredFinding, ScoreResult, SourceSummary } from './types.js';

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
  // Input order does not matter: every list in the result (and every sum) follows finding ids.
  const findings = input.findings;
  const ctx = new ScoringContext(input);

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
      const sf = ctx.scoreFinding(f, asset, m.matchedBy, m.ambiguous);
      if (sf.excluded === undefined && exStates.length > 0) {
        const ex = exStates.find((e) => e.state !== 'expired' && e.ex.asset === assetId && exceptionMatches(e.ex, f));
        if (ex) {
          sf.excluded = ctx.excepted(ex.ex.id);
          ex.matched++;
        }
      }
      perAsset.get(assetId)!.push(sf);
    }
  }

  unmapped.sort(byId);
  ambiguous.sort((a, b) => byId(a.finding, b.finding));
  const allStatuses = input.sources.map((s) => s.status);
  const assets: AssetResult[] = inventory.assets.map((asset) => {
    // Id order, so sums add up in the same order whatever the input order (floating point).
    const scored = perAsset.get(asset.id)!.sort((a, b) => byId(a.finding, b.finding));
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
    findings: countBySource(findings, status.source),
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

function countBySource(findings: readonly Finding[], source: Finding['source']): number {
  let n = 0;
  for (const f of findings) if (f.source === source) n++;
  return n;
}

/** Epoch ms of a finding's first sighting (without re-parsing when the finding keeps it as a number). */
const firstSeenMs = (f: Finding): number =>
  f instanceof CompactFinding && typeof f.firstSeenAt === 'number' ? f.firstSeenAt : Date.parse(f.firstSeen);
const endMs = (f: Finding): number =>
  f instanceof CompactFinding && typeof f.closedAtMs === 'number' ? f.closedAtMs
    : f instanceof CompactFinding && f.closedAtMs === undefined && typeof f.updatedAtMs === 'number' ? f.updatedAtMs
    : Date.parse(f.closedAt ?? f.updatedAt);

/**
 * One (finding, asset) row. A class rather than an object literal so a million of them stay small:
 * `dueAt` and `remediation` are derived on read instead of stored as strings and objects.
 */
class Scored implements ScoredFinding {
  contribution = 0;
  excluded: ExclusionReason | undefined = undefined;
  overdue = false;
  private remWeight = -1;
  private remWithin = false;
  constructor(
    readonly finding: Finding,
    readonly assetId: string,
    readonly factors: Factors,
    readonly exposure: number,
    readonly knownExploited: boolean,
    readonly matchedBy: string | undefined,
    readonly ambiguous: boolean,
    readonly slaDays: number,
    public ageDays: number,
    private firstMs: number,
  ) {}
  /** The same vulnerability was seen earlier by another source: its clock is the one that runs. */
  inheritAge(from: Scored): void {
    if (from.ageDays <= this.ageDays) return;
    this.ageDays = from.ageDays;
    this.firstMs = from.firstMs;
    this.ageFrom = from.finding.id;
  }
  ageFrom: string | undefined = undefined;
  get dueAt(): string {
    return new Date(this.firstMs + this.slaDays * DAY).toISOString();
  }
  get remediation(): { weight: number; withinSla: boolean } | undefined {
    return this.remWeight < 0 ? undefined : { weight: this.remWeight, withinSla: this.remWithin };
  }
  set remediation(r: { weight: number; withinSla: boolean } | undefined) {
    this.remWeight = r ? r.weight : -1;
    this.remWithin = r ? r.withinSla : false;
  }
}

const PASSED: ExclusionReason = { kind: 'passed-control' };

/** Per-run caches: equal factors and exclusion reasons are shared between rows (never mutated). */
class ScoringContext {
  private readonly factorCache = new Map<string, { fx: Factors; exploited: boolean }>();
  private readonly closed = new Map<string, ExclusionReason>();
  private readonly exceptions = new Map<string, ExclusionReason>();
  private readonly nowMs: number;
  constructor(private readonly input: ScoreInput) {
    this.nowMs = input.now.getTime();
  }

  private factorsOf(f: Finding): { fx: Factors; exploited: boolean } {
    const { policy, kev } = this.input;
    let kevCve = '';
    for (const c of f.cves) if (kev.cves.has(c)) { kevCve = c; break; }
    // Every input of factors(); free text is length-prefixed so no two different inputs share a key.
    const v = f.cvss?.version ?? '';
    const p = f.knownExploited ? f.product : '';
    const key = `${f.cvss?.score ?? ''}|${f.severity}|${kevCve}|${f.knownExploited}|${f.kind}|${f.epss?.percentile ?? ''}|${f.exploitAvailable}|${f.github ? `g${f.github.scope === 'development'}` : ''}|${v.length}:${v}|${p.length}:${p}`;
    let hit = this.factorCache.get(key);
    if (!hit) {
      hit = { fx: factors(f, policy, kev), exploited: isKnownExploited(f, kev).yes };
      if (this.factorCache.size < 100_000) this.factorCache.set(key, hit);
    }
    return hit;
  }

  scoreFinding(f: Finding, asset: Asset, matchedBy: string | undefined, ambiguous: boolean): ScoredFinding {
    const { policy } = this.input;
    const { fx, exploited } = this.factorsOf(f);
    const firstSeen = firstSeenMs(f);
    const end = f.status === 'open' ? this.nowMs : endMs(f);
    const slaDays = policy.slaDays[f.severity];
    const sf = new Scored(f, asset.id, fx, exposureWeight(asset.exposure, policy), exploited, matchedBy, ambiguous, slaDays, Math.max(0, (end - firstSeen) / DAY), firstSeen);
    if (f.compliance === 'passed') sf.excluded = PASSED;
    else if (f.status !== 'open') {
      let ex = this.closed.get(f.status);
      if (!ex) this.closed.set(f.status, (ex = { kind: 'closed', status: f.status }));
      sf.excluded = ex;
    }
    return sf;
  }

  excepted(id: string): ExclusionReason {
    let ex = this.exceptions.get(id);
    if (!ex) this.exceptions.set(id, (ex = { kind: 'excepted', exceptionId: id }));
    return ex;
  }
}

/** One key per (vulnerability id, package): CVE or GHSA, so GHSA-only advisories pair up too. */
function vulnKeys(f: Finding): string[] {
  const ids = f.ghsa ? [...f.cves, f.ghsa.toUpperCase()] : f.cves;
  if (ids.length === 0 || f.packages.length === 0) return [];
  return ids.flatMap((c) => f.packages.map((p) => `${c}\u0000${p}`));
}

/**
 * The same vulnerability (CVE or GHSA + package) reported by two sources for one asset is one
 * vulnerability:
 * - an exception that accepts one report accepts the other source's report too;
 * - it counts once: the heavier report is kept, the other is marked as its duplicate;
 * - the kept report's SLA clock starts at the earliest sighting by either source, so a months-old
 *   Dependabot alert does not look new because Inspector found it last week.
 * Closed reports are paired the same way among themselves, so one fix is not counted twice.
 */
function dedupeAcrossSources(scored: ScoredFinding[]): void {
  const open: Scored[] = [];
  const closed: Scored[] = [];
  const acceptedBy = new Map<string, { source: string; reason: ExclusionReason }>();
  for (const s of scored as Scored[]) {
    const kind = s.excluded?.kind;
    if (kind === undefined) open.push(s);
    else if (kind === 'closed') closed.push(s);
    else if (kind === 'excepted') for (const k of vulnKeys(s.finding)) acceptedBy.set(k, { source: s.finding.source, reason: s.excluded! });
  }
  const stillOpen = acceptedBy.size === 0 ? open : open.filter((s) => {
    const hit = vulnKeys(s.finding).map((k) => acceptedBy.get(k)).find((h) => h && h.source !== s.finding.source);
    if (hit) s.excluded = hit.reason;
    return !hit;
  });
  pairUp(stillOpen, true);
  pairUp(closed, false);
}

function pairUp(rows: Scored[], inherit: boolean): void {
  const candidates = rows.filter((s) => vulnKeys(s.finding).length > 0).sort((a, b) => b.factors.risk - a.factors.risk || byId(a.finding, b.finding));
  const holder = new Map<string, Scored>();
  for (const s of candidates) {
    const keys = vulnKeys(s.finding);
    const other = keys.map((k) => holder.get(k)).find((h) => h && h.finding.source !== s.finding.source);
    if (other) {
      s.excluded = { kind: 'duplicate', of: other.finding.id };
      if (inherit) other.inheritAge(s);
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
