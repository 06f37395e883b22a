import { afterEach, describe, expect, it } from 'vitest';
import { createGithubClient } from '../../src/collectors/dependabot/client.js';
import { ServerErrorStreaks } from '../../src/collectors/dependabot/server-errors.js';
import type { Collector } from '../../src/collectors/types.js';
import { discoverGithub } from '../../src/discovery/github.js';
import { startGithubEmulator, type GhFault, type GhRepo, type GithubEmulator } from '../fakes/github-emulator.js';
import { alertsFor } from '../fakes/seed.js';
import { memoryLogger, memorySink } from '../fakes/sink.js';
import { FAKE, githubWorld, SECRETS } from './world.js';

/**
 * GitHub answering 5xx, through the real Octokit client (plugin-throttling, plugin-retry) against
 * the emulator: what is retried, how long the retries wait, and the cut-off after 3 requests in a
 * row ended in 5xx (src/collectors/dependabot/server-errors.ts). Counts are of the requests the
 * emulator saw, never of time: 4 tries of a request are plugin-retry's 3 retries.
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

async function collect(collector: Collector) {
  const status = await collector.collect(memorySink(), memoryLogger());
  expect(SECRETS.filter((x) => JSON.stringify(status).includes(x))).toEqual([]);
  return status;
}

const coverageOf = (status: { coverage: Array<{ scope: { repo?: string }; status: string; reason?: string }> }) =>
  Object.fromEntries(status.coverage.map((c) => [c.scope.repo ?? '*', c.status === 'covered' ? 'covered' : `gap: ${c.reason}`]));

/** acme/r00 … acme/r11, each with one alert. */
const many: GhRepo[] = Array.from({ length: 12 }, (_, i) => ({ owner: 'acme', name: `r${String(i).padStart(2, '0')}` }));
const manyAlerts = Object.fromEntries(many.map((r) => [`acme/${r.name}`, alertsFor('acme', r.name, 1)]));
const manyNames = many.map((r) => `acme/${r.name}`);

describe('GitHub answering 5xx to everything: cut off after 3 requests in a row', () => {
  const notAsked = (url: string) => `GitHub (${new URL(url).host}) answered 503 to the last 3 requests: not asked`;

  it('org: the repository list, the org list and one probe are tried; the other 11 repositories are not asked', async () => {
    const w = await githubWorld({ org: 'acme' }, { repos: many, alerts: manyAlerts, fault: () => unavailable }, manyNames, { concurrency: 1 });
    try {
      const status = await collect(w.collector);
      // GET /orgs/acme/repos with its 3 retries; then, the row of 5xx running, GET
      // /orgs/acme/dependabot/alerts and the probe of acme/r00 with one retry each.
      // Without the cut-off: 4 + 4 + 12 × 4 = 56.
      expect(w.emulator.requests.map((r) => r.path)).toEqual([
        ...Array(4).fill('/orgs/acme/repos'),
        ...Array(2).fill('/orgs/acme/dependabot/alerts'),
        ...Array(2).fill('/repos/acme/r00/dependabot/alerts'),
      ]);
      expect(status.complete).toBe(false);
      const reason = notAsked(w.emulator.url);
      expect(coverageOf(status)).toEqual({
        '*': 'gap: 503 Service Unavailable',
        'acme/r00': 'gap: 503 Service Unavailable',
        ...Object.fromEntries(manyNames.slice(1).map((n) => [n, `gap: ${reason}`])),
      });
      expect(status.problems).toEqual(['org acme: 503 Service Unavailable', 'repo acme/r00: 503 Service Unavailable', ...manyNames.slice(1).map((n) => `repo ${n}: ${reason}`)]);
    } finally {
      await w.close();
    }
  });

  it('4 probes at once (the default): at most the first round is sent, every later repository is not asked', async () => {
    const w = await githubWorld({ org: 'acme' }, { repos: many, alerts: manyAlerts, fault: () => unavailable }, manyNames);
    try {
      const status = await collect(w.collector);
      const probes = w.emulator.requests.filter((r) => r.path.startsWith('/repos/'));
      expect(w.emulator.requests.length - probes.length).toBe(4 + 2);
      // 4 repositories at most, 2 tries each at most: a try due after the cut-off is not sent.
      expect(new Set(probes.map((r) => r.path)).size).toBeLessThanOrEqual(4);
      expect(probes.length).toBeLessThanOrEqual(8);
      const cov = coverageOf(status);
      expect(Object.values(cov).filter((c) => c === `gap: ${notAsked(w.emulator.url)}`).length).toBeGreaterThanOrEqual(8);
      expect(Object.values(cov).every((c) => c.startsWith('gap: '))).toBe(true);
      expect(status.complete).toBe(false);
    } finally {
      await w.close();
    }
  });

  it('discovery (the same client): the org lists and one look-up are tried, the other look-ups are not asked', async () => {
    const emulator = await startGithubEmulator({ token: FAKE.githubToken, repos: many, fault: () => unavailable });
    servers.push(emulator);
    const log = memoryLogger();
    const gh = createGithubClient({ token: FAKE.githubToken, baseUrl: emulator.url, log, retryAfterBaseValue: 10 });
    const lookup = manyNames.map((n) => n.replace('acme/', 'other/'));
    const d = await discoverGithub({ gh, orgs: ['acme'], secrets: SECRETS, log, lookup, concurrency: 1 });
    // The repository list with its 3 retries, then the properties and one look-up with one each.
    // Without the cut-off: 4 + 4 + 12 × 4 = 56.
    expect(emulator.requests.map((r) => r.path)).toEqual([
      ...Array(4).fill('/orgs/acme/repos'),
      ...Array(2).fill('/orgs/acme/properties/values'),
      ...Array(2).fill('/repos/other/r00'),
    ]);
    expect(d.complete).toBe(false);
    expect(d.lookups).toEqual([
      { name: 'other/r00', state: 'unknown', reason: '503 Service Unavailable' },
      ...lookup.slice(1).map((name) => ({ name, state: 'unknown', reason: notAsked(emulator.url) })),
    ]);
  });
});

describe('5xx that do not make an outage: no cut-off', () => {
  it('one 502, then the answer: retried, and the run is complete', async () => {
    let n = 0;
    const w = await githubWorld(
      { org: 'acme' },
      { repos: many, alerts: manyAlerts, fault: (r) => (r.path === '/orgs/acme/dependabot/alerts' && n++ === 0 ? badGateway : undefined) },
      manyNames,
    );
    try {
      const status = await collect(w.collector);
      expect(status.complete).toBe(true);
      expect(status.problems).toEqual([]);
      expect(Object.values(coverageOf(status))).toEqual(Array(12).fill('covered'));
      // The repository list, the org list twice (502, then 200); the alerts of every repository came with it, so no probe finds more.
      expect(w.emulator.requests.filter((r) => r.path === '/orgs/acme/dependabot/alerts')).toHaveLength(2);
    } finally {
      await w.close();
    }
  });

  it('two repositories failing, one answering, two failing, one answering: each failure is a gap, nothing is cut off', async () => {
    const failing = new Set(['r00', 'r01', 'r03', 'r04']);
    const six = many.slice(0, 6);
    const names = six.map((r) => `acme/${r.name}`);
    const w = await githubWorld({ repos: names }, { repos: six, alerts: manyAlerts, fault: (r) => (failing.has(r.path.split('/')[3] ?? '') ? unavailable : undefined) }, names, {
      concurrency: 1,
    });
    try {
      const status = await collect(w.collector);
      expect(coverageOf(status)).toEqual({
        'acme/r00': 'gap: 503 Service Unavailable',
        'acme/r01': 'gap: 503 Service Unavailable',
        'acme/r02': 'covered',
        'acme/r03': 'gap: 503 Service Unavailable',
        'acme/r04': 'gap: 503 Service Unavailable',
        'acme/r05': 'covered',
      });
      // The repository list; r00 and r03 with their 3 retries, r01 and r04 (in a row of 5xx) with
      // one; r02 and r05 once — each success ends the row, and brings the 3 retries back.
      const tries = (name: string) => w.emulator.requests.filter((r) => r.path === `/repos/${name}/dependabot/alerts`).length;
      expect(names.map(tries)).toEqual([4, 2, 1, 4, 2, 1]);
      expect(w.emulator.requests).toHaveLength(1 + 4 + 2 + 1 + 4 + 2 + 1);
    } finally {
      await w.close();
    }
  });

  it.each([403, 429] as const)('a secondary rate limit (%i) not waited out ends a row of 5xx; it does not count as one', async (limit) => {
    const paths = ['a', 'b', 'limited', 'c', 'd', 'e', 'f'].map((x) => `/repos/acme/${x}/dependabot/alerts`);
    // plugin-retry retries a 429 3 times (limited again each time: it is not a 5xx, so not retried
    // less in a row of them), a 403 not at all (doNotRetry).
    const limitedTries = limit === 429 ? 4 : 1;
    const emulator = await startGithubEmulator({
      token: FAKE.githubToken,
      repos: [],
      // a: 4 tries, b: 2 (requests 1–6); then the limited one.
      secondaryLimitAt: Array.from({ length: limitedTries }, (_, i) => 7 + i),
      secondaryStatus: limit,
      fault: (r) => (r.path === paths[2] ? undefined : unavailable),
    });
    servers.push(emulator);
    // rateLimitRetries 0: plugin-throttling does not wait the limit out.
    const gh = createGithubClient({ token: FAKE.githubToken, baseUrl: emulator.url, log: memoryLogger(), retryAfterBaseValue: 10, rateLimitRetries: 0 });
    const outcomes: unknown[] = [];
    for (const p of paths)
      outcomes.push(
        await gh.request(`GET ${p}`).then(
          () => 200,
          (e: { status?: number; message: string }) => e.status || e.message,
        ),
      );
    // a, b: 503 (two in a row); limited: the rate limit; c, d: 503 again (two); e: the third in a row; f: not asked.
    expect(outcomes).toEqual([503, 503, limit, 503, 503, 503, `GitHub (${new URL(emulator.url).host}) answered 503 to the last 3 requests: not asked`]);
    console.log(
      limit,
      emulator.requests.map((r) => `${r.seq} ${r.path}`),
    );
    // a 4, b 2, limited, c 4 (the row ended: 3 retries again), d 2, e 2.
    expect(emulator.requests).toHaveLength(4 + 2 + limitedTries + 4 + 2 + 2);
  });
});

describe('ServerErrorStreaks', () => {
  const answer = (status: number) => ({ status, response: { status, headers: {}, data: {} } });
  it('counts 5xx answers in a row per host; any other answer ends the row; no answer is neither', () => {
    const s = new ServerErrorStreaks(3);
    s.settled('h', answer(500));
    s.settled('h', answer(502));
    s.settled('other', answer(503));
    s.settled('h', answer(404));
    s.settled('h', answer(503));
    // A lost connection (Octokit's "500" without a response), a network fault: not a server's answer.
    s.settled('h', { status: 500, message: 'other side closed' });
    s.settled('h', { status: 0, message: 'network unreachable' });
    s.settled('h', answer(504));
    expect(s.refusal('h')).toBeUndefined();
    s.settled('h', answer(503));
    expect(s.refusal('h')).toBe('GitHub (h) answered 5xx (503, 504) to the last 3 requests: not asked');
    expect(s.refusal('other')).toBeUndefined();
    // Cut off stays cut off for the run, whatever settles later (requests that were in flight).
    s.settled('h');
    expect(s.refusal('h')).toMatch(/not asked$/);
  });
});
