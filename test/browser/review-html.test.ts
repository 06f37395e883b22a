import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../../scripts/gen-history.js';
import { reviewFiles } from '../../src/history/review-files.js';
import { headlines } from '../../src/history/headline.js';
import { summarySentences } from '../../src/history/narrative.js';
import { loadHistory } from '../../src/history/load.js';
import { CHROMIUM_FLAGS } from '../../src/history/pdf.js';
import { buildReview, type Review } from '../../src/history/review.js';
import { resolveWindow } from '../../src/history/window.js';
import { silentLogger } from '../../src/log.js';
import { inkOf } from './png.js';

/**
 * review.html of the bundled history (scripts/gen-history.ts) in real headless Chromium — Debian's
 * `chromium`, driven by playwright-core; no browser is downloaded. .ci/run installs it when
 * missing; only where it cannot be found does this suite skip, saying so.
 */

const CHROMIUM = process.env.SECSLI_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`test/browser: SKIPPED — no Chromium at ${CHROMIUM} (apt-get install chromium, or set SECSLI_CHROMIUM)`);

let dir: string;
let browser: Browser;
let review: Review;
let files: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secsli-browser-'));
  await generateHistory({ out: join(dir, 'history') });
  const history = await loadHistory(join(dir, 'history'), silentLogger, { findings: true });
  review = buildReview(history, resolveWindow(history.runs));
  files = reviewFiles(review);
  await mkdir(join(dir, 'review', 'owners'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'review', name), text);
  if (HAVE_CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens a file of the review; every request but the file itself is recorded and refused. */
async function open(name: string): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const url = pathToFileURL(join(dir, 'review', name)).href;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => r.url() !== url && requests.push(r.url()));
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems, requests };
}

/** The one browser API used inside page.evaluate (the project's tsconfig has no DOM lib). */
type BrowserWindow = { getComputedStyle(e: unknown): { breakBefore: string } };
type DomElement = { tagName: string; className: string; textContent: string; getBoundingClientRect(): { right: number } };
type DomDocument = {
  documentElement: { clientWidth: number; scrollWidth: number };
  querySelectorAll(s: string): Iterable<DomElement>;
  createRange(): { selectNodeContents(e: DomElement): void; getClientRects(): Iterable<{ top: number }> };
};

const text = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.skipIf(!HAVE_CHROMIUM)('review.html in headless Chromium', () => {
  it('loads with no console errors and no network request', async () => {
    const { page, problems, requests } = await open('review.html');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('shows every chart, each drawn (not blank)', async () => {
    const { page } = await open('review.html');
    const charts = page.locator('figure svg');
    const count = await charts.count();
    expect(count).toBe(Object.keys(files).filter((n) => n.endsWith('.svg')).length);
    for (let i = 0; i < count; i++) {
      const svg = charts.nth(i);
      await expect.poll(() => svg.isVisible()).toBe(true);
      const box = (await svg.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(box.height).toBeGreaterThan(200);
      const ink = inkOf(await svg.screenshot());
      const label = await svg.getAttribute('aria-label');
      expect(ink.ink / (ink.width * ink.height), label ?? '').toBeGreaterThan(0.02);
      expect(ink.colours, label ?? '').toBeGreaterThan(6);
    }
    await page.close();
  });

  it('opens on the executive summary: every headline figure in the text, all of it within 1280×800', async () => {
    const { page } = await open('review.html');
    const body = text(await page.locator('#summary').innerText());
    const heads = headlines(review);
    expect(heads.length).toBeGreaterThanOrEqual(4);
    for (const h of heads) {
      expect(body.toLowerCase()).toContain(text(h.label).toLowerCase());
      for (const part of [h.value, h.change]) expect(body).toContain(text(part));
    }
    expect(summarySentences(review).length).toBeGreaterThanOrEqual(3);
    for (const s of summarySentences(review)) expect(body).toContain(text(s));
    const box = (await page.locator('#summary').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(800);
    const shot = await page.screenshot();
    await writeFile(join(dir, 'summary-1280x800.png'), shot);
    expect(inkOf(shot)).toMatchObject({ width: 1280, height: 800 });
    await page.close();
  });

  it('prints: one page break before each section and each owner, a PDF from the same file', async () => {
    const { page } = await open('review.html');
    await page.emulateMedia({ media: 'print' });
    const breaks = await page.locator('section.break').evaluateAll((els) => els.map((e) => (globalThis as unknown as BrowserWindow).getComputedStyle(e).breakBefore));
    expect(breaks.length).toBeGreaterThanOrEqual(5 + new Set(review.attainment.map((a) => a.owner)).size);
    expect(new Set(breaks)).toEqual(new Set(['page']));
    for (const format of ['A4', 'Letter'] as const) expect((await page.pdf({ format })).subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });

  it('the checks above can fail: an external image is caught, a blank chart has no ink', async () => {
    const bad = files['review.html']!.replace(
      '<h2>Executive summary</h2>',
      '<h2>Executive summary</h2><img src="https://example.invalid/x.png"><svg id="blank" width="400" height="300"></svg>',
    );
    await writeFile(join(dir, 'review', 'bad.html'), bad);
    const { page, problems, requests } = await open('bad.html');
    expect([...problems, ...requests].length).toBeGreaterThan(0);
    const blank = inkOf(await page.locator('#blank').screenshot());
    expect(blank.ink).toBe(0);
    await page.close();
  });

  it('a 400-character title with no spaces wraps or is clipped: no table, figure or sentence leaves the page', async () => {
    const history = await loadHistory(join(dir, 'history'), silentLogger, { findings: true });
    const long = `"${'X'.repeat(398)}"`;
    for (const run of history.runs) for (const a of run.snapshot.assets) for (const f of a.findings) f.title = long;
    const hostile = reviewFiles(buildReview(history, resolveWindow(history.runs)));
    expect(hostile['review.html']).toContain(`title="&quot;${'X'.repeat(398)}&quot;"`);
    const pages = ['review.html', ...Object.keys(hostile).filter((n) => n.startsWith('owners/') && n.endsWith('.html'))];
    for (const name of pages) await writeFile(join(dir, 'review', `long-${name.replace('/', '-')}`), hostile[name]!);
    for (const name of pages) {
      const { page } = await open(`long-${name.replace('/', '-')}`);
      const overflow = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: DomDocument }).document;
        const right = d.documentElement.clientWidth;
        const out: string[] = [];
        if (d.documentElement.scrollWidth > right) out.push(`page scrolls sideways: ${d.documentElement.scrollWidth} > ${right}`);
        for (const e of d.querySelectorAll('td, ol.story li, p')) {
          const box = e.getBoundingClientRect();
          if (box.right > right + 0.5) out.push(`${e.tagName}.${e.className} "${e.textContent.slice(0, 40)}" ends at ${Math.round(box.right)} > ${right}`);
        }
        // Figures stay on one line, and a short word beside the long title (a severity) is not broken.
        for (const e of d.querySelectorAll('td.n, td:not(.t)')) {
          if (e.className !== 'n' && /[\s-]/.test(e.textContent.trim())) continue;
          const range = d.createRange();
          range.selectNodeContents(e);
          const lines = new Set([...range.getClientRects()].map((b) => Math.round(b.top)));
          if (lines.size > 1) out.push(`${e.className} "${e.textContent}" wraps`);
        }
        return out;
      });
      expect(overflow, name).toEqual([]);
      await page.close();
    }
  });

  it('opens each owner file on its own, with no errors or requests', async () => {
    for (const name of Object.keys(files).filter((n) => n.startsWith('owners/') && n.endsWith('.html'))) {
      const { page, problems, requests } = await open(name);
      expect([...problems, ...requests], name).toEqual([]);
      expect(await page.locator('h1').innerText()).not.toBe('');
      await page.close();
    }
  });
});
