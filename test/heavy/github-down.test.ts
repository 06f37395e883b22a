import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, onTestFinished } from 'vitest';
import { startGithubEmulator } from '../fakes/github-emulator.js';
import { startOrganizationsEmulator } from '../fakes/organizations-emulator.js';
import { startSecurityHubEmulator } from '../fakes/securityhub-emulator.js';
import { FAKE } from '../live/world.js';
import { AS_OF, cli, tmp } from '../cli/run.js';

/**
 * The scheduled job while GitHub is down: `secsli score` of test/fixtures/live/assets.yaml (org
 * acme, two claimed repositories, discovery after scoring) against a GitHub that answers 503 to
 * everything, with production retry settings. After 3 requests in a row end in 5xx GitHub is not
 * asked again in that run — by the collector or by discovery, which share the count — and the run
 * is PARTIAL, exit 3. About 16 s of production backoff (one request's 1 + 4 + 9 s, then two of 1 s);
 * before the cut-off this run sent 32 requests over 228 s.
 */

const CONFIG = fileURLToPath(new URL('../fixtures/live/assets.yaml', import.meta.url));

it('GitHub answering 503 to everything: cut off after 3 requests, exit 3 with the reason', async () => {
  const gh = await startGithubEmulator({
    token: FAKE.githubToken,
    repos: [
      { owner: 'acme', name: 'payments-api' },
      { owner: 'acme', name: 'web' },
    ],
    fault: () => ({ status: 503, body: { message: 'Service Unavailable' } }),
  });
  const sh = await startSecurityHubEmulator({ findings: [] });
  const org = await startOrganizationsEmulator({ accounts: [{ id: '111122223333', name: 'payments' }] });
  onTestFinished(() => Promise.all([gh.close(), sh.close(), org.close()]).then(() => undefined));
  const out = await tmp('secsli-gh-down-');
  const env = {
    AWS_ENDPOINT_URL_SECURITYHUB: sh.url,
    AWS_ENDPOINT_URL_ORGANIZATIONS: org.url,
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: FAKE.githubToken,
  };
  const r = await cli(['score', '--config', CONFIG, '--as-of', AS_OF, '--out', out], env);
  expect(r.code, r.stderr).toBe(3);
  const summary = JSON.parse(await readFile(join(r.stdout.trim(), 'summary.json'), 'utf8')) as {
    exitReason: string;
    partial: boolean;
    sources: { source: string; problems: string[] }[];
  };
  expect([summary.exitReason, summary.partial]).toEqual(['incomplete', true]);
  // The repository list with its 3 retries; then, in a row of 5xx, the org's alerts and the two
  // probes (at once) with one retry each. Discovery, after scoring, sends nothing.
  const paths = gh.requests.map((q) => q.path);
  expect(paths.slice(0, 6)).toEqual([...Array(4).fill('/orgs/acme/repos'), ...Array(2).fill('/orgs/acme/dependabot/alerts')]);
  expect(paths.slice(6).every((p) => /^\/repos\/acme\/(payments-api|web)\/dependabot\/alerts$/.test(p))).toBe(true);
  expect(paths.length).toBeLessThanOrEqual(10);
  // The two probes run at once: the first to end its retries makes the third 5xx in a row, so the
  // other's retry, when it comes later (a busy machine), is not sent.
  const notAsked = `GitHub (${new URL(gh.url).host}) answered 503 to the last 3 requests: not asked`;
  const problems = summary.sources.find((s) => s.source === 'dependabot')?.problems ?? [];
  expect(problems).toHaveLength(3);
  expect(problems[0]).toBe('org acme: 503 Service Unavailable');
  for (const p of problems.slice(1)) expect(['503 Service Unavailable', notAsked]).toContain(p.replace(/^repo acme\/(payments-api|web): /, ''));
  expect(problems.filter((p) => p.startsWith('repo ') && p.endsWith(': 503 Service Unavailable')).length).toBeGreaterThanOrEqual(1);
  expect(r.stderr).toContain(`discovery: GitHub: the repository list of acme is incomplete (${notAsked})`);
});
