import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';

/**
 * review.pdf through headless Chromium (Debian's `chromium`; no browser is ever downloaded). The
 * HTML is printed from a private temporary folder with the paper size added, so the same
 * review.html prints on A4 or Letter. A PDF carries its creation time: unlike every other file of
 * the review it is not byte-identical between runs.
 */

export type Paper = 'a4' | 'letter';

/** Flags every headless run uses: no sandbox (containers), no GPU, no background requests. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] as const;

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** `SECSLI_CHROMIUM` if set, else the first Chromium found at the usual Debian/Ubuntu paths. */
export async function findChromium(env: NodeJS.ProcessEnv): Promise<string | null> {
  const list = env.SECSLI_CHROMIUM ? [env.SECSLI_CHROMIUM] : CANDIDATES;
  for (const p of list) {
    try {
      await access(p);
      return p;
    } catch {
      // not there: try the next one
    }
  }
  return null;
}

export async function requireChromium(env: NodeJS.ProcessEnv): Promise<string> {
  const found = await findChromium(env);
  if (found) return found;
  throw new UsageError(
    `--pdf needs headless Chromium, and none was found (${env.SECSLI_CHROMIUM ? `SECSLI_CHROMIUM=${env.SECSLI_CHROMIUM}` : CANDIDATES.join(', ')})`,
    'Install it (Debian/Ubuntu: `apt-get install chromium`) or point SECSLI_CHROMIUM at a Chromium binary; or leave out --pdf and print review.html from a browser.',
  );
}

const run = (file: string, args: string[], timeoutMs: number) =>
  new Promise<void>((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, _out, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve()));
  });

export async function htmlToPdf(html: string, opts: { chromium: string; paper: Paper; timeoutMs?: number }): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'secsli-pdf-'));
  try {
    const size = opts.paper === 'a4' ? 'A4' : 'letter';
    const page = join(dir, 'review.html');
    const pdf = join(dir, 'review.pdf');
    await writeFile(page, html.replace('</head>', `<style>@page { size: ${size}; }</style>\n</head>`));
    const args = [...CHROMIUM_FLAGS, `--user-data-dir=${join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, pathToFileURL(page).href];
    try {
      await run(opts.chromium, args, opts.timeoutMs ?? 120_000);
      return await readFile(pdf);
    } catch (e) {
      const detail = String((e as { stderr?: string }).stderr ?? (e as Error).message)
        .split('\n')
        .filter(Boolean)
        .slice(-2)
        .join(' ');
      throw new UsageError(
        `${opts.chromium} could not print review.pdf: ${detail || 'no output'}`,
        'Check that this Chromium runs headless (`chromium --headless --version`), or leave out --pdf.',
        { cause: e },
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
