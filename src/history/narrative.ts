import { fixed, pct } from '../report/format.js';
import { PART_TITLES } from './attribution-render.js';
import { ATTRIBUTION_PARTS, type AssetAttribution } from './attribution.js';
import type { QuarterFigures } from './quarter.js';
import { removedIn, type Review } from './review.js';

/**
 * The executive summary's sentences, generated from the figures and the attribution: how the
 * quarter ended against the one before, what got worse and why, what improved and why, what the
 * policy changes did, and who should act first. Plain text (renderers escape it); 3–5 sentences.
 */

/**
 * Text from outside (titles, asset ids, owners, ids from a source) inside a sentence, at most
 * `max` characters: a hostile 400-character title is clipped where it stands, so no renderer ever
 * needs to cut the sentence — and with it the figures after the title.
 */
const MAX_NAME = 80;
const MAX_TITLE = 120;
function clip(s: string, max = MAX_NAME): string {
  const cps = [...s];
  return cps.length > max ? `${cps.slice(0, max - 1).join('')}…` : s;
}
/** A list of outside names: each clipped, the first five named and the rest counted. */
const clipAll = (xs: readonly string[], n = 5) =>
  xs
    .slice(0, n)
    .map((x) => clip(x))
    .join(', ') + (xs.length > n ? ` and ${xs.length - n} more` : '');

const pts = (n: number) => `${n >= 0 ? '+' : '−'}${fixed(Math.abs(n), 1)} risk points`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function mainPart(m: AssetAttribution): string {
  const p = [...ATTRIBUTION_PARTS].sort((a, b) => Math.abs(m.parts[b]) - Math.abs(m.parts[a]))[0]!;
  return `${PART_TITLES[p].toLowerCase()} (${pts(m.parts[p])})`;
}

function moverSentence(m: AssetAttribution, verb: string): string {
  const d = m.drivers[0];
  const driver = d ? `; the largest single change: ${clip(d.title || d.findingId, MAX_TITLE)} (${clip(d.note, MAX_TITLE)}, ${pts(d.amount)})` : '';
  return `${clip(m.assetId)} (${clip(m.owner)}) ${verb}: budget used ${pct(m.budgetUsedA, 0)} → ${pct(m.budgetUsedB, 0)}, mostly ${mainPart(m)}${driver}.`;
}

function standing(f: QuarterFigures, prev: QuarterFigures | null): string {
  const was = prev ? ` (${prev.window.label}: ${prev.breached} BREACHED, ${prev.atRisk} AT RISK)` : ' (no earlier data to compare with)';
  const counts = f.unknown ? `BREACHED, ${f.atRisk} AT RISK and ${f.unknown} UNKNOWN` : `BREACHED and ${f.atRisk} AT RISK`;
  const unknown = f.unknown ? `; UNKNOWN: not measured at the last run, so not counted as good` : '';
  return `At the end of ${f.window.label}, ${f.breached} of ${plural(f.assets, 'asset')} ${f.breached === 1 ? 'was' : 'were'} ${counts}${was}${unknown}.`;
}

function policySentence(r: Review): string | null {
  if (r.policyChanges.length === 0) return null;
  const policyPts = [...r.moversUp, ...r.moversDown].reduce((n, m) => n + m.parts.policy, 0);
  const changes = r.policyChanges.map((c) => `${c.asOf.slice(0, 10)}: ${clip(c.what, MAX_TITLE * 2)}`).join('; ');
  const effect = Math.abs(policyPts) >= 0.05 ? `; on the assets that moved most it accounts for ${pts(policyPts)}` : '';
  return `The policy changed ${r.policyChanges.length === 1 ? 'once' : `${r.policyChanges.length} times`} (${changes})${effect}, so numbers either side of a change are not directly comparable.`;
}

/** Owner with the most to do: breached assets, then overdue findings, then exceptions expiring. */
function actSentence(r: Review): string | null {
  const owners = [...new Set(r.attainment.map((a) => a.owner))].sort();
  const score = owners.map((o) => {
    // BREACHED at the last run: an asset removed from the inventory before it is nobody's to act on.
    const breached = r.attainment.filter((a) => a.owner === o && !removedIn(r, a) && a.observations.at(-1)?.status === 'BREACHED').map((a) => a.assetId);
    return { o, breached, overdue: r.overdueCount.byOwner.get(o) ?? 0, expiring: r.expiring.filter((x) => x.owner === o) };
  });
  score.sort((a, b) => b.breached.length - a.breached.length || b.overdue - a.overdue || b.expiring.length - a.expiring.length || (a.o < b.o ? -1 : 1));
  const top = score[0];
  if (!top || (top.breached.length === 0 && top.overdue === 0 && top.expiring.length === 0)) return null;
  const what = [
    top.breached.length ? `${clipAll(top.breached)} BREACHED` : '',
    top.overdue ? `${plural(top.overdue, 'finding')} past deadline` : '',
    top.expiring.length ? `exception ${top.expiring.map((e) => `${clip(e.id)} expires ${e.expires}`).join(', ')}` : '',
  ].filter(Boolean);
  return `${clip(top.o)} should act first: ${what.join('; ')}.`;
}

/** The assets not compared as movers, each with its owner and its statuses at the first and the last run (plain text). */
export function unmeasuredList(r: Review): string {
  return r.unmeasuredMovers.map((m) => `${clip(m.assetId)} (${clip(m.owner)}; ${m.statusA ?? '—'} → ${m.statusB ?? '—'})`).join(', ');
}

export function summarySentences(r: Review): string[] {
  const out: string[] = [];
  if (r.figures) out.push(standing(r.figures, r.previous));
  const up = r.moversUp[0];
  const down = r.moversDown[0];
  if (up) out.push(moverSentence(up, 'got worse'));
  if (down) out.push(moverSentence(down, 'improved'));
  const gaps = r.unmeasuredMovers;
  if (!up && !down) {
    // Nothing compared is not "nothing moved": a window that ends on a run that measured nothing says so.
    if (gaps.length && r.comparedAssets === 0) out.push('No asset could be compared between the first and the last run of the window: none was fully measured at both.');
    else
      out.push(
        gaps.length
          ? 'No fully measured asset’s budget use moved between the first and the last run of the window.'
          : 'No asset’s budget use moved between the first and the last run of the window.',
      );
  }
  if (gaps.length) {
    const names =
      gaps
        .slice(0, 3)
        .map((m) => `${clip(m.assetId)} (${clip(m.owner)})`)
        .join(', ') + (gaps.length > 3 ? ` and ${gaps.length - 3} more` : '');
    out.push(
      `${names} ${gaps.length === 1 ? 'was' : 'were'} not fully measured at the first or the last run of the window, so ${gaps.length === 1 ? 'its' : 'their'} change is not counted as better or worse.`,
    );
  }
  const policy = policySentence(r);
  if (policy) out.push(policy);
  const act = actSentence(r);
  if (act) out.push(act);
  const cve = r.recurring[0];
  if (out.length < 5 && cve) out.push(`${clip(cve.cve)} is open on ${plural(cve.assets.length, 'asset')} (${clipAll(cve.assets)}): fix it once, close it on all of them.`);
  return out.slice(0, 5);
}

/** How many unclaimed groups the pack names (the rest are in the last run's unmapped.csv). */
const UNCLAIMED_NAMED = 10;

/**
 * The unclaimed inventory at the window's last run, named with what to do: each repository or
 * account with findings no asset claims (the headline counts them; this says which), most findings
 * first. Null when there is none.
 */
export function unclaimedSentence(r: Review, text: (s: string) => string, code: (s: string) => string): string | null {
  const last = r.runs.at(-1);
  const groups = last?.snapshot.unmapped ?? [];
  if (!last || groups.length === 0) return null;
  const named = groups.slice(0, UNCLAIMED_NAMED).map((g) => {
    const key = clip(g.key ?? '(unknown)');
    const what = g.source === 'securityhub' && /^\d{12}$/.test(g.key ?? '') ? `account ${key}` : key;
    const n = g.open ?? g.findingIds.length;
    return text(`${what} (${plural(n, 'finding')}${g.source ? `, ${clip(g.source)}` : ''})`);
  });
  const more = groups.length > UNCLAIMED_NAMED ? ` and ${groups.length - UNCLAIMED_NAMED} more (${code('unmapped.csv')} of run ${text(clip(last.name))})` : '';
  return `Unclaimed at the last run (${last.snapshot.asOf.slice(0, 10)}): ${named.join(', ')}${more}. Claim each in ${code('assets.yaml')}, or record why nobody owns it: ${code('secsli init')} proposes entries from discovery.`;
}
