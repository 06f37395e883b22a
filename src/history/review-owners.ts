import { day, fixed, mdCell, mdLink, mdTable, pct } from '../report/format.js';
import { NEXT_ACTIONS_PER_OWNER, removedIn, type Review } from './review.js';
import { type Attainment, BREACHED_BY_REMEDIATION, BREACHED_BY_RISK, usedText } from './slo.js';
import { ownerFileNames } from './review-html-owner.js';

/** review.md "By owner": one section per owner — their assets, breaches, overdue findings, expiring exceptions. */

type Observed = Attainment['observations'][number];

/** "risk", "remediation", "risk and remediation": the SLOs these runs missed. */
const missedSlos = (runs: Observed[]) =>
  [runs.some((o) => o.riskMet === false) ? 'risk' : '', runs.some((o) => o.remediationMet === false) ? 'remediation' : ''].filter(Boolean).join(' and ');

/** "known-exploited past deadline", or with several rules "known-exploited past deadline in 6, over risk budget in 2". */
function breachedBy(runs: Observed[]): string {
  const by = new Map<string, number>();
  for (const o of runs) by.set(o.breachedBy!, (by.get(o.breachedBy!) ?? 0) + 1);
  if (by.size === 1) return [...by.keys()][0]!;
  return [...by.entries()]
    .sort(([x, m], [y, n]) => n - m || (x < y ? -1 : 1))
    .map(([why, n]) => `${why} in ${n}`)
    .join(', ');
}

/**
 * Each asset with bad runs, and why: BREACHED (by the rule that set the status: a known-exploited
 * finding past its deadline breaches an asset that meets both SLOs), and the SLOs missed.
 */
function breaches(r: Review, list: Attainment[]): string[] {
  const bad = list.filter((a) => a.badRuns > 0);
  if (bad.length === 0) return ['No SLO missed and nothing BREACHED in any run of the window.'];
  return bad.map((a) => {
    const runs = a.observations.filter((o) => o.verdict === 'bad');
    const span = `${day(runs[0]!.asOf)} … ${day(runs.at(-1)!.asOf)}`;
    const removed = removedIn(r, a);
    const last = removed ? `removed from the inventory on ${day(removed.snapshot.asOf)}.` : `last run: ${a.observations.at(-1)!.status}.`;
    const breached = runs.filter((o) => o.breached);
    const other = runs.filter((o) => !o.breached);
    if (breached.length === 0) return `- **${mdCell(a.assetId)}** missed its ${missedSlos(runs)} SLO in ${runs.length} of ${a.good.valid} measured runs (${span}); ${last}`;
    // An SLO also missed in runs another rule breached (one missed in a run it breached is named already).
    const also = [
      ['risk', breached.filter((o) => o.riskMet === false && o.breachedBy !== BREACHED_BY_RISK).length],
      ['remediation', breached.filter((o) => o.remediationMet === false && o.breachedBy !== BREACHED_BY_REMEDIATION).length],
    ].filter(([, n]) => n !== 0);
    const alsoMissed = also.length ? `; ${also.map(([what, n]) => `${what} SLO also missed in ${n}`).join(', ')}` : '';
    const notBreached = other.length ? `; missed its ${missedSlos(other)} SLO in ${other.length} more` : '';
    return `- **${mdCell(a.assetId)}** BREACHED in ${breached.length} of ${a.good.valid} measured runs (${mdCell(breachedBy(breached))}), ${span}${alsoMissed}${notBreached}; ${last}`;
  });
}

export function renderOwnerSections(r: Review): string[] {
  const owners = [...new Set(r.attainment.map((a) => a.owner))].sort();
  const names = ownerFileNames(r);
  const files = owners.map((o) => {
    const n = encodeURIComponent(names.get(o) ?? o);
    return `[${mdCell(o)}](owners/${n}.md) ([HTML](owners/${n}.html))`;
  });
  return ['## By owner', '', `Each owner's section is also its own file, to send to that team: ${files.join(', ')}.`, ...owners.flatMap((o) => renderOwnerSection(r, o, '###'))];
}

/** owners/<owner>.md: that owner's section as a document of its own. */
export function renderOwnerMarkdown(r: Review, owner: string): string {
  const head = [
    `# ${mdCell(owner)} — security review ${r.window.label} (${r.window.from} … ${r.window.to})`,
    '',
    `Part of the review of ${r.window.label} ([review.html](../review.html) / [review.md](../review.md)); ${r.runs.length} runs.`,
  ];
  return (
    [...head, ...renderOwnerSection(r, owner, '##').slice(2)]
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

function renderOwnerSection(r: Review, owner: string, h: string): string[] {
  const out: string[] = [];
  const list = r.attainment.filter((a) => a.owner === owner);
  const overdue = r.overdue.filter((o) => o.owner === owner);
  const overdueCount = r.overdueCount.byOwner.get(owner) ?? 0;
  const expiring = r.expiring.filter((e) => e.owner === owner);
  const actions = r.nextActions.filter((a) => a.owner === owner).slice(0, NEXT_ACTIONS_PER_OWNER);
  out.push('', `${h} ${mdCell(owner)}`, '');
  out.push(
    mdTable(
      ['Asset', 'Criticality', 'Last status', 'Last budget used', 'Runs on target', 'Error budget left', 'Open overdue (last run)'],
      list.map((a) => {
        const last = a.observations.at(-1)!;
        const removed = removedIn(r, a);
        return [
          mdCell(a.assetId),
          mdCell(a.criticality),
          // Absent from the last run: its last sighting is no status at the end of the window.
          removed ? `removed from the inventory on ${day(removed.snapshot.asOf)} (last seen ${day(last.asOf)}: ${last.status})` : last.status,
          removed ? '—' : usedText(last.budgetUsed, last.covered),
          pct(a.good.share),
          a.budgetLeft === null ? 'n/a' : pct(a.budgetLeft, 0),
          String(r.overdueCount.byAsset.get(a.assetId) ?? 0),
        ];
      }),
      ['l', 'l', 'l', 'r', 'r', 'r', 'r'],
    ),
    '',
    '**Next actions** (open findings, past-deadline first, then by the risk they add)',
    '',
    actions.length
      ? mdTable(
          ['Asset', 'Finding', 'Severity', 'Past deadline', 'Risk points'],
          actions.map((a) => [mdCell(a.assetId), mdLink(a.title || a.findingId, a.url ?? undefined), a.severity, a.overdue ? '**yes**' : 'no', fixed(a.contribution)]),
          ['l', 'l', 'l', 'l', 'r'],
        )
      : 'Nothing open.',
    '',
    '**Breached**',
    '',
    ...breaches(r, list),
    '',
    '**Overdue at the last run**',
    '',
  );
  if (overdueCount === 0) out.push('Nothing overdue.');
  else {
    out.push(
      mdTable(
        ['Asset', 'Finding', 'Severity', 'Days past SLA'],
        overdue.map((o) => [mdCell(o.assetId), mdLink(o.title || o.findingId, o.url ?? undefined), o.severity, o.daysOverdue === null ? 'n/a' : fixed(o.daysOverdue, 0)]),
        ['l', 'l', 'l', 'r'],
      ),
    );
    if (overdueCount > overdue.length)
      out.push('', `…and ${overdueCount - overdue.length} more (findings.csv of run ${mdCell(r.runs.at(-1)?.name ?? '')} lists them all, column \`overdue\`).`);
  }
  out.push('', `**Exceptions expiring next quarter** (${r.nextQuarter.from} … ${r.nextQuarter.to})`, '');
  if (expiring.length === 0) out.push('None.');
  else
    out.push(
      mdTable(
        ['Exception', 'Asset', 'Expires', 'Findings accepted', 'Reason'],
        expiring.map((e) => [mdCell(e.id), mdCell(e.assetId), mdCell(e.expires), String(e.matched), mdCell(e.reason)]),
        ['l', 'l', 'l', 'r', 'l'],
      ),
    );
  return out;
}
