import type { MatchResult } from '../config/inventory.js';
import type { Asset } from '../config/schema.js';
import type { Policy } from '../config/policy.js';
import { endMs, firstSeenMs, type Finding } from '../model/finding.js';
import type { KevCatalog } from '../model/kev.js';
import { isoOf } from '../model/time.js';
import { deadlineTable, type Deadline, type DeadlineRule, type DeadlineTable } from './deadlines.js';
import { exposureWeight, FactorCache, factorInputs, factorsFrom } from './factors.js';
import { isIncident } from './incidents.js';
import type { Aggregate } from './aggregate.js';
import type { RemediationEvent } from './remediation.js';
import type { ExclusionReason, Factors, ScoredFinding } from './types.js';

/** The (finding, asset) rows score() builds, and the per-run caches they share. */

const DAY = 86_400_000;
/** The total order every list in a result follows (and every sum adds up in). */
export const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** Rank order of an asset's counted rows: risk descending, ties by id (the damped aggregate weighs the k-th by 1/k). */
export const rankOrder = (a: ScoredFinding, b: ScoredFinding) => b.factors.risk - a.factors.risk || byId(a.finding, b.finding);

/** What every row of one asset shares: kept once per asset instead of once per row. */
class AssetContext {
  /** The asset's aggregate (finishAsset): contribution and "if fixed" per rank of its counted rows. */
  agg: Aggregate | undefined = undefined;
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

const F_OVERDUE = 1,
  F_REM = 2,
  F_REM_WITHIN = 4,
  /** `state >> RANK_SHIFT` is 1 + the row's rank among the asset's counted rows, 0 when not counted. */
  RANK_SHIFT = 3;

/**
 * One (finding, asset) row. A class rather than an object literal so a million of them stay small:
 * what the asset's rows share (asset id, exposure, deadline table, now, the aggregate) is one
 * AssetContext; factors and match results are shared objects; flags and the rank are one small
 * integer; `ageDays`, `slaDays`, `dueAt`, `remediation`, `contribution` and `ifFixed` are derived on
 * read (the last two from the asset's aggregate, once finishAsset has ranked the row).
 */
export class Scored implements ScoredFinding {
  excluded: ExclusionReason | undefined = undefined;
  private state = 0;
  /** The row of another source whose earlier sighting sets this row's age (see inheritAge). */
  private ageRow: Scored | undefined = undefined;
  constructor(
    readonly finding: Finding,
    private readonly ctx: AssetContext,
    private readonly entry: FactorEntry,
    private readonly match: MatchResult,
  ) {}
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
    const m = this.match;
    return m.matchedByAsset ? m.matchedByAsset[m.assetIds.indexOf(this.ctx.assetId)] : m.matchedBy;
  }
  get ambiguous(): boolean {
    return this.match.ambiguous;
  }
  /** This finding's term of the asset's risk when counted, else 0 (sums to R). */
  get contribution(): number {
    const rank = (this.state >> RANK_SHIFT) - 1;
    return rank < 0 ? 0 : this.ctx.agg!.contributions[rank]!;
  }
  /** R minus R re-scored without this finding, when counted, else 0. */
  get ifFixed(): number {
    const rank = (this.state >> RANK_SHIFT) - 1;
    return rank < 0 ? 0 : this.ctx.agg!.reductions[rank]!;
  }
  private deadline(): Deadline {
    const f = this.finding;
    return this.ctx.deadlines[f.severity][isIncident(f) ? 2 : this.entry.exploited ? 1 : 0];
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
  /** Days open: from the earliest sighting (this row's, or the other source's that set its age) to now, or to when this row's finding closed. */
  get ageDays(): number {
    const f = this.finding;
    const end = f.status === 'open' ? this.ctx.nowMs : endMs(f);
    return Math.max(0, (end - firstSeenMs((this.ageRow ?? this).finding)) / DAY);
  }
  get ageFrom(): string | undefined {
    return this.ageRow?.finding.id;
  }
  /** The same vulnerability was seen earlier by another source: its clock is the one that runs. */
  inheritAge(from: Scored): void {
    if (firstSeenMs(from.finding) >= firstSeenMs((this.ageRow ?? this).finding)) return;
    this.ageRow = from;
  }
  get dueAt(): string {
    return isoOf(this.dueMs());
  }
  get overdue(): boolean {
    return (this.state & F_OVERDUE) !== 0;
  }
  get remediation(): { weight: number; withinSla: boolean } | undefined {
    return this.state & F_REM ? { weight: this.entry.fx.risk, withinSla: (this.state & F_REM_WITHIN) !== 0 } : undefined;
  }
  /** finishAsset's verdict: overdue, and whether it is a remediation event in the window (and a good one). */
  finish(overdue: boolean, event: RemediationEvent | undefined): void {
    this.state = (this.state & ~(F_OVERDUE | F_REM | F_REM_WITHIN)) | (overdue ? F_OVERDUE : 0) | (event ? F_REM : 0) | (event?.good ? F_REM_WITHIN : 0);
  }
  /** finishAsset's ranking: `rank` is this row's position in `agg` (the asset's counted rows in rank order). */
  ranked(rank: number, agg: Aggregate): void {
    this.ctx.agg = agg;
    this.state = (this.state & ((1 << RANK_SHIFT) - 1)) | ((rank + 1) << RANK_SHIFT);
  }
}

const PASSED: ExclusionReason = { kind: 'passed-control' };

/** Builds the rows of one run. Per-run caches: equal factors and exclusion reasons are shared between rows (never mutated). */
export class RowFactory {
  private factorCache = new FactorCache<FactorEntry>();
  private readonly closed = new Map<string, ExclusionReason>();
  private readonly exceptions = new Map<string, ExclusionReason>();
  private readonly assets = new Map<string, AssetContext>();
  private readonly nowMs: number;
  constructor(
    private readonly policy: Policy,
    private readonly kev: KevCatalog,
    now: Date,
  ) {
    this.nowMs = now.getTime();
  }

  /** The finding of the previous row: a finding claimed by several assets gets its factors once. */
  private lastFinding: Finding | undefined = undefined;
  private lastEntry: FactorEntry | undefined = undefined;

  private factorsOf(f: Finding): FactorEntry {
    if (f === this.lastFinding) return this.lastEntry!;
    this.lastFinding = f;
    return (this.lastEntry = this.lookUpFactors(f));
  }

  private lookUpFactors(f: Finding): FactorEntry {
    const inputs = factorInputs(f, this.kev);
    let hit = this.factorCache.get(inputs);
    if (!hit) {
      hit = factorsFrom(inputs, this.policy);
      if (this.factorCache.size < 100_000) this.factorCache.set(inputs, hit);
    }
    return hit;
  }

  /** The shared context of an asset's rows. */
  assetContext(asset: Asset): AssetContext {
    let c = this.assets.get(asset.id);
    if (!c) {
      c = new AssetContext(asset.id, exposureWeight(asset.exposure, this.policy), deadlineTable(asset.exposure, this.policy), this.nowMs);
      this.assets.set(asset.id, c);
    }
    return c;
  }

  row(f: Finding, asset: AssetContext, match: MatchResult): Scored {
    const sf = new Scored(f, asset, this.factorsOf(f), match);
    if (f.compliance === 'passed') sf.excluded = PASSED;
    else if (f.status !== 'open') {
      let ex = this.closed.get(f.status);
      if (!ex) this.closed.set(f.status, (ex = { kind: 'closed', status: f.status }));
      sf.excluded = ex;
    }
    return sf;
  }

  /**
   * Every row is built: the caches go (rows keep the shared values they took). At a million
   * findings the factor cache alone is tens of MB of nested maps, and fixes and totals are planned
   * after this — their working set then need not sit beside it.
   */
  done(): void {
    this.factorCache = new FactorCache<FactorEntry>();
    this.closed.clear();
    this.exceptions.clear();
    this.lastFinding = undefined;
    this.lastEntry = undefined;
  }

  excepted(id: string): ExclusionReason {
    let ex = this.exceptions.get(id);
    if (!ex) this.exceptions.set(id, (ex = { kind: 'excepted', exceptionId: id }));
    return ex;
  }
}
