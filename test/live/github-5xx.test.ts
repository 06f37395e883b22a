import { afterEach, describe, expect, it } from 'vitest';
import { createGithubClient } from '../../src/collectors/dependabot/client.js';
import { startGithubEmulator, type GhFault, type GhRepo, type GithubEmulator } from '../fakes/github-emulator.js';
import { memoryLogger } from '../fakes/sink.js';
import { FAKE } from './world.js';

/**
 * GitHub answering 5xx, through the real Octokit client (plugin-throttling, plugin-retry) against
 * the emulator: what is retried, and how long the retries wait.
 */

const servers: GithubEmulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const unavailable: GhFault = { status: 503, body: { message: 'Service Unavailable' } };
const badGateway: GhFault = { status: 502, body: { message: 'Bad Gateway' } };
const repos: GhRepo[] = [
  { owner: 'acme', name: 'broken' },
  { owner: 'acme', name: 'flaky' },
];

describe('plugin-retry backoff', () => {
  it("each request's retries wait from 1 unit again: the retry count of an earlier request does not carry over", async () => {
    // When each request was sent, by path: the gaps between a request's tries are its backoff.
    const at = new Map<string, number[]>();
    let flaky = 0;
    const emulator = await startGithubEmulator({
      token: FAKE.githubToken,
      repos,
      fault: (r) => {
        at.set(r.path, [...(at.get(r.path) ?? []), performance.now()]);
        if (r.path.endsWith('/broken/dependabot/alerts')) return unavailable;
        if (r.path.endsWith('/flaky/dependabot/alerts') && flaky++ === 0) return badGateway;
        return undefined;
      },
    });
    servers.push(emulator);
    // 50 ms a unit: plugin-retry waits 1, 4, 9 units (50, 200, 450 ms) before its 3 retries.
    const gh = createGithubClient({ token: FAKE.githubToken, baseUrl: emulator.url, log: memoryLogger(), retryAfterBaseValue: 50 });
    await expect(gh.request('GET /repos/{owner}/{repo}/dependabot/alerts', { owner: 'acme', repo: 'broken' })).rejects.toMatchObject({ status: 503 });
    const res = await gh.request('GET /repos/{owner}/{repo}/dependabot/alerts', { owner: 'acme', repo: 'flaky' });
    expect(res.status).toBe(200);
    const broken = at.get('/repos/acme/broken/dependabot/alerts')!;
    const again = at.get('/repos/acme/flaky/dependabot/alerts')!;
    expect([broken.length, again.length]).toEqual([4, 2]);
    // Compared with each other, not with a clock: the flaky request's one retry waits 1 unit, as
    // the broken one's first did, not the 25 units (the broken one's 4 tries, + 1, squared) that a
    // shared count made it — longer than the broken one's last wait of 9.
    const lastWait = broken[3]! - broken[2]!;
    expect(again[1]! - again[0]!).toBeLessThan(lastWait);
  });
});
