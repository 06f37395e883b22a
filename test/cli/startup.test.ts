import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture, scoreArgs, tmp } from './run.js';

/**
 * Start-up stays cheap: the built CLI is run with a module hook that prints every URL it loads,
 * and commands that draw no chart and collect nothing live must not load vega, the AWS SDK or
 * Octokit (issue 9: ~450 ms of a 600 ms start-up). Runs dist/, which `npm test` builds first.
 */

const BIN = fileURLToPath(new URL('../../dist/src/cli/index.js', import.meta.url));
const HEAVY = /node_modules\/(vega|vega-lite|@aws-sdk|@smithy|@octokit)\//;
const hooks = `import{writeSync}from'node:fs';export async function load(u,c,n){writeSync(2,'loaded '+u+'\\n');return n(u,c)}`;
const register = `import{register}from'node:module';register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)})`;

function loaded(...argv: string[]): { status: number | null; urls: string[] } {
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, BIN, ...argv], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  return { status: r.status, urls: [...r.stderr.matchAll(/^loaded (\S+)$/gm)].map((m) => m[1]!) };
}

describe('start-up', () => {
  it('has a built CLI to run (npm test builds it)', () => {
    expect(existsSync(BIN), `${BIN} is missing: run npm run build`).toBe(true);
  });

  it.each([
    ['--help', ['--help']],
    ['score --help', ['score', '--help']],
    ['review --help', ['review', '--help']],
    ['validate', ['validate', '--config', fixture('assets.yaml'), '--as-of', '2026-11-27T00:00:00Z']],
    ['explain --run', ['explain', 'payments-api', '--run', fileURLToPath(new URL('../fixtures/history/v1-example', import.meta.url))]],
  ])('%s loads no chart library and no API client', (_name, argv) => {
    const r = loaded(...argv);
    expect(r.status).toBe(0);
    expect(r.urls.some((u) => u.endsWith('/dist/src/cli/main.js'))).toBe(true);
    expect(r.urls.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it.each([
    ['--help', ['--help']],
    ['score --help', ['score', '--help']],
  ])('%s does not load the YAML parser or the schemas either', (_name, argv) => {
    const r = loaded(...argv);
    expect(r.status).toBe(0);
    expect(r.urls.filter((u) => /node_modules\/(yaml|zod)\/|\/dist\/src\/(vendor|config)\/(yaml|zod|schema)\.js$/.test(u))).toEqual([]);
  });

  it('an offline score into a local folder does not load the S3 client', async () => {
    const out = await tmp();
    const r = loaded(...scoreArgs(out));
    expect(r.status).toBe(0);
    expect(r.urls.some((u) => u.endsWith('/dist/src/store/index.js'))).toBe(true);
    expect(r.urls.filter((u) => /node_modules\/@aws-sdk\/client-s3\/|\/dist\/src\/store\/s3\.js$/.test(u))).toEqual([]);
  });

  it('the hook sees the libraries a command does load: zod and yaml as one file each (the build bundles them), none of their own modules', () => {
    const r = loaded('validate', '--config', fixture('assets.yaml'), '--as-of', '2026-11-27T00:00:00Z');
    expect(
      r.urls
        .filter((u) => /\/dist\/src\/vendor\//.test(u))
        .map((u) => u.replace(/.*\/dist\//, ''))
        .sort(),
    ).toEqual(['src/vendor/yaml.js', 'src/vendor/zod.js']);
    expect(r.urls.filter((u) => /node_modules\/(yaml|zod)\//.test(u))).toEqual([]);
  });
});
