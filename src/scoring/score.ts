import type { Inventory, Matcher } from '../config/inventory.js';
import type { Policy } from '../config/policy.js';
import { policyHash } from '../config/policy.js';
import { firstSeenMs, type Finding, type Rejected } from '../model/finding.js';
import type { KevCatalog } from '../model/kev.js';
import type { SourceStatus } from '../model/source-status.js';
import { rejectedByAsset } from './coverage.js';
import { dedupeAcrossSources } from './dedupe.js';
import { exceptionMatches, exceptionState, expiryInstant } from './exceptions.js';
import { planFixes } from './fixes.js';
import { byId, RowFactory, type Scored } from './rows.js';
import { compareAssets } from './status.js';
import { finishAsset } from './totals.js';
import type { AssetResult, ExceptionState, ScoreResult, SourceSummary } from './types.js';

/**
 * score(): match every finding to its assets, build the (finding, asset) rows (rows.ts), apply
 * exceptions, count a vulnerability reported by two sources once (dedupe.ts), and total each asset
 * (totals.ts).
 */

export interface ScoreInput {
  /** Unique by id (the finding store keeps the most recently updated copy). */
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
  /**
   * Score one asset (`--asset`): the result holds only it, the ambiguous findings and exceptions that
   * concern it, and no unmapped findings. Sources and totals still describe the whole collection.
   */
  scope?: { asset: string };
}

/** The whole model: pure and deterministic. Same input → same result, field for field. */
export function score(input: ScoreInput): ScoreResult {
  const { inventory, matcher, policy, kev, now } = input;
  // Input order does not matter: every list in the result (and every sum) follows finding ids.
  const findings = input.findings;
  const only = input.scope?.asset;
  const rows = new RowFactory(policy, kev, now);
  const scoredAssets = only === undefined ? inventory.assets : inventory.assets.filter((a) => a.id === only);

  const unmapped: Finding[] = [];
  const ambiguous: ScoreResult['ambiguous'] = [];
  const inScope = only === undefined ? inventory.exceptions : inventory.exceptions.filter((ex) => ex.asset === only);
  const exStates = inScope.map((ex) => ({ ex, state: exceptionState(ex, now, policy.exceptionWarnDays), matched: 0 }));
  // Per asset: its rows, their shared context and the exceptions that can apply (in file order).
  const slots = new Map(scoredAssets.map((a) => [a.id, { asset: a, ctx: rows.assetContext(a), rows: [] as Scored[], exceptions: [] as typeof exStates }]));
  for (const e of exStates) if (e.state !== 'expired') slots.get(e.ex.asset)?.exceptions.push(e);

  const nowMs = now.getTime();
  let afterAsOf = 0;
  for (const f of findings) {
    // Not yet seen at the time this run measures (a back-dated --as-of, or found while collecting):
    // it did not exist then, so it is in no score, no list and no coverage claim of this run.
    if (firstSeenMs(f) > nowMs) {
      afterAsOf++;
      continue;
    }
    const m = matcher.match(f);
    const ids = m.assetIds;
    if (ids.length === 0) {
      if (only === undefined && f.status === 'open' && f.compliance !== 'passed') unmapped.push(f);
      continue;
    }
    if (m.ambiguous && (only === undefined || ids.includes(only))) ambiguous.push({ finding: f, assetIds: ids });
    for (const assetId of ids) {
      const slot = slots.get(assetId);
      if (!slot) continue;
      const sf = rows.row(f, slot.ctx, m);
      if (sf.excluded === undefined && slot.exceptions.length > 0) {
        for (const e of slot.exceptions) {
          if (!exceptionMatches(e.ex, f)) continue;
          sf.excluded = rows.excepted(e.ex.id);
          e.matched++;
          break;
        }
      }
      slot.rows.push(sf);
    }
  }

  rows.done();

  unmapped.sort(byId);
  ambiguous.sort((a, b) => byId(a.finding, b.finding));
  const totals = {
    policy,
    now,
    matcher,
    statuses: input.sources.map((s) => s.status),
    previousRisk: input.previousRisk,
    rejected: rejectedByAsset(input.rejected, matcher, scoredAssets),
  };
  const ranked = new Map<AssetResult, Scored[]>();
  const assets: AssetResult[] = scoredAssets.map((asset) => {
    // Id order, so sums add up in the same order whatever the input order (floating point).
    const scored = slots.get(asset.id)!.rows.sort((a, b) => byId(a.finding, b.finding));
    dedupeAcrossSources(scored);
    const { result, counted } = finishAsset(asset, scored, totals);
    ranked.set(result, counted);
    return result;
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
    afterAsOf,
    fixes: planFixes(assets, ranked, policy, now.getTime()),
  };
}

function countBySource(findings: readonly Finding[], source: Finding['source']): number {
  let n = 0;
  for (const f of findings) if (f.source === source) n++;
  return n;
}
