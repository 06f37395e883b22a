import type { Fix } from '../scoring/types.js';
import type { ScoreResult } from '../scoring/types.js';
import { actionCell, day, fixed, mdCell, mdLink, mdTable } from './format.js';
import { compareJoined } from '../text/order.js';
import { hoursText } from '../model/time.js';

/**
 * The top of report.md: what to do first (fixes, most urgent first) and the incidents, with
 * their age in hours. Pure renderers: outside text (titles, packages, repos) is escaped.
 */

const NEXT_ACTIONS = 10;
/** Incidents listed; the rest are counted (a million findings can hold tens of thousands of them). */
const INCIDENTS_SHOWN = 25;

const assetList = (ids: readonly string[], max = 3) =>
  ids
    .slice(0, max)
    .map((x) => mdCell(x))
    .join(', ') + (ids.length > max ? ` +${ids.length - max}` : '');

function fixRow(f: Fix, i: number): string[] {
  return [
    String(i + 1),
    mdLink(actionCell(f.action), f.url),
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
    `The ${top.length} most urgent of ${r.fixes.length} fixes (all in fixes.csv): incidents past their response time, known-exploited findings past due, open incidents, other known-exploited findings, overdue ones, then the rest; within each, by the risk each removes (exact: the asset re-scored without what it closes).`,
    '',
    mdTable(['#', 'Do', 'Asset(s)', 'Closes', 'Risk removed', 'Why now'], top.map(fixRow), ['r', 'l', 'l', 'r', 'r', 'l']),
  ];
}

export function incidents(r: ScoreResult): string[] {
  const open = r.assets.flatMap((a) => a.incidents.open.map((i) => ({ a, i })));
  open.sort(
    (x, y) =>
      Number(y.i.pastTarget) - Number(x.i.pastTarget) ||
      y.i.ageHours - x.i.ageHours ||
      (compareJoined(x.i.row.finding.id, x.a.asset.id, y.i.row.finding.id, y.a.asset.id) < 0 ? -1 : 1),
  );
  const head = ['## Incidents (open threat detections)', ''];
  if (open.length === 0) return [...head, 'None: no open threat detection on a declared asset.'];
  const state = (i: (typeof open)[number]['i']) =>
    i.responseHours !== null ? `responded in ${hoursText(i.responseHours)} h (NOTIFIED)` : i.pastTarget ? '**no response, past target**' : 'no response yet';
  return [
    ...head,
    'Detections are evidence that something is happening, not weaknesses: they add nothing to risk and are measured by response time (first seen until the workflow leaves NEW).',
    '',
    mdTable(
      ['Asset', 'Detection', 'Severity', 'Age', 'Respond within', 'State', 'First seen'],
      open
        .slice(0, INCIDENTS_SHOWN)
        .map(({ a, i }) => [
          mdCell(a.asset.id),
          mdLink(i.row.finding.title, i.row.finding.url),
          i.row.finding.severity,
          `${hoursText(i.ageHours)} h`,
          `${i.targetHours} h`,
          state(i),
          day(i.row.finding.firstSeen),
        ]),
      ['l', 'l', 'l', 'r', 'r', 'l', 'l'],
    ),
    ...more(open.slice(INCIDENTS_SHOWN).map(({ i }) => i)),
  ];
}

/** The line under a cut incident table: how many are not listed, how many of those are late, and where they all are. */
function more(rest: readonly { pastTarget: boolean }[]): string[] {
  if (rest.length === 0) return [];
  const late = rest.filter((i) => i.pastTarget).length;
  const lateText = late > 0 ? `, ${late} of them past their response time` : '';
  return ['', `…and ${rest.length} more open detection${rest.length === 1 ? '' : 's'}${lateText}. findings.csv lists every one (column \`kind\` is \`threat\`).`];
}
