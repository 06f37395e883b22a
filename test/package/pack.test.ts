import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exampleScoreArgs } from '../cli/run.js';

/**
 * The release tarball as a user installs it: `npm pack`, then `npm install -g` into a scratch
 * prefix with --offline (no test touches the network), then the installed `secsli` runs outside
 * the repository. --offline needs the dependencies' registry metadata in the npm cache, which
 * `npm ci` does not store (it installs from the lockfile): on a machine whose cache lacks it the
 * install part is skipped with that reason (one online `npm install -g ./<tarball>` fills it).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

/** npm's own settings from a parent `npm test` (prefix, global…) must not leak into the scratch install. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(prefix|global|location)$/i.test(k)));

async function pack(dir: string) {
  // dist/ is built already (npm test builds first): skip prepack/prepare rather than rebuild under running tests.
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, env, maxBuffer: 64 << 20 });
  return (JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }])[0];
}

describe('npm pack → npm install -g → secsli', () => {
  it('packs the CLI and the KEV snapshot, nothing of the dev tree, installs and runs', { timeout: 300_000 }, async (ctx) => {
    expect(existsSync(join(ROOT, 'dist/src/cli/index.js')), 'dist/ is built (npm run build)').toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'secsli-pack-'));
    const info = await pack(dir);
    const files = info.files.map((f) => f.path);
    expect(files).toContain('dist/src/cli/index.js');
    expect(files).toContain('data/kev/known_exploited_vulnerabilities.json');
    const dev = files.filter((p) => !/^(package\.json|README\.md|LICENSE|data\/kev\/[^/]+|dist\/src\/.+\.js)$/.test(p));
    expect(dev, 'files outside the runtime').toEqual([]);
    expect(files.filter((p) => p.endsWith('.test.js'))).toEqual([]);

    const prefix = join(dir, 'prefix');
    try {
      await run('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(dir, info.filename)], { cwd: dir, env, maxBuffer: 64 << 20 });
    } catch (e) {
      const out = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
      if (/ENOTCACHED/.test(out)) return ctx.skip('the npm cache has no registry metadata for the dependencies (offline install impossible here)');
      throw e;
    }
    const bin = join(prefix, 'bin', 'secsli');
    const opts = { cwd: dir, env: { PATH: process.env.PATH } };
    expect((await run(bin, ['--version'], opts)).stdout.trim()).toBe(pkg.version);
    const validate = await run(bin, ['validate', '--config', join(ROOT, 'assets.yaml')], opts);
    expect(validate.stdout + validate.stderr).not.toMatch(/error/i);
    // A whole run from the installed copy: the KEV snapshot is found outside the repository.
    const score = await run(bin, exampleScoreArgs(join(dir, 'reports'), '-q'), opts);
    const summary = JSON.parse(readFileSync(join(score.stdout.trim(), 'summary.json'), 'utf8')) as { exitCode: number };
    expect(summary.exitCode).toBe(0);
    expect(readFileSync(join(score.stdout.trim(), 'report.md'), 'utf8')).toContain('CISA KEV catalog 2025.08.25');
  });
});
