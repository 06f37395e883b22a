import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The release tarball as a user installs it: `npm pack`, then `npm install -g` into a scratch
 * prefix with --offline (the bundled dependencies need no registry, which is the point: nothing
 * is resolved by name at install time, and @octokit/request stays at the version that runs on
 * Node 20 — `overrides` only apply inside this repository), then the installed `secsli` runs.
 *
 * Packing and installing 7,000 files takes one to two minutes on a busy 2-core machine, so this
 * file runs when SECSLI_TEST_PACK=1 (.ci/run sets it); `npm test` alone lists it as skipped.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; bundleDependencies: string[] };

/** npm's own settings from a parent `npm test` (prefix, global…) must not leak into the scratch install. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(prefix|global|location)$/i.test(k)));

describe.runIf(process.env.SECSLI_TEST_PACK === '1')('npm pack → npm install -g → secsli', () => {
  it('bundles exactly the runtime dependencies', () => {
    expect([...pkg.bundleDependencies].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });

  it('packs the CLI and the KEV snapshot, nothing of the dev tree, and installs and runs offline', { timeout: 600_000 }, async () => {
    expect(existsSync(join(ROOT, 'dist/src/cli/index.js')), 'dist/ is built (npm run build)').toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'secsli-pack-'));
    // dist/ is built already (npm test builds first): skip `prepare` rather than build twice.
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, env, maxBuffer: 256 << 20 });
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const own = info.files.map((f) => f.path).filter((p) => !p.startsWith('node_modules/'));
    expect(own).toContain('dist/src/cli/index.js');
    expect(own).toContain('data/kev/known_exploited_vulnerabilities.json');
    const dev = own.filter((p) => !/^(package\.json|README\.md|LICENSE|data\/kev\/[^/]+|dist\/src\/.+\.js)$/.test(p));
    expect(dev, 'files outside the runtime').toEqual([]);
    expect(own.some((p) => p.endsWith('.test.js') || p.startsWith('dist/test/') || p.startsWith('dist/scripts/'))).toBe(false);

    const prefix = join(dir, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(dir, info.filename)], { cwd: dir, env, maxBuffer: 64 << 20 });
    const bin = join(prefix, 'bin', 'secsli');
    const opts = { cwd: dir, env: { PATH: process.env.PATH } };
    expect((await run(bin, ['--version'], opts)).stdout.trim()).toBe(pkg.version);
    const validate = await run(bin, ['validate', '--config', join(ROOT, 'assets.yaml')], opts);
    expect(validate.stdout + validate.stderr).not.toMatch(/error/i);
    // A whole run from the installed copy: the bundled KEV snapshot is found outside the repository.
    const score = await run(bin, ['score', '--config', join(ROOT, 'assets.yaml'), '--from', `securityhub=${join(ROOT, 'examples/securityhub-findings.json')}`, '--from', `dependabot=${join(ROOT, 'examples/dependabot-alerts.json')}`, '--as-of', '2026-11-27T00:00:00Z', '--out', join(dir, 'reports'), '-q'], opts);
    const summary = JSON.parse(readFileSync(join(score.stdout.trim(), 'summary.json'), 'utf8')) as { exitCode: number };
    expect(summary.exitCode).toBe(0);
    expect(readFileSync(join(score.stdout.trim(), 'report.md'), 'utf8')).toContain('CISA KEV catalog 2025.08.25');
    const installed = JSON.parse(readFileSync(join(prefix, 'lib/node_modules', pkg.name, 'node_modules/@octokit/request/package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe('10.0.14');
  });
});
