import { canonicalJson } from '../config/policy.js';
import { contributionOf, exposureWeightOf, isCounted, isCovered, type AssetV1, type FindingV1, type SnapshotV1 } from './schema.js';

/**
 * Change attribution between two runs (docs/review.md, "Attribution"). For every asset, the change
 * in risk (points, exposure included) is split into parts that add up to it:
 *
 * - newFindings: counted in B, absent/closed in A (reopened counts as new); a report that becomes
 *   the duplicate of another source's new report of the same vulnerability leaves with it here.
 * - fixed: counted in A, closed or gone in B; a duplicate that counts again because the other
 *   source's report closed comes back here.
 * - exceptions: counted ↔ excepted (an exception added, or expired/removed).
 * - inventory: the asset was added/removed, its exposure label changed, or a finding moved onto or
 *   off the asset while still present in the other run (selectors changed).
 * - policy: the policy's weights changed (exposure weights, or finding weights).
 * - rescored: the same finding counted in both runs weighs differently with the same policy weights
 *   (severity, CVSS, EPSS, KEV listing or scope changed at the source, or a new KEV catalog).
 * - unmeasured: a finding absent from a run in which the asset was not fully measured (UNKNOWN, a
 *   coverage gap): nobody looked, so it is neither fixed (gone from B) nor new (absent from A).
 *
 * A finding counted in both runs splits as c_B − c_A = (e_B − e_A)·t_A + (c_B − c_A − (e_B − e_A)·t_A),
 * t_A = c_A / e_A its exposure-free term (r_A, or r_A / rank when damped): the exposure part goes to
 * inventory (label changed) or policy (weights changed); the rest to policy when the weights
 * changed; else, with its risk unchanged, it was re-ranked by damping — to newFindings when it moved
 * down (heavier findings arrived), to fixed when it moved up (heavier ones left); else rescored. Snapshots do not carry the raw finding, so a
 * finding that changed at the source in the same run as a policy change is all policy.
 */

export const ATTRIBUTION_PARTS = ['newFindings', 'fixed', 'exceptions', 'inventory', 'policy', 'rescored', 'unmeasured'] as const;
export type AttributionPart = (typeof ATTRIBUTION_PARTS)[number];
type AttributionParts = Record<AttributionPart, number>;

interface Driver {
  findingId: string;
  title: string;
  severity: string;
  part: AttributionPart;
  /** Risk points this finding moved into this part (signed). */
  amount: number;
  note: string;
}

export interface AssetAttribution {
  assetId: string;
  owner: string;
  presence: 'both' | 'added' | 'removed';
  riskA: number | null;
  riskB: number | null;
  budgetUsedA: number | null;
  budgetUsedB: number | null;
  statusA: string | null;
  statusB: string | null;
  /** Every source the asset expects answered fully for it in that run (null: not in that run's inventory). */
  measuredA: boolean | null;
  measuredB: boolean | null;
  /** riskB − riskA (an absent side counts as 0). Equals the sum of `parts` up to float rounding. */
  delta: number;
  parts: AttributionParts;
  /** Inventory changes in words ("exposure internal → internet"); a policy change is run-wide, see policyWeightsChanged. */
  notes: string[];
  /** Every finding that moved risk, largest |amount| first, then finding id. */
  drivers: Driver[];
}

const zero = (): AttributionParts => ({ newFindings: 0, fixed: 0, exceptions: 0, inventory: 0, policy: 0, rescored: 0, unmeasured: 0 });
const byId = <T extends { id: string }>(xs: readonly T[]) => new Map(xs.map((x) => [x.id, x]));

export function budgetUsedOf(a: AssetV1): number | null {
  return a.budgetUsed ?? (a.budget ? a.risk / a.budget : null);
}

/** Every finding id a run mentions anywhere: on an asset, unmapped or ambiguous. */
function presentIds(s: SnapshotV1): Set<string> {
  const ids = new Set<string>();
  for (const a of s.assets) for (const f of a.findings) ids.add(f.id);
  addSummaryIds(s, (id) => ids.add(id));
  return ids;
}

/** The finding ids a run's summary names outside its assets' findings (unmapped, ambiguous). */
export function addSummaryIds(s: SnapshotV1, add: (id: string) => void): void {
  for (const u of s.unmapped) for (const id of u.findingIds) add(id);
  for (const x of s.ambiguous) add(x.findingId);
}

/**
 * What attributing one asset needs of the two whole runs: their summaries (assets' findings
 * not needed) and whether a finding id appears anywhere in each.
 */
export interface AttributionContext {
  a: SnapshotV1;
  b: SnapshotV1;
  inA: (id: string) => boolean;
  inB: (id: string) => boolean;
  weightsChanged: boolean;
}

export function attributionContext(a: SnapshotV1, b: SnapshotV1, inA: (id: string) => boolean, inB: (id: string) => boolean): AttributionContext {
  return { a, b, inA, inB, weightsChanged: policyWeightsChanged(a, b) };
}

/** Every asset of either run, sorted by id: the order of attributeChange's rows. */
export function assetIdsOf(a: SnapshotV1, b: SnapshotV1): string[] {
  return [...new Set([...a.assets.map((x) => x.id), ...b.assets.map((x) => x.id)])].sort();
}

/** Did the policy's weights (not just the KEV catalog) change? Unknown policy: judged by the hash. */
export function policyWeightsChanged(a: SnapshotV1, b: SnapshotV1): boolean {
  if (a.policy && b.policy) return canonicalJson(a.policy) !== canonicalJson(b.policy);
  return a.policyHash !== b.policyHash;
}

function inventoryNotes(x: AssetV1, y: AssetV1): string[] {
  const notes: string[] = [];
  if (x.owner !== y.owner) notes.push(`owner ${x.owner} → ${y.owner}`);
  if (x.criticality !== y.criticality) notes.push(`criticality ${x.criticality} → ${y.criticality} (budget ${x.budget ?? '?'} → ${y.budget ?? '?'})`);
  if (x.exposure !== y.exposure) notes.push(`exposure ${x.exposure} → ${y.exposure}`);
  if (notes.length === 0 && x.definitionHash && y.definitionHash && x.definitionHash !== y.definitionHash) notes.push('selectors changed');
  return notes;
}

export function attributeChange(a: SnapshotV1, b: SnapshotV1): AssetAttribution[] {
  const assetsA = byId(a.assets);
  const assetsB = byId(b.assets);
  const inA = presentIds(a);
  const inB = presentIds(b);
  const ctx = attributionContext(
    a,
    b,
    (id) => inA.has(id),
    (id) => inB.has(id),
  );
  return assetIdsOf(a, b).map((id) => {
    const x = assetsA.get(id);
    const y = assetsB.get(id);
    return attributeAsset(ctx, id, x, x?.findings ?? [], y, y?.findings ?? []);
  });
}

/**
 * One asset's change: `x` and `y` its entries in A and B (absent: not in that run's inventory),
 * `fx` and `fy` its findings there (a streaming reader passes them without attaching them).
 */
export function attributeAsset(
  ctx: AttributionContext,
  id: string,
  x: AssetV1 | undefined,
  fx: readonly FindingV1[],
  y: AssetV1 | undefined,
  fy: readonly FindingV1[],
): AssetAttribution {
  const { a, b, inA, inB, weightsChanged } = ctx;
  const parts = zero();
  const drivers: Driver[] = [];
  const add = (f: FindingV1, part: AttributionPart, amount: number, note: string) => {
    if (amount === 0) return;
    parts[part] += amount;
    drivers.push({ findingId: f.id, title: f.title, severity: f.severity, part, amount, note });
  };
  const notes: string[] = [];
  if (!x || !y) {
    const [s, asset, list, sign] = x ? [a, x, fx, -1] : [b, y!, fy, 1];
    notes.push(x ? 'asset removed from the inventory' : 'asset added to the inventory');
    for (const f of list) add(f, 'inventory', sign * contributionOf(s, asset, f), notes[0]!);
  } else {
    notes.push(...inventoryNotes(x, y));
    const eA = exposureWeightOf(a, x);
    const eB = exposureWeightOf(b, y);
    const exposurePart: AttributionPart = x.exposure !== y.exposure ? 'inventory' : 'policy';
    const fa = byId(fx);
    const fb = byId(fy);
    // Whether each run measured the asset fully: once per asset, not once per finding.
    const coveredX = isCovered(x);
    const coveredY = isCovered(y);
    for (const fid of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
      const p = fa.get(fid);
      const q = fb.get(fid);
      const ca = p ? contributionOf(a, x, p) : 0;
      const cb = q ? contributionOf(b, y, q) : 0;
      if (p && q && isCounted(p) && isCounted(q)) {
        // ca / eA is the finding's exposure-free term (risk, or risk / rank when damped).
        const byExposure = (eB - eA) * (eA > 0 ? ca / eA : p.risk);
        add(q, exposurePart, byExposure, exposurePart === 'inventory' ? 'exposure changed' : 'exposure weights changed');
        const rest = cb - ca - byExposure;
        if (weightsChanged) add(q, 'policy', rest, 'policy weights changed');
        // Same risk, other term: damping re-ranked it — heavier findings arrived (it moved down) or
        // left (up); or the run on that side did not measure the asset, and nobody saw them there.
        else if (p.risk === q.risk) {
          if (rest < 0)
            add(
              q,
              coveredX ? 'newFindings' : 'unmeasured',
              rest,
              coveredX ? 'ranked lower: heavier findings arrived' : 'ranked lower: heavier findings the earlier run did not measure',
            );
          else
            add(
              q,
              coveredY ? 'fixed' : 'unmeasured',
              rest,
              coveredY ? 'ranked higher: heavier findings left' : 'ranked higher: heavier findings not reported by the later run, which did not fully measure this asset',
            );
        } else add(q, 'rescored', rest, `re-scored (risk ${p.risk} → ${q.risk})`);
      } else if (q && isCounted(q)) {
        if (p?.excluded?.kind === 'excepted') add(q, 'exceptions', cb, `exception ${p.excluded.exceptionId ?? '(unnamed)'} no longer applies`);
        else if (p?.excluded?.kind === 'duplicate') {
          // The other source's report it was a duplicate of: closed, gone, or not looked for.
          const of = p.excluded.of;
          const holder = of === undefined ? undefined : fb.get(of);
          if (!holder && !coveredY) add(q, 'unmeasured', cb, `counts again: ${of ?? 'the other report'} was not reported (the later run did not fully measure this asset)`);
          else add(q, 'fixed', cb, `counts again: ${of ?? 'the other report'} ${holder ? `closed (${holder.status})` : 'no longer reported'}`);
        } else if (!p && inA(fid)) add(q, 'inventory', cb, 'now mapped to this asset');
        else if (!p && !coveredX) add(q, 'unmeasured', cb, 'not in the earlier run, which did not fully measure this asset');
        else add(q, 'newFindings', cb, p ? `reopened (was ${p.status})` : 'new');
      } else if (p && isCounted(p)) {
        if (q?.excluded?.kind === 'excepted') add(p, 'exceptions', -ca, `accepted by exception ${q.excluded.exceptionId ?? '(unnamed)'}`);
        else if (q?.excluded?.kind === 'duplicate') {
          const of = q.excluded.of;
          // The report it now duplicates, absent from an earlier run that did not measure the asset: nobody looked for it there.
          if ((of === undefined || !fa.has(of)) && !coveredX) add(p, 'unmeasured', -ca, `now a duplicate of ${of ?? 'another report'}, which the earlier run did not measure`);
          else add(p, 'newFindings', -ca, `now a duplicate of ${of ?? 'another report'}`);
        } else if (!q && inB(fid)) add(p, 'inventory', -ca, 'no longer mapped to this asset');
        // A detection an older model weighed as risk: now an incident (response time, never risk).
        else if (q?.excluded?.kind === 'incident') add(p, 'policy', -ca, 'now an incident: measured by response time, not risk');
        else if (!q && !coveredY) add(p, 'unmeasured', -ca, 'not reported: the later run did not fully measure this asset');
        else add(p, 'fixed', -ca, q ? `closed (${q.status}${q.closeReason ? `: ${q.closeReason}` : ''})` : 'no longer reported');
      }
    }
  }
  drivers.sort((d, e) => Math.abs(e.amount) - Math.abs(d.amount) || (d.findingId < e.findingId ? -1 : d.findingId > e.findingId ? 1 : 0));
  return {
    assetId: id,
    owner: (y ?? x)!.owner,
    presence: x && y ? 'both' : x ? 'removed' : 'added',
    riskA: x?.risk ?? null,
    riskB: y?.risk ?? null,
    budgetUsedA: x ? budgetUsedOf(x) : null,
    budgetUsedB: y ? budgetUsedOf(y) : null,
    statusA: x?.status ?? null,
    statusB: y?.status ?? null,
    measuredA: x ? isCovered(x) : null,
    measuredB: y ? isCovered(y) : null,
    delta: (y?.risk ?? 0) - (x?.risk ?? 0),
    parts,
    notes,
    drivers,
  };
}
