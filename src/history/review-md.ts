import { day, fixed, maxOf, mdCell, mdTable, pct } from '../report/format.js';
import { PART_TITLES, policyLine } from './attribution-render.js';
import { ATTRIBUTION_PARTS, type AssetAttribution } from './attribution.js';
import { headlines } from './headline.js';
import { summarySentences, unclaimedSentence, unmeasuredList } from './narrative.js';
import { worstAssets } from './review-charts.js';
import { renderOwnerSections } from './review-owners.js';
import type { Skipped } from './load.js';
import type { Review } from './review.js';
import type { Attainment } from './slo.js';
import { signed, sparkline } from './text-table.js';
import { isComplete, measuredText, runMeasuredText, trendCells } from './trends.js';
import { periodOf } from './window.js';

/** review.md: a pure renderer; same review → same bytes. Charts are embedded beside their table form. */

const burnText = (x: number | null) => (x === null ? 'n/a' : `${fixed(x)}×`);
const budgetLeftText = (a: Attainment) => (a.budgetLeft === null ? 'n/a' : a.budgetLeft < 0 ? `**${pct(a.budgetLeft, 0)}** (overspent)` : pct(a.budgetLeft, 0));
const trendWord = (a: Attainment) =>
  a.burnRecent === null || a.burnWindow === null ? '' : a.burnRecent > a.burnWindow + 1e-9 ? '↑ faster' : a.burnRecent < a.burnWindow - 1e-9 ? '↓ slower' : '= same';

export function renderReviewMarkdown(r: Review): string {
  const w = r.window;
  const out: string[] = [`# Security review — ${w.label} (${w.from} … ${w.to})`, ''];
  out.push(...summary(r), '');
  out.push(...attainmentSection(r), '');
  out.push(...budgetSection(r), '');
  out.push(...trendsSection(r), '');
  out.push(...moversSection(r), '');
  out.push(...flowSection(r), '');
  out.push(...coverageSection(r), '');
  out.push(...renderOwnerSections(r), '');
  out.push(...runsSection(r), '');
  out.push(
    '## Definitions',
    '',
    `Attainment counts runs: a run is good (on target) for an asset when it met its risk SLO (budget used ≤ 100 %) and its remediation SLO (SLI ≥ target), with full coverage, and the run did not find it BREACHED; bad when it missed either or was BREACHED, whatever rule set that (a known-exploited finding past its deadline breaches an asset at any budget used); unknown when coverage was incomplete and nothing was missed (left out of the denominator). Error budget: the objective (${pct(r.objective, 1)} of runs) allows ${pct(1 - r.objective, 1)} of valid runs to be bad. Burn rate: bad share ÷ (1 − objective); 1× spends the budget exactly over the window. Deadlines and ages stop at the window's last run: a deadline after it is not yet decided (the next run decides it, for the next window), a finding open there is aged to it, and a close a later run reports inside the window counts. MTTR leaves out false positives. Full rules: docs/review.md.`,
  );
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

function summary(r: Review): string[] {
  const bad = r.attainment.filter((a) => a.badRuns > 0).length;
  const named = (list: readonly Skipped[]) => list.map((s) => `\`${mdCell(s.name)}\` (${mdCell(s.reason, 120)})`).join(', ');
  // Run folders after the window are no hole in it: the appendix lists them apart.
  const others = r.skipped.filter((s) => !r.leftOut.includes(s) && !r.afterWindow.includes(s) && !r.beforeReach.includes(s));
  return [
    '## Executive summary',
    '',
    mdTable(
      ['Figure', r.window.label, `Previous ${periodOf(r.window)}`, 'What it counts'],
      headlines(r).map((h) => [`**${mdCell(h.label)}**`, mdCell(h.value), mdCell(h.change), mdCell(h.detail, 300)]),
    ),
    '',
    // Never cut a sentence: its figures come last. Outside text in it is clipped where it stands (narrative.ts).
    ...summarySentences(r).map((s, i) => `${i + 1}. ${mdCell(s, Number.POSITIVE_INFINITY)}`),
    '',
    `- **${r.runs.length} runs** in the window (${day(r.runs[0]?.snapshot.asOf)} … ${day(r.runs.at(-1)?.snapshot.asOf)}), **${r.attainment.length} assets**; ${bad} asset(s) missed a target in at least one run.`,
    `- Findings: ${r.flow.bySeverity.reduce((n, f) => n + f.opened, 0)} new, ${r.flow.bySeverity.reduce((n, f) => n + f.closed, 0)} closed.`,
    `- Policy: ${r.policies.map((p) => `\`${mdCell(p)}\``).join(', ') || 'n/a'}${r.policyChanges.length ? ` — **changed ${r.policyChanges.length} time(s)**: ${r.policyChanges.map((c) => `${day(c.asOf)} ${mdCell(c.what)}`).join('; ')}` : ' (unchanged)'}.`,
    ...(r.leftOut.length
      ? [`- **${r.leftOut.length} run folder(s) could not be read and are left out of this review** (so \`secsli review\` exited 3): ${named(r.leftOut)}.`]
      : []),
    ...(others.length ? [`- **${others.length} ${r.leftOut.length ? 'other ' : ''}run folder(s) not used**: ${named(others)}.`] : []),
  ];
}

function trendsSection(r: Review): string[] {
  const rows = r.trends.map((t) => {
    const c = trendCells(t);
    return [day(t.asOf), c.open, c.overdue, c.accepted, c.exceptions, c.unclaimed, c.breached, c.atRisk, c.unknown, isComplete(t) ? 'all' : `**${measuredText(t)}**`];
  });
  const gaps = r.trends.filter((t) => !isComplete(t)).length;
  return [
    '## Trends',
    '',
    '![Open findings and how many are past their deadline, per run](backlog.svg)',
    '',
    '![Risk accepted by exceptions, per run](accepted-risk.svg)',
    '',
    ...(r.trends.some((t) => t.unclaimed > 0)
      ? ['![Repositories and accounts with findings no asset claims, per run](unclaimed.svg)', '', ...unclaimedLines(r)]
      : ['Unclaimed inventory: none in these runs.', '']),
    mdTable(['Run', 'Open', 'Past deadline', 'Accepted findings', 'Exceptions', 'Unclaimed', 'BREACHED', 'AT RISK', 'UNKNOWN', 'Measured'], rows, [
      'l',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      'l',
    ]),
    ...(gaps
      ? [
          '',
          `${gaps} run(s) did not measure everything (PARTIAL: a source failed or was cut short; gaps: assets a source did not fully answer for): their counts are lower bounds (≥), not comparable with the other runs’ — fewer findings there is nobody looking, not a fix.`,
        ]
      : []),
    '',
    '**Recurring CVEs** (fix once, close it on several assets)',
    '',
    r.recurring.length
      ? mdTable(
          ['CVE', 'Open on', 'Assets', 'Owners'],
          r.recurring.map((c) => [mdCell(c.cve), String(c.assets.length), mdCell(c.assets.join(', ')), mdCell(c.owners.join(', '))]),
          ['l', 'r', 'l', 'l'],
        )
      : 'No CVE is open on more than one asset at the last run.',
  ];
}

function attainmentSection(r: Review): string[] {
  const rows = [...r.attainment].sort((a, b) => (a.good.share ?? 2) - (b.good.share ?? 2) || (a.assetId < b.assetId ? -1 : 1));
  return [
    '## SLO attainment per asset (share of runs)',
    '',
    `Objective: on target in ${pct(r.objective, 1)} of runs — both SLOs met and not BREACHED (a run can meet both SLOs and still be BREACHED, e.g. by a known-exploited finding past its deadline). Recent = the last ${r.recentDays} days of the window. Worst first.`,
    '',
    mdTable(
      [
        'Asset',
        'Owner',
        'Runs',
        'Risk SLO',
        'Remediation SLO',
        'BREACHED runs',
        'On target',
        'Unknown runs',
        'Error budget left',
        'Burn (window)',
        `Burn (last ${r.recentDays} d)`,
        'Trend',
      ],
      rows.map((a) => [
        `**${mdCell(a.assetId)}**`,
        mdCell(a.owner),
        String(a.runs),
        `${pct(a.risk.share)} (${a.risk.met}/${a.risk.valid})`,
        `${pct(a.remediation.share)} (${a.remediation.met}/${a.remediation.valid})`,
        String(a.breachedRuns),
        `${pct(a.good.share)} (${a.good.met}/${a.good.valid})`,
        String(a.unknownRuns),
        budgetLeftText(a),
        burnText(a.burnWindow),
        burnText(a.burnRecent),
        trendWord(a),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
    '',
    '![SLO attainment by owner: bars per owner for the risk SLO, the remediation SLO and on target, dashed line at the objective](attainment-by-owner.svg)',
    '',
    mdTable(
      ['Owner', 'Assets', 'Risk SLO', 'Remediation SLO', 'On target'],
      r.owners.map((o) => [mdCell(o.owner), String(o.assets), pct(o.risk.share), pct(o.remediation.share), pct(o.good.share)]),
      ['l', 'r', 'r', 'r', 'r'],
    ),
  ];
}

function budgetSection(r: Review): string[] {
  const ids = worstAssets(r);
  const rows = r.attainment.filter((a) => ids.includes(a.assetId)).sort((a, b) => ids.indexOf(a.assetId) - ids.indexOf(b.assetId));
  return [
    '## Risk budget used over time',
    '',
    `![Risk budget used per run for the ${ids.length} worst assets; dashed line at 100 %](budget-used.svg)`,
    '',
    mdTable(
      ['Asset', 'Per run (▁ 0 … █ max, at least 100 %)', 'First', 'Peak', 'Last'],
      rows.map((a) => {
        // A run that did not fully measure the asset is a gap (·), as in `secsli trend`: not a dip.
        const used = a.observations.map((o) => (o.covered ? o.budgetUsed : null));
        const nums = used.filter((u): u is number => u !== null);
        return [mdCell(a.assetId), sparkline(used, 1), pct(nums[0] ?? null, 0), pct(nums.length ? maxOf(nums) : null, 0), pct(nums.at(-1) ?? null, 0)];
      }),
      ['l', 'l', 'r', 'r', 'r'],
    ),
    '',
    ...(rows.some((a) => a.observations.some((o) => !o.covered))
      ? ['·: a run that did not fully measure the asset (a coverage gap; its budget used there is only a lower bound), left out of the line and of First, Peak and Last.', '']
      : []),
    'Every run and asset: budget-history.csv.',
  ];
}

function moverRow(m: AssetAttribution): string[] {
  const parts = ATTRIBUTION_PARTS.filter((p) => Math.abs(m.parts[p]) >= 0.005)
    .sort((a, b) => Math.abs(m.parts[b]) - Math.abs(m.parts[a]))
    .map((p) => `${PART_TITLES[p].toLowerCase()} ${signed(m.parts[p])}`);
  const d = m.drivers[0];
  return [
    `**${mdCell(m.assetId)}**`,
    mdCell(m.owner),
    `${pct(m.budgetUsedA, 0)} → ${pct(m.budgetUsedB, 0)}`,
    signed(m.delta),
    mdCell(parts.join(', ')),
    d ? mdCell(`${d.title || d.findingId} (${d.note}, ${signed(d.amount)})`) : '',
    mdCell(m.notes.join('; ')),
  ];
}

function moversSection(r: Review): string[] {
  const head = ['Asset', 'Owner', 'Budget used', 'Δ risk', 'Why (risk points)', 'Biggest single change', 'Notes'];
  const align: ('l' | 'r')[] = ['l', 'l', 'r', 'r', 'l', 'l', 'l'];
  const first = r.runs[0];
  const last = r.runs.at(-1);
  const policy = first && last ? ` ${mdCell(policyLine(first.snapshot, last.snapshot))}` : '';
  const out = [
    '## Top movers',
    '',
    `From the first run in the window (${day(first?.snapshot.asOf)}) to the last (${day(last?.snapshot.asOf)}), by change in budget used.${policy} Attribution rules: docs/review.md.`,
    '',
  ];
  out.push('### Up', '', r.moversUp.length ? mdTable(head, r.moversUp.map(moverRow), align) : 'No asset used more of its budget.', '');
  out.push('### Down', '', r.moversDown.length ? mdTable(head, r.moversDown.map(moverRow), align) : 'No asset used less of its budget.');
  if (r.unmeasuredMovers.length) out.push('', `Not compared (not fully measured at the first or the last run): ${mdCell(unmeasuredList(r), Number.POSITIVE_INFINITY)}.`);
  return out;
}

function flowSection(r: Review): string[] {
  const mttr = (d: number | null, n: number) => (d === null ? 'n/a' : `${fixed(d, 1)} d (${n})`);
  return [
    '## Flow: new and closed findings',
    '',
    'New = first seen in the window; closed = closed in the window (by the source — a close a later run reports inside the window included — or gone from a complete run). MTTR of closed = mean days from first seen to closed over the findings closed in the window, false positives left out (n in brackets); the summary’s “Mean time to fix” also counts the findings still open at the window’s last run, at their age there.',
    '',
    mdTable(
      ['Severity', 'New', 'Closed', 'of which false positives', 'MTTR of closed'],
      r.flow.bySeverity.map((f) => [f.key, String(f.opened), String(f.closed), String(f.falsePositives), mttr(f.mttrDays, f.mttrN)]),
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    '![New and closed findings per month (UTC)](flow-by-month.svg)',
    '',
    mdTable(
      ['Month', 'New', 'Closed'],
      r.flow.byMonth.map((m) => [m.month, String(m.opened), String(m.closed)]),
      ['l', 'r', 'r'],
    ),
    '',
    '### MTTR of closed findings, per owner',
    '',
    r.flow.byOwner.length
      ? mdTable(
          ['Owner', 'New', 'Closed', 'of which false positives', 'MTTR of closed'],
          r.flow.byOwner.map((f) => [mdCell(f.key), String(f.opened), String(f.closed), String(f.falsePositives), mttr(f.mttrDays, f.mttrN)]),
          ['l', 'r', 'r', 'r', 'r'],
        )
      : 'No findings.',
  ];
}

function coverageSection(r: Review): string[] {
  const head = ['## Coverage over time', ''];
  if (r.coverage.length === 0) return [...head, 'Every asset was fully measured in every run of the window.'];
  return [
    ...head,
    'Assets a source did not fully answer for (UNKNOWN unless already BREACHED). Days: from each run with a gap to the next run, within the window.',
    '',
    mdTable(
      ['Asset', 'Owner', 'Runs with a gap', 'Days', 'Longest streak (runs)', 'First', 'Last', 'Still open', 'Why (latest)'],
      r.coverage.map((c) => [
        mdCell(c.assetId),
        mdCell(c.owner),
        `${c.gapRuns} / ${c.runs}`,
        fixed(c.gapDays, 1),
        String(c.longestStreak),
        day(c.firstGap),
        day(c.lastGap),
        c.ongoing ? '**yes**' : 'no',
        mdCell(c.reasons.join('; '), 300),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'l', 'l', 'l', 'l'],
    ),
  ];
}

function runsSection(r: Review): string[] {
  const out = [
    '## Runs and policy',
    '',
    mdTable(
      ['Run', 'As-of', 'Policy', 'Measured'],
      r.runs.map((x) => {
        const m = runMeasuredText(x.snapshot);
        return [mdCell(x.name), x.snapshot.asOf, `\`${mdCell(x.snapshot.policyHash)}\``, m === 'all' ? m : `**${m}**`];
      }),
    ),
  ];
  if (r.policyChanges.length) {
    out.push('', '**Policy changes** (numbers before and after are not directly comparable; attribution puts the effect under "policy"):', '');
    out.push(...r.policyChanges.map((c, i) => `- P${i + 1} ${day(c.asOf)} (${mdCell(c.run)}): ${mdCell(c.what)} — \`${mdCell(c.from)}\` → \`${mdCell(c.to)}\``));
  }
  const line = (s: Skipped) => `- \`${mdCell(s.name)}\`: ${mdCell(s.reason, 300)}`;
  const within = r.skipped.filter((s) => !r.afterWindow.includes(s) && !r.beforeReach.includes(s));
  if (within.length) out.push('', '**Run folders not used:**', '', ...within.map(line));
  if (r.beforeReach.length) out.push('', `**Before the run this review starts from (${day(r.readFrom)}), not used** — no bearing on this review:`, '', ...r.beforeReach.map(line));
  if (r.afterWindow.length) out.push('', `**After this window (${r.window.to}), not used** — no bearing on this review:`, '', ...r.afterWindow.map(line));
  return out;
}

function unclaimedLines(r: Review): string[] {
  const s = unclaimedSentence(
    r,
    (x) => mdCell(x, Number.POSITIVE_INFINITY),
    (x) => `\`${x}\``,
  );
  return s ? [s, ''] : [];
}
