import { fixed, mdCell, mdTable, pct } from '../report/format.js';
import { ATTRIBUTION_PARTS, attributeChange, policyWeightsChanged, type AssetAttribution, type AttributionPart } from './attribution.js';
import type { SnapshotV1 } from './schema.js';
import { signed, termSafe, textTable } from './text-table.js';

/** Renderers for change attribution: Markdown (report.md, review.md) and plain text (`secsli diff`). */

export const PART_TITLES: Record<AttributionPart, string> = {
  newFindings: 'New',
  fixed: 'Fixed/closed',
  exceptions: 'Exceptions',
  inventory: 'Inventory',
  policy: 'Policy',
  rescored: 'Re-scored',
  unmeasured: 'Not measured',
};

const EPS = 0.005;
/** A status that moved is a change even when risk did not: a deadline passed, an incident went unanswered, coverage came back. */
const statusMoved = (r: AssetAttribution): boolean => r.presence === 'both' && r.statusA !== r.statusB;
const isChanged = (r: AssetAttribution): boolean => statusMoved(r) || Math.abs(r.delta) >= EPS || r.notes.length > 0 || ATTRIBUTION_PARTS.some((p) => Math.abs(r.parts[p]) >= EPS);

const RANK: Record<string, number> = { OK: 0, 'AT RISK': 1, BREACHED: 2 };
/** A status that got worse (OK → AT RISK → BREACHED) is what an alert was about: those first. */
const gotWorse = (r: AssetAttribution): boolean => statusMoved(r) && (RANK[r.statusB ?? ''] ?? -1) > (RANK[r.statusA ?? ''] ?? 99);

/** Statuses that got worse first, then the largest change, then asset id. */
const byImpact = (x: AssetAttribution, y: AssetAttribution): number =>
  Number(gotWorse(y)) - Number(gotWorse(x)) || Math.abs(y.delta) - Math.abs(x.delta) || (x.assetId < y.assetId ? -1 : x.assetId > y.assetId ? 1 : 0);

/** Why the later run gave its status, when the status moved: the rules that set it (none: OK). */
function statusWhy(r: AssetAttribution, b: SnapshotV1): string {
  if (!statusMoved(r)) return '';
  const reasons = b.assets.find((x) => x.id === r.assetId)?.statusReasons ?? [];
  return `${r.statusB}: ${reasons.length ? reasons.join('; ') : 'no rule holds'}`;
}

function mainDriver(r: AssetAttribution, b: SnapshotV1): string {
  const d = r.drivers[0];
  const finding = d ? `${d.title || d.findingId} (${d.severity}; ${d.note}; ${PART_TITLES[d.part].toLowerCase()} ${signed(d.amount)})` : '';
  const why = statusWhy(r, b);
  return why && finding ? `${why} — ${finding}` : why || finding;
}

export function policyLine(a: SnapshotV1, b: SnapshotV1): string {
  if (a.policyHash === b.policyHash) return `Policy unchanged (${a.policyHash}).`;
  const what = [policyWeightsChanged(a, b) ? 'weights changed' : '', a.kev.version !== b.kev.version ? `KEV catalog ${a.kev.version} → ${b.kev.version}` : ''].filter(Boolean);
  return `Policy changed: ${a.policyHash} → ${b.policyHash}${what.length ? ` (${what.join('; ')})` : ''}.`;
}

const status = (r: AssetAttribution) => (r.statusA === r.statusB ? (r.statusB ?? '') : `${r.statusA ?? '—'} → ${r.statusB ?? '—'}`);
/** A run that did not fully measure the asset: its risk and budget used are lower bounds ("≥", as `trend` prints them). */
const atLeast = (measured: boolean | null) => (measured === false ? '≥ ' : '');
const risk = (r: AssetAttribution) => `${r.riskA === null ? '—' : atLeast(r.measuredA) + fixed(r.riskA)} → ${r.riskB === null ? '—' : atLeast(r.measuredB) + fixed(r.riskB)}`;
const used = (r: AssetAttribution) =>
  `${r.budgetUsedA === null ? pct(null, 0) : atLeast(r.measuredA) + pct(r.budgetUsedA, 0)} → ${r.budgetUsedB === null ? pct(null, 0) : atLeast(r.measuredB) + pct(r.budgetUsedB, 0)}`;

export interface AttributionRenderOptions {
  /** How to name the earlier run ("2026-11-20T000000Z"); default its as-of. */
  labelA?: string;
  labelB?: string;
  /** Heading level of the section title (default 2). */
  level?: number;
}

/** A Markdown section: one row per changed asset, parts that add up to the change, main driver. */
export function renderAttributionMarkdown(a: SnapshotV1, b: SnapshotV1, rows: AssetAttribution[] = attributeChange(a, b), opts: AttributionRenderOptions = {}): string {
  const changed = rows.filter(isChanged).sort(byImpact);
  const head = `${'#'.repeat(opts.level ?? 2)} What changed since ${mdCell(opts.labelA ?? a.asOf)}`;
  const out = [head, '', `${mdCell(policyLine(a, b))} Each row's parts add up to its Δ risk (risk points, exposure included); see docs/review.md for the rules.`, ''];
  if (changed.length === 0) return [...out, 'No asset changed.', ''].join('\n');
  out.push(
    mdTable(
      ['Asset', 'Status', 'Risk', 'Budget used', 'Δ risk', ...ATTRIBUTION_PARTS.map((p) => PART_TITLES[p]), 'Main driver', 'Inventory notes'],
      changed.map((r) => [
        `**${mdCell(r.assetId)}**`,
        mdCell(status(r)),
        risk(r),
        mdCell(used(r)),
        signed(r.delta),
        ...ATTRIBUTION_PARTS.map((p) => signed(r.parts[p])),
        mdCell(mainDriver(r, b)),
        mdCell(r.notes.join('; ')),
      ]),
      ['l', 'l', 'r', 'r', 'r', ...ATTRIBUTION_PARTS.map(() => 'r' as const), 'l', 'l'],
    ),
  );
  const same = rows.length - changed.length;
  if (same > 0) out.push('', `${same} other asset(s) unchanged.`);
  return out.join('\n') + '\n';
}

/** The terminal form for `secsli diff`: the same numbers, aligned, with the top drivers under the table. */
export function renderAttributionText(
  a: SnapshotV1,
  b: SnapshotV1,
  rows: AssetAttribution[] = attributeChange(a, b),
  opts: AttributionRenderOptions & { drivers?: number } = {},
): string {
  const changed = rows.filter(isChanged).sort(byImpact);
  const out = [`${opts.labelA ?? a.asOf} → ${opts.labelB ?? b.asOf}`, policyLine(a, b), ''];
  if (changed.length === 0) return [...out, 'No asset changed.', ''].join('\n');
  out.push(
    textTable(
      ['asset', 'status', 'risk', 'budget used', 'Δ risk', ...ATTRIBUTION_PARTS.map((p) => PART_TITLES[p].toLowerCase())],
      changed.map((r) => [r.assetId, status(r), risk(r), used(r), signed(r.delta), ...ATTRIBUTION_PARTS.map((p) => signed(r.parts[p]))]),
      ['l', 'l', 'r', 'r', 'r', ...ATTRIBUTION_PARTS.map(() => 'r' as const)],
    ),
  );
  const n = opts.drivers ?? 3;
  for (const r of changed) {
    const why = statusWhy(r, b);
    const lines = [
      ...(why ? [`  status ${why}`] : []),
      ...r.notes.map((x) => `  ${x}`),
      ...r.drivers.slice(0, n).map((d) => `  ${signed(d.amount).padStart(8)}  ${PART_TITLES[d.part].toLowerCase()}: ${d.findingId} ${d.severity} — ${d.note}`),
    ];
    if (r.drivers.length > n) lines.push(`  …and ${r.drivers.length - n} more finding(s)`);
    if (lines.length) out.push(termSafe(`${r.assetId}:`), ...lines.map(termSafe));
  }
  const same = rows.length - changed.length;
  if (same > 0) out.push('', `${same} other asset(s) unchanged.`);
  return out.join('\n') + '\n';
}

/** report.md's change section when the runs are too large to attribute there: where to look instead. */
export function renderChangesTooLarge(previousName: string, previousDir: string): string {
  return `## What changed since ${previousName}\n\nToo many findings to attribute here; run \`secsli diff ${previousDir} <this run>\`.\n`;
}
