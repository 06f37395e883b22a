import { createHash } from 'node:crypto';
import { day, fixed } from '../report/format.js';
import { esc, link, statusBadge, table } from './html.js';
import { NEXT_ACTIONS_PER_OWNER, removedIn, type Review } from './review.js';
import { usedText } from './slo.js';

/** One owner's page in review.html (and the body of owners/<owner>.html): assets, next actions, overdue items, expiring exceptions. */

export const ownersOf = (r: Review): string[] => [...new Set(r.attainment.map((a) => a.owner))].sort();

/**
 * A file name for an owner: lower-case letters, digits, `.`, `_`, `-`; unique within the review.
 * An owner whose name is already such a name gets exactly it; another whose name folds onto a
 * name taken gets a suffix from its own name's hash, so which team gets which file does not
 * depend on the other owners' names or their order.
 */
export function ownerFileNames(r: Review): Map<string, string> {
  const out = new Map<string, string>();
  const owners = ownersOf(r);
  const safe = (o: string) =>
    o
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'owner';
  const used = new Set<string>();
  for (const o of owners) {
    if (safe(o) !== o) continue;
    out.set(o, o);
    used.add(o);
  }
  for (const o of owners) {
    if (out.has(o)) continue;
    const base = safe(o);
    let name = used.has(base) ? `${base}-${createHash('sha256').update(o).digest('hex').slice(0, 8)}` : base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    out.set(o, name);
  }
  return new Map(owners.map((o) => [o, out.get(o)!]));
}

export function renderOwnerHtml(r: Review, owner: string, heading = 'h2'): string {
  const list = r.attainment.filter((a) => a.owner === owner);
  const overdue = r.overdue.filter((o) => o.owner === owner);
  const overdueCount = r.overdueCount.byOwner.get(owner) ?? 0;
  const expiring = r.expiring.filter((e) => e.owner === owner);
  const actions = r.nextActions.filter((a) => a.owner === owner).slice(0, NEXT_ACTIONS_PER_OWNER);
  const sub = heading === 'h2' ? 'h3' : 'h4';
  const out = [`<section class="break owner"><${heading}>${esc(owner)}</${heading}>`];
  // Its own file (owners/<owner>.html): the way back to the whole pack.
  if (heading === 'h1')
    out.push(`<p class="sub">Part of the review of ${esc(r.window.label)}: <a href="../review.html">review.html</a> (<a href="../review.md">review.md</a>).</p>`);
  out.push(
    `<p class="sub">${list.length} asset(s); ${overdueCount} finding(s) past deadline and ${expiring.length} exception(s) expiring next quarter (${esc(r.nextQuarter.from)} … ${esc(r.nextQuarter.to)}).</p>`,
    table(
      ['Asset', 'Criticality', 'Status (last run)', 'Why', 'Budget used', 'Runs within budget', 'Runs on target', 'Past deadline'],
      list.map((a) => {
        const last = a.observations.at(-1)!;
        const removed = removedIn(r, a);
        if (removed) {
          // Its last sighting is no status now: the window's last run does not have it.
          return [
            `<b>${esc(a.assetId)}</b>`,
            esc(a.criticality),
            esc(`removed from the inventory on ${day(removed.snapshot.asOf)}`),
            esc(`last seen ${day(last.asOf)}: ${last.status}, budget used ${usedText(last.budgetUsed, last.covered)}`),
            '—',
            esc(`${a.risk.met} of ${a.risk.valid}`),
            esc(`${a.good.met} of ${a.good.valid}`),
            '—',
          ];
        }
        const reasons = r.runs.at(-1)?.snapshot.assets.find((x) => x.id === a.assetId)?.statusReasons ?? [];
        return [
          `<b>${esc(a.assetId)}</b>`,
          esc(a.criticality),
          statusBadge(last.status),
          esc(reasons.join('; ') || '—'),
          esc(usedText(last.budgetUsed, last.covered)),
          esc(`${a.risk.met} of ${a.risk.valid}`),
          esc(`${a.good.met} of ${a.good.valid}`),
          String(r.overdueCount.byAsset.get(a.assetId) ?? 0),
        ];
      }),
      [4, 5, 6, 7],
      [3],
    ),
    `<${sub}>Next actions</${sub}>`,
    actions.length
      ? `<p class="note">Open findings, past-deadline first, then by the risk they add to their asset (risk points) at the last run.</p>` +
          table(
            ['Asset', 'Finding', 'Severity', 'Past deadline', 'Risk points'],
            actions.map((a) => [esc(a.assetId), link(a.title || a.findingId, a.url), esc(a.severity), a.overdue ? '<b>yes</b>' : 'no', fixed(a.contribution)]),
            [4],
            [1],
          )
      : '<p>Nothing open.</p>',
    `<${sub}>Past deadline at the last run</${sub}>`,
    overdueCount
      ? table(
          ['Asset', 'Finding', 'Severity', 'Days past deadline'],
          overdue.map((o) => [esc(o.assetId), link(o.title || o.findingId, o.url), esc(o.severity), o.daysOverdue === null ? 'n/a' : fixed(o.daysOverdue, 0)]),
          [3],
          [1],
        ) +
          (overdueCount > overdue.length
            ? `<p class="note">…and ${overdueCount - overdue.length} more (findings.csv of run ${esc(r.runs.at(-1)?.name ?? '')} lists them all, column <code>overdue</code>).</p>`
            : '')
      : '<p>Nothing past its deadline.</p>',
    `<${sub}>Exceptions expiring next quarter</${sub}>`,
    expiring.length
      ? table(
          ['Exception', 'Asset', 'Expires', 'Findings accepted', 'Reason'],
          expiring.map((e) => [esc(e.id), esc(e.assetId), esc(e.expires), String(e.matched), esc(e.reason)]),
          [3],
          [4],
        )
      : '<p>None.</p>',
    '</section>',
  );
  return out.join('\n');
}
