import type { AssetResult, ScoreResult } from '../scoring/types.js';
import { canonicalJson } from '../config/policy.js';
import { groupUnmapped } from './csv.js';
import { budgetChart, budgetUsedText } from './budget-chart.js';
import { fixed, mdCell, mdLink, mdTable, pct } from './format.js';
import { incidents, nextActions } from './next-actions.js';
import { compareJoined } from '../text/order.js';
import { unplacedRejected } from './summary.js';

/** report.md: a pure renderer. Same result → same bytes. */

const TOP_RISKS = 15;
const LIST_LIMIT = 25;

export interface MarkdownMeta {
  toolVersion: string;
  previousRun?: string;
  previousPolicyHash?: string;
  /** "What changed since the previous run" (history/attribution-render), placed after the budget chart. */
  changes?: string;
  scope?: { asset: string };
  /** Inventory truth of a live run (src/drift/render.ts): a summary line and the section. */
  inventory?: { summary: string; section: string };
}

export function renderMarkdown(r: ScoreResult, meta: MarkdownMeta): string {
  const out: string[] = [];
  out.push(`# secsli risk report — ${r.asOf}`, '');
  if (r.partial) {
    out.push(
      '> **PARTIAL RUN** — at least one source failed or was cut short. Assets that depend on it are UNKNOWN',
      '> (or BREACHED when what was measured already exceeds the budget); their numbers are a lower bound.',
      '',
    );
  }
  out.push(...nextActions(r), '');
  out.push(...incidents(r), '');
  out.push(...summary(r, meta), '');
  out.push('## Assets (worst first)', '', assetTable(r.assets), '');
  out.push('### Risk budget used', '', budgetChart(r.assets), '');
  if (meta.changes) out.push(meta.changes.trim(), '');
  out.push(...topRisks(r), '');
  out.push(...owners(r), '');
  out.push(...coverageGaps(r), '');
  out.push(...exceptions(r), '');
  out.push(...inventoryGaps(r), '');
  if (meta.inventory) out.push(meta.inventory.section.trim(), '');
  out.push(...rejected(r), '');
  out.push(...sources(r), '');
  out.push(...policy(r, meta), '');
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

function summary(r: ScoreResult, meta: MarkdownMeta): string[] {
  const count = (s: string) => r.assets.filter((a) => a.status === s).length;
  let open = 0;
  for (const a of r.assets) for (const s of a.findings) if (s.excluded === undefined) open++;
  const unplaced = unplacedRejected(r).length;
  return [
    '## Summary',
    '',
    `- **${r.assets.length} assets**: ${count('BREACHED')} BREACHED, ${count('UNKNOWN')} UNKNOWN, ${count('AT RISK')} AT RISK, ${count('OK')} OK.`,
    ...notOk(r),
    `- **${r.totalFindings} findings** read; ${open} open and counted against assets, ${r.unmapped.length} open but unmapped, ${r.rejected.length} records rejected${r.afterAsOf ? `, ${r.afterAsOf} first seen after the as-of (left out: they did not exist yet)` : ''}.`,
    `- Run: ${r.partial ? '**PARTIAL**' : gapCount(r) ? `**coverage incomplete** for ${gapCount(r)} asset(s) — see Coverage gaps` : unplaced ? `**not everything read**: ${unplaced} record(s) could not be read and name no asset, so any asset of their source may miss findings — see Rejected records` : 'complete'}; policy \`${r.policyHash}\`; CISA KEV catalog ${mdCell(r.kev.version)} (${r.kev.count} CVEs).`,
    meta.previousRun ? `- Changes are against the previous run \`${mdCell(meta.previousRun)}\`.` : '- No previous run to compare with.',
    ...(meta.previousRun && meta.previousPolicyHash && meta.previousPolicyHash !== r.policyHash
      ? [
          `- **The policy changed since that run** (\`${mdCell(meta.previousPolicyHash)}\` → \`${r.policyHash}\`): part of every Δ risk comes from the new weights — see "What changed".`,
        ]
      : []),
    ...(meta.inventory ? [meta.inventory.summary] : []),
    ...(meta.scope ? [`- This report covers **one asset** (\`--asset ${mdCell(meta.scope.asset)}\`); unmapped findings and other assets are left out.`] : []),
  ];
}

/** "- Why: payments-api BREACHED (known exploited past due), …": the rule behind every status that is not OK. */
function notOk(r: ScoreResult): string[] {
  const list = r.assets.filter((a) => a.status !== 'OK');
  if (list.length === 0) return [];
  const shown = list.slice(0, LIST_LIMIT).map((a) => `${mdCell(a.asset.id)} ${a.status} (${a.statusReason})`);
  return [`- Why: ${shown.join(', ')}${list.length > LIST_LIMIT ? `, …and ${list.length - LIST_LIMIT} more` : ''}.`];
}

const gapCount = (r: ScoreResult) => r.assets.filter((a) => a.coverage.some((c) => c.status === 'gap')).length;

function sevCounts(a: AssetResult): string {
  const o = a.openBySeverity;
  return `${o.critical}/${o.high}/${o.medium}/${o.low}`;
}

/** "62.0 %", or "not enough events (3)" below the policy's minimum. */
const slaText = (a: AssetResult) => (a.remediation.sli === null ? `not enough events (${a.remediation.events})` : pct(a.remediation.sli));

function delta(a: AssetResult): string {
  if (a.previousRisk === undefined) return 'new';
  const d = a.risk - a.previousRisk;
  return Math.abs(d) < 0.005 ? '0' : `${d > 0 ? '+' : '−'}${fixed(Math.abs(d))}`;
}

function assetTable(assets: AssetResult[]): string {
  return mdTable(
    [
      'Asset',
      'Owner',
      'Criticality',
      'Exposure',
      'Status',
      'Why',
      'Risk / budget',
      'Budget used',
      'Remediation SLI (target)',
      'Incidents',
      'Coverage',
      'Open C/H/M/L',
      'Overdue',
      'Δ risk',
    ],
    assets.map((a) => [
      `**${mdCell(a.asset.id)}**`,
      mdCell(a.asset.owner),
      a.asset.criticality,
      a.asset.exposure,
      `**${a.status}**`,
      mdCell(a.statusReasons[0] ?? a.statusReason, 200),
      `${fixed(a.risk)} / ${a.budget}`,
      budgetUsedText(a.budgetUsed),
      `${slaText(a)} (${pct(a.remediation.target)})`,
      a.incidents.open.length ? `${a.incidents.open.length} open${a.incidents.pastTarget ? `, **${a.incidents.pastTarget} past response time**` : ''}` : '—',
      a.coverage.length === 0 ? 'n/a' : a.coverage.map((c) => `${c.source} ${c.status === 'covered' ? '✓' : '✗'}`).join(', '),
      sevCounts(a),
      String(a.overdue),
      delta(a),
    ]),
    ['l', 'l', 'l', 'l', 'l', 'l', 'r', 'r', 'r', 'l', 'l', 'r', 'r', 'r'],
  );
}

function topRisks(r: ScoreResult): string[] {
  const all = topK(
    r.assets.map((a) => a.findings),
    TOP_RISKS,
    (s) => s.contribution > 0,
    (a, b) => b.contribution - a.contribution || (compareJoined(a.finding.id, a.assetId, b.finding.id, b.assetId) < 0 ? -1 : 1),
  );
  if (all.length === 0) return ['## Top risks', '', 'No open findings count against any asset.'];
  return [
    '## Top risks',
    '',
    mdTable(
      ['#', 'Asset', 'Finding', 'Severity', 'Why it weighs', 'Points', 'If fixed', 'Age / deadline (rule)'],
      all
        .slice(0, TOP_RISKS)
        .map((s, i) => [
          String(i + 1),
          mdCell(s.assetId),
          mdLink(s.finding.title, s.finding.url),
          s.finding.severity,
          mdCell(`${s.factors.severityBasis} × ${s.factors.likelihoodBasis} × ${s.factors.contextBasis} × exposure ${s.exposure}`),
          fixed(s.contribution),
          `−${fixed(s.ifFixed)}`,
          `${fixed(s.ageDays, 1)} d / ${s.slaDays} d (${s.dueRule})${s.overdue ? ' **overdue**' : ''}`,
        ]),
      ['r', 'l', 'l', 'l', 'l', 'r', 'r', 'r'],
    ),
  ];
}

/**
 * The first `k` of the items that pass `keep`, in `cmp` order: the same as filtering, sorting
 * (stably) and slicing, without sorting everything.
 */
function topK<T>(lists: readonly (readonly T[])[], k: number, keep: (x: T) => boolean, cmp: (a: T, b: T) => number): T[] {
  const top: T[] = [];
  for (const list of lists) {
    for (const x of list) {
      if (!keep(x)) continue;
      if (top.length === k && cmp(x, top[k - 1]!) >= 0) continue;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cmp(x, top[mid]!) < 0) hi = mid;
        else lo = mid + 1;
      }
      top.splice(lo, 0, x);
      if (top.length > k) top.pop();
    }
  }
  return top;
}

function owners(r: ScoreResult): string[] {
  const by = new Map<string, AssetResult[]>();
  for (const a of r.assets) by.set(a.asset.owner, [...(by.get(a.asset.owner) ?? []), a]);
  const rows = [...by.entries()]
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([owner, list]) => {
      const n = (s: string) => list.filter((a) => a.status === s).length;
      return [
        mdCell(owner),
        String(list.length),
        String(n('BREACHED')),
        String(n('AT RISK')),
        String(n('UNKNOWN')),
        fixed(list.reduce((t, a) => t + a.risk, 0)),
        String(list.reduce((t, a) => t + a.overdue, 0)),
        list
          .filter((a) => a.status !== 'OK')
          .map((a) => mdCell(a.asset.id))
          .join(', ') || '—',
      ];
    });
  return ['## By owner', '', mdTable(['Owner', 'Assets', 'Breached', 'At risk', 'Unknown', 'Risk', 'Overdue', 'Needs attention'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'])];
}

function coverageGaps(r: ScoreResult): string[] {
  const gaps = r.assets.flatMap((a) => a.coverage.filter((c) => c.status === 'gap').map((c) => [mdCell(a.asset.id), c.source, mdCell(c.reasons.join('; '), 400)]));
  if (gaps.length === 0) return ['## Coverage gaps', '', 'None: every source each asset expects answered for it.'];
  return ['## Coverage gaps', '', 'These assets could not be fully measured; their status is UNKNOWN unless already BREACHED.', '', mdTable(['Asset', 'Source', 'Why'], gaps)];
}

function exceptions(r: ScoreResult): string[] {
  if (r.exceptions.length === 0) return ['## Exceptions', '', 'No risk acceptances declared.'];
  const order = { expired: 0, expiring: 1, active: 2 } as const;
  const rows = [...r.exceptions]
    .sort((a, b) => order[a.state] - order[b.state] || (a.exception.id < b.exception.id ? -1 : 1))
    .map((e) => [
      mdCell(e.exception.id),
      mdCell(e.exception.asset),
      mdCell(
        Object.entries(e.exception.match)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      ),
      e.state === 'expired' ? '**expired** (no longer applies)' : e.state === 'expiring' ? '**expiring soon**' : 'active',
      mdCell(e.exception.expires ?? 'none'),
      String(e.matched),
      mdCell(e.exception.approvedBy ?? ''),
      mdCell(e.exception.reason),
    ]);
  return ['## Exceptions', '', mdTable(['Id', 'Asset', 'Matches', 'State', 'Expires', 'Findings accepted', 'Approved by', 'Reason'], rows)];
}

function inventoryGaps(r: ScoreResult): string[] {
  const head = ['## Inventory gaps (unmapped findings)', ''];
  const groups = groupUnmapped(r.unmapped);
  const amb = r.ambiguous.length
    ? [
        '',
        `**${r.ambiguous.length} finding(s) are claimed by several assets at the same specificity** and count against each:`,
        '',
        ...r.ambiguous.slice(0, LIST_LIMIT).map((a) => `- ${mdCell(a.finding.id)} → ${a.assetIds.map((x) => mdCell(x)).join(', ')}`),
      ]
    : [];
  if (groups.length === 0) return [...head, 'None: every open finding maps to a declared asset.', ...amb];
  return [
    ...head,
    `${r.unmapped.length} open finding(s) belong to no declared asset. Declare the accounts or repositories below, or confirm they are out of scope.`,
    '',
    mdTable(
      ['Source', 'Account / repository', 'Open', 'Critical', 'High'],
      groups.map((g) => [
        g.source,
        mdCell(g.key),
        String(g.findings.length),
        String(g.findings.filter((f) => f.severity === 'critical').length),
        String(g.findings.filter((f) => f.severity === 'high').length),
      ]),
      ['l', 'l', 'r', 'r', 'r'],
    ),
    ...amb,
  ];
}

function rejected(r: ScoreResult): string[] {
  if (r.rejected.length === 0) return ['## Rejected records', '', 'None.'];
  return [
    '## Rejected records',
    '',
    `${r.rejected.length} record(s) could not be read or normalized; everything else was scored.`,
    '',
    mdTable(
      ['Source', 'Where', 'Id', 'Reason'],
      r.rejected
        .slice(0, LIST_LIMIT)
        .map((x) => [x.source, mdCell(`${x.origin}${x.line ? `:${x.line}` : ''}${x.record ? ` record ${x.record}` : ''}`), mdCell(x.nativeId ?? ''), mdCell(x.reason, 300)]),
    ),
    ...(r.rejected.length > LIST_LIMIT ? ['', `…and ${r.rejected.length - LIST_LIMIT} more (all are in snapshot.json).`] : []),
  ];
}

function sources(r: ScoreResult): string[] {
  return [
    '## Sources',
    '',
    mdTable(
      ['Source', 'From', 'Complete', 'Records', 'Findings', 'Rejected', 'Problems'],
      r.sources.map((s) => [
        s.source,
        mdCell(s.describe),
        s.complete ? 'yes' : '**no**',
        String(s.records),
        String(s.findings),
        String(s.rejected),
        mdCell(s.problems.join('; '), 400),
      ]),
      ['l', 'l', 'l', 'r', 'r', 'r', 'l'],
    ),
  ];
}

function policy(r: ScoreResult, meta: { toolVersion: string }): string[] {
  return [
    '## Policy in force',
    '',
    `Hash \`${r.policyHash}\` (covers every weight below and the KEV catalog version). secsli ${mdCell(meta.toolVersion)}; KEV: ${mdCell(r.kev.origin)}, version ${mdCell(r.kev.version)}.`,
    '',
    '```json',
    JSON.stringify(JSON.parse(canonicalJson(r.policy)), null, 2),
    '```',
    '',
    r.policy.aggregation === 'sum'
      ? `Scoring: finding risk = severity points × likelihood × context; asset risk = exposure × Σ finding risk (linear sum). See \`secsli explain <asset>\` for every number.`
      : `Scoring: finding risk = severity points × likelihood × context; asset risk = exposure × Σₖ risk₍ₖ₎ / k over findings heaviest first (damped: counts are not risk). Threat detections are incidents, measured by response time. See \`secsli explain <asset>\` for every number.`,
  ];
}
