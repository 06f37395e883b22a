import { day, fixed, pct } from '../report/format.js';
import { PART_TITLES } from './attribution-render.js';
import { ATTRIBUTION_PARTS, type AssetAttribution } from './attribution.js';
import { headlines } from './headline.js';
import { summarySentences, unclaimedSentence, unmeasuredList } from './narrative.js';
import { esc, figure, htmlPage, statusBadge, table } from './html.js';
import type { MttrRow } from './quarter.js';
import { reviewCharts } from './review-charts.js';
import { ownerFileNames, ownersOf, renderOwnerHtml } from './review-html-owner.js';
import type { Review } from './review.js';
import { isCovered } from './schema.js';
import { usedText } from './slo.js';
import { signed } from './text-table.js';
import { isComplete, measuredText, runMeasuredText, trendCells } from './trends.js';
import { periodOf } from './window.js';

/**
 * review.html: the quarterly pack as one self-contained document, for a CTO first (executive
 * summary, quarter over quarter) and for each owner after (one page each), the runs and
 * definitions in an appendix. Pure: same review → same bytes.
 */

export function renderReviewHtml(r: Review, charts: Record<string, string> = reviewCharts(r)): string {
  const w = r.window;
  const prev = r.previous ? r.previous.window.label : null;
  const body = [
    `<header><h1>Security review — ${esc(w.label)}</h1>`,
    `<p class="sub">${esc(w.from)} … ${esc(w.to)} · ${r.runs.length} runs (${esc(day(r.runs[0]?.snapshot.asOf))} … ${esc(day(r.runs.at(-1)?.snapshot.asOf))}) · ${r.attainment.length} assets · compared with ${esc(prev ?? `no earlier ${periodOf(w)} (no earlier data)`)}</p></header>`,
    summary(r),
    assetsSection(r),
    trendsSection(r, charts),
    fixingSection(r, charts),
    targetsSection(r, charts),
    `<section><h2>By owner</h2><p>One page per owner follows; each is also its own file to send to that team: ${ownerLinks(r)}.</p></section>`,
    ...ownersOf(r).map((o) => renderOwnerHtml(r, o)),
    appendix(r),
  ];
  return htmlPage(`Security review ${w.label}`, body.join('\n'));
}

function summary(r: Review): string {
  const cards = headlines(r).map(
    (h) =>
      `<div class="card"><div class="k">${esc(h.label)}</div><div class="v${h.value.length > 16 ? ' long' : ''}">${esc(h.value)}</div><div class="c">${esc(h.change)}</div><div class="d">${esc(h.detail)}</div></div>`,
  );
  return [
    '<section id="summary"><h2>Executive summary</h2>',
    `<div class="cards">${cards.join('\n')}</div>`,
    `<ol class="story">${summarySentences(r)
      .map((s) => `<li>${esc(s)}</li>`)
      .join('\n')}</ol>`,
    // The pack is mailed: a hole in the history is said where it is read, not only in the appendix.
    ...(r.leftOut.length ? [`<p><b>${leftOutText(r)}</b> The appendix lists them with the reason.</p>`] : []),
    '</section>',
  ].join('\n');
}

function assetsSection(r: Review): string {
  const last = r.runs.at(-1)?.snapshot;
  const first = r.runs[0]?.snapshot;
  const rank: Record<string, number> = { BREACHED: 0, 'AT RISK': 1, UNKNOWN: 2, OK: 3 };
  const assets = [...(last?.assets ?? [])].sort((a, b) => (rank[a.status] ?? 4) - (rank[b.status] ?? 4) || (b.budgetUsed ?? 0) - (a.budgetUsed ?? 0) || (a.id < b.id ? -1 : 1));
  const att = new Map(r.attainment.map((a) => [a.assetId, a]));
  return [
    `<section class="break"><h2>Assets at the end of the ${periodOf(r.window)}</h2>`,
    '<p class="note">Worst first. “Why” is the rule that set the status: an asset can be BREACHED with little budget used when findings stayed open past their deadline (the remediation target, or a known-exploited finding past its deadline). “On target”: both SLOs met and not BREACHED.</p>',
    table(
      ['Asset', 'Owner', 'Status', 'Why', 'Budget used (start → end)', 'Runs within budget', 'Runs on target'],
      assets.map((a) => {
        const x = att.get(a.id);
        const start = first?.assets.find((y) => y.id === a.id);
        return [
          `<b>${esc(a.id)}</b>`,
          esc(a.owner),
          statusBadge(a.status),
          esc(a.statusReasons.join('; ') || '—'),
          esc(`${start ? usedText(start.budgetUsed, isCovered(start)) : pct(null, 0)} → ${usedText(a.budgetUsed, isCovered(a))}`),
          esc(x ? `${x.risk.met} of ${x.risk.valid}` : 'n/a'),
          esc(x ? `${x.good.met} of ${x.good.valid}` : 'n/a'),
        ];
      }),
      [4, 5, 6],
      [3],
    ),
    '</section>',
  ].join('\n');
}

function trendsSection(r: Review, charts: Record<string, string>): string {
  const out = ['<section class="break"><h2>Trends</h2>'];
  out.push(
    figure(
      charts['budget-used.svg']!,
      'Budget used per run for the assets with the highest peak. Dashed line: the budget (100 %). A log scale is used when some asset is far over it. P1, P2…: policy changes, described under the chart.',
    ),
  );
  out.push('<div class="grid">');
  out.push(figure(charts['backlog.svg']!, 'Open findings (not excepted; each finding once, however many assets it is on) and how many of them are past their deadline, per run.'));
  out.push(figure(charts['accepted-risk.svg']!, 'Exceptions in force and the open findings they accept, per run.'));
  out.push(
    charts['unclaimed.svg']
      ? figure(charts['unclaimed.svg'], 'Repositories and accounts with findings that no asset in assets.yaml claims, per run.') + unclaimedHtml(r)
      : '<p>Unclaimed inventory: none in these runs (no finding outside the declared assets).</p>',
  );
  out.push('</div>');
  out.push('<h3>Per run</h3>');
  out.push(
    table(
      ['Run', 'Open', 'Past deadline', 'Accepted findings', 'Exceptions', 'Unclaimed', 'BREACHED', 'AT RISK', 'UNKNOWN', 'Measured'],
      r.trends.map((t) => {
        const c = trendCells(t);
        return [
          `<span class="nw">${esc(day(t.asOf))}</span>`,
          c.open,
          c.overdue,
          c.accepted,
          c.exceptions,
          c.unclaimed,
          c.breached,
          c.atRisk,
          c.unknown,
          isComplete(t) ? 'all' : `<b>${esc(measuredText(t))}</b>`,
        ].map((x, i) => (i === 0 || i === 9 ? x : esc(x)));
      }),
      [1, 2, 3, 4, 5, 6, 7, 8],
    ),
  );
  const gaps = r.trends.filter((t) => !isComplete(t)).length;
  if (gaps)
    out.push(
      `<p class="note">${gaps} run(s) did not measure everything (PARTIAL: a source failed or was cut short; gaps: assets a source did not fully answer for). Their counts are lower bounds (≥), shaded and drawn hollow in the charts: fewer findings there is nobody looking, not a fix.</p>`,
    );
  out.push('<h3>Recurring CVEs: fix once, close it on several assets</h3>');
  out.push(
    r.recurring.length
      ? table(
          ['CVE', 'Open on', 'Assets', 'Owners', 'Runs on 2+ assets'],
          r.recurring.map((c) => [esc(c.cve), String(c.assets.length), esc(c.assets.join(', ')), esc(c.owners.join(', ')), String(c.runs)]),
          [1, 4],
          [0],
        )
      : '<p>No CVE is open on more than one asset at the last run.</p>',
  );
  out.push('<p class="note">Packages are not recorded in these snapshots, so recurring packages are not shown.</p>', '</section>');
  return out.join('\n');
}

const mttrText = (m: MttrRow | undefined) => (!m || m.days === null ? 'n/a' : `${m.open ? '≥ ' : ''}${fixed(m.days, 0)} d`);

function moverRows(list: AssetAttribution[]): string[][] {
  return list.map((m) => {
    const parts = ATTRIBUTION_PARTS.filter((p) => Math.abs(m.parts[p]) >= 0.005)
      .sort((a, b) => Math.abs(m.parts[b]) - Math.abs(m.parts[a]))
      .map((p) => `${PART_TITLES[p].toLowerCase()} ${signed(m.parts[p])}`);
    const d = m.drivers[0];
    return [
      `<b>${esc(m.assetId)}</b>`,
      esc(m.owner),
      esc(`${pct(m.budgetUsedA, 0)} → ${pct(m.budgetUsedB, 0)}`),
      esc(signed(m.delta)),
      esc(parts.join(', ')),
      d ? esc(`${d.title || d.findingId} (${d.note}, ${signed(d.amount)})`) : '',
    ];
  });
}

function fixingSection(r: Review, charts: Record<string, string>): string {
  const f = r.figures;
  const p = r.previous;
  const period = periodOf(r.window);
  const prevLabel = p?.window.label ?? `previous ${period}`;
  const rows = (f?.deadlines ?? []).map((d) => {
    const pd = p?.deadlines.find((x) => x.severity === d.severity);
    const flow = r.flow.bySeverity.find((x) => x.key === d.severity);
    const share = (a: number, b: number) => (b ? pct(a / b, 0) : 'n/a');
    return [
      esc(d.severity),
      String(flow?.opened ?? 0),
      String(flow?.closed ?? 0),
      esc(`${share(d.inTime, d.events)} (${d.inTime}/${d.events})`),
      esc(pd ? `${share(pd.inTime, pd.events)} (${pd.inTime}/${pd.events})` : 'no earlier data'),
      esc(mttrText(f?.mttr.find((m) => m.severity === d.severity))),
      esc(p ? mttrText(p.mttr.find((m) => m.severity === d.severity)) : 'no earlier data'),
    ];
  });
  const head = ['Asset', 'Owner', 'Budget used', 'Change in risk', 'Why (risk points)', 'Biggest single change'];
  return [
    '<section class="break"><h2>Fixing findings</h2>',
    figure(charts['flow-by-month.svg']!, `Findings first seen (opened) and closed in each month of the ${period} (UTC).`),
    table(['Severity', 'Opened', 'Closed', 'Fixed within deadline', `… in ${prevLabel}`, 'Mean time to fix', `… in ${prevLabel}`], rows, [1, 2, 3, 4, 5, 6]),
    `<p class="note">Fixed within deadline: of the deadlines the ${period} decided — met (closed by the deadline, in the ${period}) or missed (a run of the ${period} was the first after the deadline) — those met; a deadline after the ${period}’s last run is the next ${period}’s. Mean time to fix: days from first seen to closed; “≥” when findings still open at the ${period}’s last run are counted at their age then (a lower bound). A close that a later run reports inside the ${period} counts. False positives are left out of both.</p>`,
    '<h3>What moved most, and why</h3>',
    `<p class="note">From the first run (${esc(day(r.runs[0]?.snapshot.asOf))}) to the last (${esc(day(r.runs.at(-1)?.snapshot.asOf))}), by change in budget used; the change in risk is split into its causes, which add up to it.</p>`,
    r.moversUp.length ? '<h4>Worse</h4>' + table(head, moverRows(r.moversUp), [2, 3], [4, 5]) : '<p>No asset used more of its budget.</p>',
    r.moversDown.length ? '<h4>Better</h4>' + table(head, moverRows(r.moversDown), [2, 3], [4, 5]) : '<p>No asset used less of its budget.</p>',
    r.unmeasuredMovers.length ? `<p class="note">Not compared (not fully measured at the first or the last run): ${esc(unmeasuredList(r))}.</p>` : '',
    '</section>',
  ].join('\n');
}

function targetsSection(r: Review, charts: Record<string, string>): string {
  const rows = [...r.attainment].sort((a, b) => (a.good.share ?? 2) - (b.good.share ?? 2) || (a.assetId < b.assetId ? -1 : 1));
  const out = [
    '<section class="break"><h2>Targets met, run by run</h2>',
    figure(
      charts['attainment-by-owner.svg']!,
      `Share of runs in which each owner’s assets stayed within their risk budget, fixed findings on time (remediation target), and were on target (both, and not BREACHED). Dashed line: the objective (${pct(r.objective, 0)} of runs).`,
    ),
    table(
      ['Asset', 'Owner', 'Runs', 'Within budget', 'Fixed on time', 'BREACHED', 'On target', 'Not measurable', 'Bad runs / allowed', 'Bad runs, last ' + r.recentDays + ' days'],
      rows.map((a) => {
        const recentBad = a.observations.filter((o) => o.verdict === 'bad' && Date.parse(o.asOf) >= r.window.endMs - r.recentDays * 86_400_000).length;
        return [
          `<b>${esc(a.assetId)}</b>`,
          esc(a.owner),
          String(a.runs),
          esc(`${a.risk.met} of ${a.risk.valid}`),
          esc(`${a.remediation.met} of ${a.remediation.valid}`),
          String(a.breachedRuns),
          esc(`${a.good.met} of ${a.good.valid}`),
          String(a.unknownRuns),
          esc(`${a.badRuns} / ${fixed(a.allowedBad, 1)}`),
          esc(`${recentBad} of ${a.recentRuns}`),
        ];
      }),
      [2, 3, 4, 5, 6, 7, 8, 9],
    ),
    `<p class="note">A run is bad for an asset when it was BREACHED (over budget, a known-exploited finding past its deadline, an incident past its response time, the remediation SLO missed) or missed an SLO; the objective allows ${pct(1 - r.objective, 0)} of measured runs to be bad (“allowed”). Runs with a coverage gap and nothing missed are not measurable and left out.</p>`,
    '<h3>Coverage gaps</h3>',
  ];
  out.push(
    r.coverage.length
      ? table(
          ['Asset', 'Owner', 'Runs with a gap', 'Days', 'First', 'Last', 'Still open', 'Why (latest)'],
          r.coverage.map((c) => [
            esc(c.assetId),
            esc(c.owner),
            esc(`${c.gapRuns} of ${c.runs}`),
            fixed(c.gapDays, 1),
            esc(day(c.firstGap)),
            esc(day(c.lastGap)),
            c.ongoing ? '<b>yes</b>' : 'no',
            esc(c.reasons.join('; ')),
          ]),
          [2, 3],
          [7],
        )
      : '<p>Every asset was fully measured in every run.</p>',
    '</section>',
  );
  return out.join('\n');
}

function appendix(r: Review): string {
  const out = ['<section class="break"><h2>Appendix: runs, policy, definitions</h2>', '<h3>Runs used</h3>'];
  out.push(
    table(
      ['Run', 'As-of', 'Policy', 'Measured'],
      r.runs.map((x) => {
        const m = runMeasuredText(x.snapshot);
        return [esc(x.name), esc(x.snapshot.asOf), `<code>${esc(x.snapshot.policyHash)}</code>`, m === 'all' ? m : `<b>${esc(m)}</b>`];
      }),
    ),
  );
  out.push('<h3>Policy changes</h3>');
  out.push(
    r.policyChanges.length
      ? table(
          ['Mark', 'Run', 'What changed', 'Policy hash'],
          r.policyChanges.map((c, i) => [`P${i + 1}`, esc(`${day(c.asOf)} (${c.run})`), esc(c.what), `<code>${esc(c.from)}</code> → <code>${esc(c.to)}</code>`]),
          [],
          [2],
        )
      : `<p>The policy did not change in the ${periodOf(r.window)}.</p>`,
  );
  out.push('<h3>Run folders not used</h3>');
  const within = r.skipped.filter((s) => !r.afterWindow.includes(s) && !r.beforeReach.includes(s));
  if (r.leftOut.length) out.push(`<p>${leftOutText(r)}</p>`);
  out.push(
    within.length
      ? table(
          ['Run folder', 'Why'],
          within.map((s) => [esc(s.name), esc(s.reason)]),
          [],
          [1],
        )
      : `<p>None: every run folder ${r.beforeReach.length ? `from the one this review starts from (${esc(day(r.readFrom))}) ` : ''}${r.afterWindow.length ? 'up to this window’s end ' : ''}was read.</p>`,
  );
  if (r.beforeReach.length) {
    out.push(
      `<h4>Before the run this review starts from (${esc(day(r.readFrom))}), not used</h4>`,
      '<p class="note">Runs before the last run read ahead of the previous quarter: no bearing on this review (findings carry their own first-seen time), listed so that none is taken for a run missing from it.</p>',
      table(
        ['Run folder', 'Why'],
        r.beforeReach.map((s) => [esc(s.name), esc(s.reason)]),
        [],
        [1],
      ),
    );
  }
  if (r.afterWindow.length) {
    out.push(
      `<h4>After this window (${esc(r.window.to)}), not used</h4>`,
      '<p class="note">Runs after the window’s end: no bearing on this review, listed so that none is taken for a run missing from it.</p>',
      table(
        ['Run folder', 'Why'],
        r.afterWindow.map((s) => [esc(s.name), esc(s.reason)]),
        [],
        [1],
      ),
    );
  }
  out.push(
    '<h3>Definitions</h3>',
    '<ul>',
    '<li><b>Risk budget</b>: the risk an asset may carry for its criticality; budget used over 100 % means more risk than agreed.</li>',
    '<li><b>Deadline</b>: first seen + the SLA for its severity (shorter for known-exploited); <b>past deadline</b> = still open after it. What the review says of deadlines and ages stops at the quarter’s last run: a deadline after it is decided by the next run, for the next quarter.</li>',
    '<li><b>Runs within budget / on target</b>: each run is one observation per asset; “on target” = within budget and fixing on time, with full coverage, and not BREACHED (a known-exploited finding past its deadline or an incident past its response time breaches an asset within budget).</li>',
    '<li><b>Quarter over quarter</b>: the same figures computed from the runs of the previous quarter in the same history.</li>',
    '<li>Full rules: docs/review.md in the secsli repository.</li>',
    '</ul>',
    '</section>',
  );
  return out.join('\n');
}

/** The runs the review needed and could not read, named (they are what made `secsli review` exit 3). */
function leftOutText(r: Review): string {
  const names = r.leftOut.map((s) => `<code>${esc(s.name)}</code>`).join(', ');
  return `${r.leftOut.length} run folder(s) could not be read and are left out of this review (so <code>secsli review</code> exited 3): ${names}.`;
}

function unclaimedHtml(r: Review): string {
  const s = unclaimedSentence(r, esc, (x) => `<code>${esc(x)}</code>`);
  return s ? `<p>${s}</p>` : '';
}

/** Each owner's own files, linked (relative to review.html). */
function ownerLinks(r: Review): string {
  return [...ownerFileNames(r)]
    .map(([owner, name]) => `<a href="owners/${esc(encodeURIComponent(name))}.html">${esc(owner)}</a> (<a href="owners/${esc(encodeURIComponent(name))}.md">.md</a>)`)
    .join(', ');
}
