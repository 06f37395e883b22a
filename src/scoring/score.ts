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
import { aggregate } from './aggregate.js';
import { deadlineTable, type Deadline, type DeadlineRule, type DeadlineTable } from './deadlines.js';
import { planFixes } from './fixes.js';
import { isIncident, summarizeIncidents } from './incidents.js';
import { remediationSli, remediationState, type RemediationEvent } from './remediation.js';
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
  /** Per collector; `findings`/`rejected`: what that collector yielded (before de-duplication by id). */
  sources: readonly { status: SourceStatus; describe: string; findings?: number; rejected?: number }[];
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
      const sf = ctx.scoreFinding(f, ctx.assetContext(asset), m.matchedBy, m.ambiguous);
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

  const sources: SourceSummary[] = input.sources.map((src) => ({
    source: src.status.source,
    describe: src.describe,
    origins: src.status.origins,
    complete: src.status.complete,
    problems: src.status.problems,
    records: src.status.records,
    findings: src.findings ?? countBySource(findings, src.status.source),
    rejected: src.rejected ?? input.rejected.filter((r) => r.source === src.status.source).length,
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
    fixes: planFixes(assets, policy, now.getTime()),
  };
}

function countBySource(findings: readonly Finding[], source: Finding['source']): number {
  let n = 0;
  for (const f of findings) if (f.source === source) n++;
  return n;
}

/** Epoch ms of a finding's first sighting (without re-parsing when the finding keeps it as a number). */
const firstSeenMs = (f: Finding): number => (f instanceof CompactFinding ? f.firstSeenMs : Date.parse(f.firstSeen));
/** Epoch ms of closedAt (else updatedAt), as `Date.parse(f.closedAt ?? f.updatedAt)`. */
const closedMs = (f: Finding): number => endMs(f);
const endMs = (f: Finding): number => (f instanceof CompactFinding ? f.endMs : Date.parse(f.closedAt ?? f.updatedAt));

/** What every row of one asset shares: kept once per asset instead of once per row. */
class AssetContext {
  constructor(
    readonly assetId: string,
    readonly exposure: number,
    readonly deadlines: DeadlineTable,
    readonly nowMs: number,
  ) {}
}

/** Factors of a finding and whether it is known exploited: shared between rows with equal inputs. */
interface FactorEntry {
  readonly fx: Factors;
  readonly exploited: boolean;
}

const F_AMBIGUOUS = 1, F_OVERDUE = 4, F_REM = 8, F_REM_WITHIN = 16;

/**
 * One (finding, asset) row. A class rather than an object literal so a million of them stay small:
 * what the asset's rows share (asset id, exposure, SLA table, now) is one AssetContext; factors and
 * match results are shared objects; flags are one small integer; `ageDays`, `slaDays`, `dueAt`,
 * `contribution` and `remediation` are derived on read.
 */
class Scored implements ScoredFinding {
  excluded: ExclusionReason | undefined = undefined;
  /** Set by finishAsset once the asset's aggregate is known (0 when not counted). */
  contribution = 0;
  ifFixed = 0;
  private flags: number;
  /** The row of another source whose earlier sighting sets this row's age (see inheritAge). */
  private ageRow: Scored | undefined = undefined;
  constructor(
    readonly finding: Finding,
    private readonly ctx: AssetContext,
    private readonly entry: FactorEntry,
    private readonly by: string | undefined,
    ambiguous: boolean,
  ) {
    this.flags = ambiguous ? F_AMBIGUOUS : 0;
  }
  get assetId(): string {
    return this.ctx.assetId;
  }
  get factors(): Factors {
    return this.entry.fx;
  }
  get knownExploited(): boolean {
    return this.entry.exploited;
  }
  get exposure(): number {
    return this.ctx.exposure;
  }
  get matchedBy(): string | undefined {
    return this.by;
  }
  get ambiguous(): boolean {
    return (this.flags & F_AMBIGUOUS) !== 0;
  }
  private deadline(): Deadline {
    return this.ctx.deadlines[this.finding.severity][this.entry.exploited ? 1 : 0];
  }
  get slaDays(): number {
    return this.deadline().days;
  }
  get dueRule(): DeadlineRule {
    return this.deadline().rule;
  }
  /** Epoch ms of the due date (from the earliest sighting by any source). */
  dueMs(): number {
    return firstSeenMs((this.ageRow ?? this).finding) + this.slaDays * DAY;
  }
  /** Days this row's own finding has been open (to now, or to when it closed). */
  private ownAgeDays(): number {
    const f = this.finding;
    const end = f.status === 'open' ? this.ctx.nowMs : endMs(f);
    return Math.max(0, (end - firstSeenMs(f)) / DAY);
  }
  get ageDays(): number {
    return (this.ageRow ?? this).ownAgeDays();
  }
  get ageFrom(): string | undefined {
    return this.ageRow?.finding.id;
  }
  /** The same vulnerability was seen earlier by another source: its clock is the one that runs. */
  inheritAge(from: Scored): void {
    if (from.ageDays <= this.ageDays) return;
    this.ageRow = from;
  }
  get dueAt(): string {
    return new Date(this.dueMs()).toISOString();
  }
  get overdue(): boolean {
    return (this.flags & F_OVERDUE) !== 0;
  }
  get remediation(): { weight: number; withinSla: boolean } | undefined {
    return this.flags & F_REM ? { weight: this.entry.fx.risk, withinSla: (this.flags & F_REM_WITHIN) !== 0 } : undefined;
  }
  /** finishAsset's verdict: overdue, and whether it is a remediation event in the window (and a good one). */
  finish(overdue: boolean, event: RemediationEvent | undefined): void {
    this.flags = (this.flags & F_AMBIGUOUS) | (overdue ? F_OVERDUE : 0) | (event ? F_REM : 0) | (event?.good ? F_REM_WITHIN : 0);
  }
}

const PASSED: ExclusionReason = { kind: 'passed-control' };

/** Per-run caches: equal factors and exclusion reasons are shared between rows (never mutated). */
class ScoringContext {
  private readonly factorCache = new Map<string, FactorEntry>();
  private readonly closed = new Map<string, ExclusionReason>();
  private readonly exceptions = new Map<string, ExclusionReason>();
  private readonly assets = new Map<string, AssetContext>();
  private readonly nowMs: number;
  constructor(private readonly input: ScoreInput) {
    this.nowMs = input.now.getTime();
  }

  private factorsOf(f: Finding): FactorEntry {
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

  /** The shared context of an asset's rows. */
  assetContext(asset: Asset): AssetContext {
    let c = this.assets.get(asset.id);
    if (!c) {
      const { policy } = this.input;
      c = new AssetContext(asset.id, exposureWeight(asset.exposure, policy), deadlineTable(asset.exposure, policy), this.nowMs);
      this.assets.set(asset.id, c);
    }
    return c;
  }

  scoreFinding(f: Finding, asset: AssetContext, matchedBy: string | undefined, ambiguous: boolean): ScoredFinding {
    const sf = new Scored(f, asset, this.factorsOf(f), matchedBy, ambiguous);
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

const INCIDENT: ExclusionReason = { kind: 'incident' };

function finishAsset(asset: Asset, scored: ScoredFinding[], statuses: SourceStatus[], input: ScoreInput): AssetResult {
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

  for (const s of scored as Scored[]) {
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
    const state = isCounted || closedOk ? remediationState(isCounted, s.dueMs(), closedMs(f), nowMs, windowStart) : undefined;
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
  const agg = aggregate(counted.map((s) => s.factors.risk), exposure, policy.aggregation);
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
  const coverage = assetCoverage(asset, statuses, (repo, id) => matcher.assetsForRepo(repo).includes(id));
  const { status, rule, reasons } = assetStatus(
    {
      risk, budget, remediation, coverage, kevPastDue, kevOpenInternet: asset.exposure === 'internet' ? kevOpen : 0,
      incidentsPastTarget: incidents.pastTarget, incidentsOpenHighCritical: incidents.openHighCritical,
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
