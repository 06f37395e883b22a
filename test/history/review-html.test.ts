import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewFiles } from '../../src/history/review-files.js';
import { summarySentences } from '../../src/history/narrative.js';
import { loadHistory, type History } from '../../src/history/load.js';
import { describePolicyChange } from '../../src/history/policy-diff.js';
import { previousWindow } from '../../src/history/quarter.js';
import { budgetChart } from '../../src/history/review-charts.js';
import { renderBarChart } from '../../src/history/svg/bar-chart.js';
import { renderTimeChart } from '../../src/history/svg/time-chart.js';
import { buildReview } from '../../src/history/review.js';
import { resolveWindow } from '../../src/history/window.js';
import { silentLogger } from '../../src/log.js';
import { linearPolicy } from '../builders.js';
import { RUN_DATES, snapshotText, writeRunFolder, writeScenario } from './scenario.js';
import { parseSnapshot, type SnapshotV1 } from '../../src/history/schema.js';
import { pct } from '../../src/report/format.js';

function snapshotFromText(text: string): SnapshotV1 {
  const r = parseSnapshot(text);
  if (!r.ok) throw new Error(`snapshot does not read back: ${r.reason}`);
  return r.snapshot;
}

/** The review's executive summary, quarter over quarter, escaping and charts, on the hand-computable scenario. */

let dir: string;
let history: History;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secsli-review-html-'));
  await writeScenario(dir);
  // A run narrowed with --asset: not used, and said so (not "unreadable").
  const narrowed = JSON.parse(snapshotText(new Date('2026-08-15T00:00:00Z')));
  await writeRunFolder(dir, '2026-08-15T000000Z', JSON.stringify({ ...narrowed, scope: { asset: 'pay' } }));
  history = await loadHistory(dir, silentLogger, { findings: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const fresh = async () => loadHistory(dir, silentLogger, { findings: true });

describe('executive summary figures', () => {
  it('match the hand-computed scenario; no earlier quarter means "no earlier data"', () => {
    const r = buildReview(history, resolveWindow(history.runs));
    const f = r.figures!;
    expect([f.runs, f.assets, f.breached, f.atRisk]).toEqual([13, 3, 2, 0]);
    // batch is UNKNOWN in two runs, within budget on what was measured: left out, not counted as good.
    expect(f.withinBudget).toMatchObject({ met: 33, valid: 37 });
    expect(f.unmeasured).toBe(2);
    // critical P2 (6 d) and W3 (4 d) in time; W2 medium in time; B2 low due 08-28, still open; W1 is a false positive.
    expect(f.deadlines.map((d) => [d.severity, d.inTime, d.events])).toEqual([
      ['critical', 2, 2],
      ['high', 0, 0],
      ['medium', 1, 1],
      ['low', 1, 2],
    ]);
    expect(f.mttr.find((m) => m.severity === 'critical')).toEqual({ severity: 'critical', days: 5, closed: 2, open: 0 });
    // P3 high, first seen 09-08, still open at the window's last run (09-25): at least 17 days (nobody looked after it).
    expect(f.mttr.find((m) => m.severity === 'high')).toEqual({ severity: 'high', days: 17, closed: 0, open: 1 });
    expect(f.inventoryCoverage).toBeNull();
    expect(f.accepted).toEqual({ exceptions: 2, findings: 0, expiringNext: 1 });
    expect(r.previous).toBeNull();
    const html = reviewFiles(r)['review.html']!;
    expect(html).toContain('not measured in these runs');
    expect(html).toContain('no earlier data');
    expect(summarySentences(r).length).toBeGreaterThanOrEqual(3);
    expect(summarySentences(r).length).toBeLessThanOrEqual(5);
    expect(summarySentences(r)[1]).toMatch(/^pay \(team-pay\) got worse: budget used 10 % → 110 %, mostly new \(\+10\.0 risk points\)/);
    expect(summarySentences(r).at(-1)).toMatch(/^team-web should act first: batch BREACHED; 1 finding past deadline; exception RA-1 expires 2026-11-15\.$/);
  });

  it('compare with the window before: the previous quarter, or the same number of days', async () => {
    expect(previousWindow(resolveWindow(history.runs))).toMatchObject({ from: '2026-04-01', to: '2026-06-30', label: '2026-Q2' });
    const r = buildReview(history, resolveWindow(history.runs, '2026-08-01', '2026-08-31'));
    expect(r.previous?.window).toMatchObject({ from: '2026-07-01', to: '2026-07-31' });
    expect(r.previous?.runs).toBe(5);
    expect(summarySentences(r)[0]).toMatch(/\(2026-07-01_2026-07-31: \d BREACHED, \d AT RISK\)\.$/);
  });

  it('a window that ends on a run that measured no asset says none could be compared, not that nothing moved, and calls itself a period', () => {
    const w = resolveWindow(history.runs, '2026-08-01', '2026-08-21');
    const runs = history.runs.map((run) => {
      if (run.snapshot.asOf !== '2026-08-21T00:00:00.000Z') return run;
      const snapshot = structuredClone(run.snapshot);
      for (const a of snapshot.assets) Object.assign(a, { status: 'UNKNOWN', coverage: [{ source: 'dependabot', status: 'gap', reasons: ['not collected'] }] });
      return { ...run, snapshot };
    });
    const r = buildReview({ ...history, runs }, w);
    expect(r.comparedAssets).toBe(0);
    const sentences = summarySentences(r);
    expect(sentences).toContain('No asset could be compared between the first and the last run of the window: none was fully measured at both.');
    expect(sentences.join(' ')).not.toContain('No asset’s budget use moved');
    const files = reviewFiles(r);
    expect(files['review.md']).toContain('| Previous period |');
    expect(files['review.html']).toContain('<h2>Assets at the end of the period</h2>');
    // A calendar quarter is still a quarter.
    const q = reviewFiles(buildReview(history, resolveWindow(history.runs)));
    expect(q['review.md']).toContain('| Previous quarter |');
    expect(q['review.html']).toContain('<h2>Assets at the end of the quarter</h2>');
  });

  it('names the unclaimed repositories and accounts of the last run, with what to do (the headline only counts them)', () => {
    const at = history.runs.findIndex((x) => x.snapshot.asOf === '2026-09-25T00:00:00.000Z');
    const last = history.runs[at]!;
    const snapshot = structuredClone(last.snapshot);
    snapshot.unmapped = [
      { source: 'securityhub', key: '999900001111', open: 19, findingIds: [] },
      { source: 'dependabot', key: 'acme/<legacy>|portal', open: 1, findingIds: ['dependabot:acme/legacy#1'] },
    ];
    const runs = history.runs.map((x, i) => (i === at ? { ...last, snapshot } : x));
    const r = buildReview({ ...history, runs }, resolveWindow(history.runs));
    const files = reviewFiles(r);
    const line = 'Unclaimed at the last run (2026-09-25): account 999900001111 (19 findings, securityhub), acme/&lt;legacy&gt;\\|portal (1 finding, dependabot).';
    expect(files['review.md']).toContain(line);
    expect(files['review.md']).toContain('Claim each in `assets.yaml`, or record why nobody owns it: `secsli init` proposes entries from discovery.');
    expect(files['review.html']).toContain('account 999900001111 (19 findings, securityhub), acme/&lt;legacy&gt;|portal (1 finding, dependabot).');
  });

  it('the pack’s files link each other: every owner page from review.html and review.md, and back; every relative link resolves', () => {
    const files = reviewFiles(buildReview(history, resolveWindow(history.runs)));
    const owners = Object.keys(files).filter((f) => /^owners\/.*\.html$/.test(f));
    expect(owners.length).toBeGreaterThan(1);
    for (const page of owners) {
      expect(files['review.html']).toContain(`href="${page}"`);
      expect(files['review.md']).toContain(`](${page.replace(/\.html$/, '.md')})`);
      expect(files[page]).toContain('href="../review.html"');
      expect(files[page.replace(/\.html$/, '.md')]).toContain('](../review.html)');
    }
    for (const [name, text] of Object.entries(files)) {
      const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
      const targets = [...text.matchAll(/href="([^"#:]+)"/g), ...text.matchAll(/\]\(([^)#:\s]+)\)/g)].map((m) => decodeURIComponent(m[1]!));
      for (const t of targets) {
        const resolved = t.startsWith('../') ? t.slice(3) : dir + t;
        expect(Object.keys(files), `${name} links ${t}`).toContain(resolved);
      }
    }
  });

  it('says why each run folder was not used: a narrowed run is "narrowed", not unreadable', () => {
    const r = buildReview(history, resolveWindow(history.runs));
    expect(r.skipped).toEqual([{ name: '2026-08-15T000000Z', reason: 'narrowed to asset pay', kind: 'narrowed' }]);
    // Not used by design: nothing the review needed is missing.
    expect(r.leftOut).toEqual([]);
    const files = reviewFiles(r);
    expect(files['review.html']).toContain('<td>2026-08-15T000000Z</td><td class="t">narrowed to asset pay</td>');
    expect(files['review.md']).toContain('`2026-08-15T000000Z` (narrowed to asset pay)');
    expect(files['review.md']).not.toMatch(/unreadable|could not be read/);
    expect(files['review.html']).not.toMatch(/could not be read/);
  });
});

describe('escaping', () => {
  it('attacker-controlled owners, titles, CVEs and reasons are text in every HTML file and chart', async () => {
    const h = await fresh();
    const evil = '<img src=x onerror=alert(1)>"\'&\u0007\u001b[31m';
    for (const run of h.runs) {
      for (const a of run.snapshot.assets) {
        if (a.id === 'pay') a.owner = `team-${evil}`;
        for (const f of a.findings) {
          f.title = `<script>alert(1)</script>${evil}`;
          f.cves = [`CVE-${evil}`];
          f.url = 'javascript:alert(1)';
        }
      }
      for (const e of run.snapshot.exceptions) e.reason = evil;
    }
    const files = reviewFiles(buildReview(h, resolveWindow(h.runs)));
    const names = Object.keys(files).filter((n) => /\.(html|svg)$/.test(n));
    expect(names.filter((n) => n.startsWith('owners/'))).toEqual(['owners/team-img-src-x-onerror-alert-1-31m.html', 'owners/team-web.html']);
    for (const name of names) {
      const text = files[name]!;
      expect(text, name).not.toMatch(/<script|<img|href="javascript/i);
      expect(text, name).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    }
    expect(files['review.html']).toContain('team-&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;[31m');
  });
});

describe('charts', () => {
  it('mark policy changes with what changed, and switch to a log scale when a line is far over budget', async () => {
    const h = await fresh();
    const a = snapshotFromText(snapshotText(new Date('2026-09-11T00:00:00Z')));
    const b = snapshotFromText(snapshotText(new Date('2026-09-18T00:00:00Z'), { over: { policy: linearPolicy({ exposure: { internal: 1.2 } }) } }));
    expect(describePolicyChange(a, b)).toBe('exposure.internal 1 → 1.2');
    h.runs = h.runs.map((r) =>
      r.snapshot.asOf >= '2026-09-18'
        ? { ...r, snapshot: snapshotFromText(snapshotText(new Date(r.snapshot.asOf), { over: { policy: linearPolicy({ exposure: { internal: 1.2 } }) } })) }
        : r,
    );
    const r = buildReview(h, resolveWindow(h.runs));
    expect(r.policyChanges.map((c) => [c.asOf.slice(0, 10), c.what])).toEqual([['2026-09-18', 'exposure.internal 1 → 1.2']]);
    for (const [name, svg] of Object.entries(reviewFiles(r)).filter(([n]) => n.endsWith('.svg') && n !== 'attainment-by-owner.svg')) {
      expect(svg, name).toContain('P1 2026-09-18 policy change: exposure.internal 1 → 1.2');
    }
    expect(budgetChart(r)).not.toContain('log scale');
    // pay at 40× its budget: the budget line must stay readable.
    for (const run of r.runs) for (const x of run.snapshot.assets) if (x.id === 'pay') x.budgetUsed = 40;
    const far = buildReview({ ...h, runs: r.runs.concat(h.runs.filter((x) => !r.runs.includes(x))).sort((p, q) => (p.snapshot.asOf < q.snapshot.asOf ? -1 : 1)) }, r.window);
    const svg = budgetChart(far);
    expect(svg).toContain('Share of risk budget used — log scale');
    for (const tick of ['>100 %<', '>1,000 %<', '>10,000 %<']) expect(svg).toContain(tick);
    expect(svg).not.toMatch(/ id="/);
    expect(budgetChart(far)).toBe(svg);
  });

  it('has a tick for every run date, once each', () => {
    const svg = budgetChart(buildReview(history, resolveWindow(history.runs)));
    const days = RUN_DATES.filter((d) => d.getUTCMonth() >= 6 && d.getUTCMonth() <= 8);
    expect(days).toHaveLength(13);
    const months = ['Jul', 'Aug', 'Sep'];
    for (const d of days) expect(svg.split(`>${months[d.getUTCMonth() - 6]} ${d.getUTCDate()}</text>`), d.toISOString()).toHaveLength(2);
  });
});

describe('runs that did not measure everything', () => {
  /** The scenario with its 2026-08-07 run replaced by one where Dependabot answered for no asset (PARTIAL, every asset UNKNOWN, no findings). */
  async function blindRun() {
    const h = await fresh();
    const blind = snapshotFromText(snapshotText(new Date('2026-08-07T00:00:00Z'), { gapRepos: ['acme/pay', 'acme/web', 'acme/batch'], specs: [] }));
    blind.partial = true;
    h.runs = h.runs.map((r) => (r.snapshot.asOf.startsWith('2026-08-07') ? { ...r, snapshot: blind } : r));
    return buildReview(h, resolveWindow(h.runs));
  }
  const altOf = (svg: string) => svg.match(/aria-label="([^"]*)"/)![1]!;

  it('a run where every asset is UNKNOWN is no improvement: the trends table counts UNKNOWN, marks the run, and shows its counts as lower bounds', async () => {
    const r = await blindRun();
    const t = r.trends.find((x) => x.asOf.startsWith('2026-08-07'))!;
    expect(t).toMatchObject({ backlog: 0, breached: 0, atRisk: 0, unknown: 3, partial: true, gaps: 3 });
    const md = reviewFiles(r)['review.md']!;
    expect(md).toContain('| Run | Open | Past deadline | Accepted findings | Exceptions | Unclaimed | BREACHED | AT RISK | UNKNOWN | Measured |');
    expect(md).toContain('| 2026-08-07 | ≥ 0 | ≥ 0 | ≥ 0 | 2 | ≥ 0 | ≥ 0 | ≥ 0 | 3 | **PARTIAL; gaps on 3 assets** |');
    // The batch gap runs of the scenario are marked too; a complete run is not.
    expect(md).toContain('| 2026-08-14 | ≥ 4 | ≥ 0 | ≥ 0 | 2 | ≥ 0 | ≥ 0 | ≥ 0 | 1 | **gaps on 1 asset** |');
    expect(md).toMatch(/\| 2026-07-03 \| 4 \| 0 \| 0 \| 2 \| 0 \| 0 \| 0 \| 0 \| all \|/);
    expect(reviewFiles(r)['review.html']).toContain('<b>PARTIAL; gaps on 3 assets</b>');
  });

  it("an asset the window's last run did not fully measure: its budget used there is a lower bound in every table (≥), not a measured figure", async () => {
    const h = await fresh();
    const w = resolveWindow(h.runs);
    const last = buildReview(h, w).runs.at(-1)!;
    const gap = snapshotFromText(snapshotText(new Date(last.snapshot.asOf), { gapRepos: ['acme/batch'] }));
    h.runs = h.runs.map((r) => (r.name === last.name ? { ...r, snapshot: gap } : r));
    const r = buildReview(h, w);
    const batch = r.attainment.find((a) => a.assetId === 'batch')!.observations.at(-1)!;
    expect(batch.covered).toBe(false);
    const used = `≥ ${pct(batch.budgetUsed, 0)}`;
    const files = reviewFiles(r);
    // The owner's table in review.md, the owner's page and the assets at the end of the quarter in review.html.
    expect(files['review.md']).toMatch(new RegExp(`\\| batch \\| low \\| UNKNOWN \\| ${used} \\|`));
    const html = files['review.html']!;
    expect(html).toMatch(new RegExp(`<b>batch</b>.*→ ${used}</td>`));
    const owner = Object.entries(files).find(([name]) => name.startsWith('owners/') && name.endsWith('.html') && files[name]!.includes('<b>batch</b>'))!;
    expect(owner[1]).toContain(`<td class="n">${used}</td>`);
    // A measured asset's figure stays as it was.
    const pay = r.attainment.find((a) => a.assetId === 'pay')!.observations.at(-1)!;
    expect(pay.covered).toBe(true);
    expect(files['review.md']).toMatch(new RegExp(`\\| pay \\| critical \\| [A-Z ]+ \\| ${pct(pay.budgetUsed, 0)} \\|`));
  });

  it('run-level charts shade those runs and draw their counts hollow, off the line; the budget chart shows an UNKNOWN asset as a lower bound, not 0 %', async () => {
    const r = await blindRun();
    const files = reviewFiles(r);
    const backlog = files['backlog.svg']!;
    expect(backlog).toContain('Shaded: 3 run(s) not fully measured (PARTIAL or a coverage gap)');
    expect(altOf(backlog)).toContain('open: 4, 5, 5, 5, 3, ≥ 0, ≥ 4, ≥ 4, 3,');
    expect(altOf(backlog)).toContain('Not fully measured: 2026-08-07, 2026-08-14, 2026-08-21');
    // The open line is broken at the three runs: four pieces (before, between 08-07 and 08-14 none, after).
    const open = backlog.match(/<path d="([^"]*)" fill="none" stroke="#0072B2"/)![1]!;
    expect(open.split('M')).toHaveLength(3);
    // Exceptions in force are assets.yaml's, known in every run: no lower bound.
    expect(altOf(files['accepted-risk.svg']!)).toMatch(/exceptions in force: (2, ){12}2/);
    const budget = files['budget-used.svg']!;
    const alt = altOf(budget);
    expect(alt).toMatch(/pay: [^;]*, ≥ 0 %,/);
    expect(alt).toMatch(/batch: [^;]*≥ 0 %, ≥ 1 %, ≥ 1 %/);
    expect(budget).toContain('fill="white" stroke="#0072B2"');
    // review.md's sparkline has a gap there, not a dip.
    expect(files['review.md']).toMatch(/\| batch \| ▁▁▁▁▁···▁▁▁▁▁ \|/);
  });
});

describe('long text from outside', () => {
  it('review.md never cuts a summary sentence: a hostile title is clipped inside it, the figures after it stay', async () => {
    const h = await fresh();
    const long = `"${'X'.repeat(398)}"`;
    for (const run of h.runs) for (const a of run.snapshot.assets) for (const f of a.findings) f.title = long;
    const r = buildReview(h, resolveWindow(h.runs));
    const sentences = summarySentences(r);
    const mover = sentences.find((s) => s.includes('largest single change'))!;
    expect(mover).toMatch(/largest single change: "X{118}… \([^)]*, [+−]\d+\.\d risk points\)\.$/);
    const md = reviewFiles(r)['review.md']!;
    const lines = md.split('\n').filter((l) => /^\d\. /.test(l));
    expect(lines).toHaveLength(sentences.length);
    // &quot; makes the escaped line longer than the sentence: nothing is cut for it.
    for (const l of lines) expect(l).toMatch(/\.$/);
    expect(lines.find((l) => l.includes('largest single change'))).toMatch(/&quot;X{118}… \([^)]*, [+−]\d+\.\d risk points\)\.$/);
  });
});

describe('charts over many runs', () => {
  const daily = (n: number, from = '2026-07-01') => Array.from({ length: n }, (_, k) => new Date(Date.parse(`${from}T00:00:00Z`) + k * 86_400_000).toISOString());
  const labels = (svg: string) => [...svg.matchAll(/rotate\(-40\)" text-anchor="end" font-size="10.5" fill="#444">([^<]*)</g)].map((m) => m[1]!);
  const xs = (svg: string) => [...svg.matchAll(/translate\(([\d.]+) [\d.]+\) rotate\(-40\)/g)].map((m) => Number(m[1]));

  it('92 daily runs: a readable number of date labels, at least 18 px apart, not one per run', () => {
    const runs = daily(92);
    const svg = renderTimeChart({ title: 't', yTitle: 'y', runs, series: [{ name: 'a', values: runs.map((_, k) => k) }], format: String });
    const got = labels(svg);
    expect(got.length).toBeGreaterThanOrEqual(5);
    expect(got.length).toBeLessThanOrEqual(26);
    const at = xs(svg);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(18);
    // Weekly, on Mondays.
    expect(got).toEqual(['Jul 6', 'Jul 13', 'Jul 20', 'Jul 27', 'Aug 3', 'Aug 10', 'Aug 17', 'Aug 24', 'Aug 31', 'Sep 7', 'Sep 14', 'Sep 21', 'Sep 28']);
    expect(svg).toContain('>Run date (UTC), 2026<');
  });

  it('a window over several years: month labels with the year at each January, the axis title a range, policy labels merged, bounded widths', () => {
    const runs = Array.from({ length: 260 }, (_, k) => new Date(Date.parse('2026-04-03T00:00:00Z') + k * 7 * 86_400_000).toISOString());
    const svg = renderTimeChart({
      title: 't',
      yTitle: 'y',
      runs,
      series: [{ name: 'a', values: runs.map(() => 1) }],
      format: String,
      markers: [
        { asOf: '2026-08-07T00:00:00Z', label: 'KEV' },
        { asOf: '2026-09-11T00:00:00Z', label: 'weights' },
      ],
    });
    expect(svg).toContain('>Run date (UTC), 2026–2031<');
    const got = labels(svg);
    expect(got.length).toBeLessThanOrEqual(26);
    for (const y of ['2027', '2028', '2029', '2030', '2031']) expect(got).toContain(`Jan ${y}`);
    expect(got[0]).toMatch(/ 2026$/);
    expect(svg).toContain('>P1–P2</text>');
    expect(svg).not.toContain('>P1</text>');
    // Both are still described under the plot.
    expect(svg).toContain('P1 2026-08-07 policy change: KEV');
    expect(svg).toContain('P2 2026-09-11 policy change: weights');
    const months = Array.from({ length: 60 }, (_, k) => `M${k}`);
    const bars = renderBarChart({
      title: 'b',
      yTitle: 'y',
      categories: months,
      series: [
        { name: 'opened', values: months.map(() => 12) },
        { name: 'closed', values: months.map(() => 9) },
      ],
      format: String,
    });
    expect(Number(bars.match(/<svg [^>]*width="(\d+)"/)![1])).toBeLessThanOrEqual(1000);
    expect(bars).toContain('Bars too narrow to label');
  });

  it('a bar chart names its reference line in the legend, never on the plot where bars reaching it would hide it', () => {
    const chart = renderBarChart({
      title: 'attainment',
      yTitle: '%',
      categories: ['team-pay', 'team-web'],
      series: [{ name: 'on target', values: [0.5, 1] }],
      format: (v) => `${v * 100} %`,
      max: 1,
      reference: { value: 0.9, label: 'objective 90 %' },
    });
    const label = chart.match(/<text ([^>]*)>objective 90 %<\/text>/)!;
    // The legend row (y 39), above the plot (which starts at y 62).
    expect(label[1]).toMatch(/\by="39"/);
    expect(chart.match(/>objective 90 %</g)).toHaveLength(1);
  });

  it('a weekly quarter keeps a tick on every run date', () => {
    const runs = RUN_DATES.slice(0, 13).map((d) => d.toISOString());
    const got = labels(renderTimeChart({ title: 't', yTitle: 'y', runs, series: [{ name: 'a', values: runs.map(() => 1) }], format: String }));
    expect(got).toHaveLength(13);
  });
});

describe('an asset removed from the inventory mid-quarter', () => {
  it('is shown as removed on the day it went, not with its last sighting as the current status', async () => {
    const h = await fresh();
    for (const run of h.runs) if (run.snapshot.asOf >= '2026-09-04') run.snapshot.assets = run.snapshot.assets.filter((a) => a.id !== 'batch');
    const r = buildReview(h, resolveWindow(h.runs));
    const files = reviewFiles(r);
    const html = files['owners/team-web.html']!;
    const row = html.split('\n').find((l) => l.startsWith('<tr><td><b>batch</b>'))!;
    expect(row).toContain('removed from the inventory on 2026-09-04');
    expect(row).toContain('last seen 2026-08-28');
    expect(row).not.toContain('st-ok');
    const md = files['owners/team-web.md']!;
    expect(md).toMatch(/\| batch \| low \| removed from the inventory on 2026-09-04 \(last seen 2026-08-28: \w[\w ]*\) \| — \|/);
    for (const s of summarySentences(r)) expect(s).not.toMatch(/batch[^.]*BREACHED/);
  });
});
