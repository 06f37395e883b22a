import type { Fix } from '../scoring/types.js';
import type { ScoreResult } from '../scoring/types.js';
import { day, fixed, mdCell, mdLink, mdTable } from './format.js';

/**
 * The top of report.md: what to do first (fixes, most urgent first) and the incidents, with
 * their age in hours. Pure renderers: outside text (titles, packages, repos) is escaped.
 */

const NEXT_ACTIONS = 10;

const assetList = (ids: readonly string[], max = 3) =>
  ids
    .slice(0, max)
    .map((x) => mdCell(x))
    .join(', ') + (ids.length > max ? ` +${ids.length - max}` : '');

function fixRow(f: Fix, i: number): string[] {
  return [
    String(i + 1),
    mdLink(f.action, f.url),
    assetList(f.assetIds),
    String(f.findingIds.length),
    f.kind === 'incident' ? '— (incident)' : `−${fixed(f.riskRemoved)}`,
    mdCell(f.why.join(', ') || 'largest risk removed'),
  ];
}

export function nextActions(r: ScoreResult): string[] {
  const head = ['## Next actions', ''];
  if (r.fixes.length === 0) return [...head, 'Nothing to do: no open finding or incident counts against a declared asset.'];
  const top = r.fixes.slice(0, NEXT_ACTIONS);
  return [
    ...head,
    `The ${top.length} most urgent of ${r.fixes.length} fixes (all in fixes.csv): incidents past their response time and known-exploited findings past due first, then by the risk each removes (exact: the asset re-scored without what it closes).`,
    '',
    mdTable(['#', 'Do', 'Asset(s)', 'Closes', 'Risk removed', 'Why now'], top.map(fixRow), ['r', 'l', 'l', 'r', 'r', 'l']),
  ];
}

export function incidents(r: ScoreResult): string[] {
  const open = r.assets.flatMap((a) => a.incidents.open.map((i) => ({ a, i })));
  open.sort(
    (x, y) => Number(y.i.pastTarget) - Number(x.i.pastTarget) || y.i.ageHours - x.i.ageHours || (x.i.row.finding.id + x.a.asset.id < y.i.row.finding.id + y.a.asset.id ? -1 : 1),
  );
  const head = ['## Incidents (open threat detections)', ''];
  if (open.length === 0) return [...head, 'None: no open threat detection on a declared asset.'];
  const state = (i: (typeof open)[number]['i']) =>
    i.responseHours !== null ? `responded in ${Math.floor(i.responseHours)} h (NOTIFIED)` : i.pastTarget ? '**no response, past target**' : 'no response yet';
  return [
    ...head,
    'Detections are evidence that something is happening, not weaknesses: they add nothing to risk and are measured by response time (first seen until the workflow leaves NEW).',
    '',
    mdTable(
      ['Asset', 'Detection', 'Severity', 'Age', 'Respond within', 'State', 'First seen'],
      open.map(({ a, i }) => [
        mdCell(a.asset.id),
        mdLink(i.row.finding.title, i.row.finding.url),
        i.row.finding.severity,
        `${Math.floor(i.ageHours)} h`,
        `${i.targetHours} h`,
        state(i),
        day(i.row.finding.firstSeen),
      ]),
      ['l', 'l', 'l', 'r', 'r', 'l', 'l'],
    ),
  ];
}
