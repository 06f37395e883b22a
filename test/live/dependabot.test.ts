import { describe, expect, it, onTestFinished } from 'vitest';
import { linkOutsideApi } from '../../src/collectors/dependabot/client.js';
import type { Collector } from '../../src/collectors/types.js';
import { listen } from '../fakes/http.js';
import { alertsFor } from '../fakes/seed.js';
import { memoryLogger, memorySink } from '../fakes/sink.js';
import { githubWorld, SECRETS } from './world.js';
import type { GhFault, GhRepo } from '../fakes/github-emulator.js';

async function collect(collector: Collector) {
  const sink = memorySink();
  const log = memoryLogger();
  const status = await collector.collect(sink, log);
  const leaked = SECRETS.filter((s) => [...log.lines, JSON.stringify(status)].join('\n').includes(s));
  expect(leaked).toEqual([]);
  return { sink, log, status };
}

const coverageOf = (status: { coverage: Array<{ scope: { repo?: string }; status: string; reason?: string }> }) =>
  Object.fromEntries(status.coverage.map((c) => [c.scope.repo ?? '*', c.status === 'covered' ? 'covered' : `gap: ${c.reason}`]));

const repos: GhRepo[] = [
  { owner: 'acme', name: 'payments-api' },
  { owner: 'acme', name: 'payments-web', alertsDisabled: true },
  { owner: 'acme', name: 'payments-batch', access: 'pat-403' },
  { owner: 'acme', name: 'payments-infra', access: 'integration-403' },
  { owner: 'acme', name: 'payments-secret', access: 'hidden-404' },
  { owner: 'acme', name: 'payments-legacy', archived: true },
  { owner: 'acme', name: 'unclaimed' },
];
const alerts = {
  'acme/payments-api': alertsFor('acme', 'payments-api', 120),
  'acme/unclaimed': alertsFor('acme', 'unclaimed', 7),
  'acme/payments-legacy': alertsFor('acme', 'payments-legacy', 2),
};

describe('Dependabot live collector', () => {
  it('org: one gap per claimed repository that cannot be read, with the reason', async () => {
    const w = await githubWorld({ org: 'acme' }, { repos, alerts }, ['acme/payments-*', 'acme/payments-secret', 'acme/ghost', 'acme/billing-*']);
    try {
      const { status, sink } = await collect(w.collector);
      expect(status.complete).toBe(true);
      expect(sink.records).toHaveLength(129); // the org endpoint returns unclaimed repos too (unmapped report)
      expect(coverageOf(status)).toEqual({
        'acme/billing-*': 'gap: no repository of acme matches',
        'acme/ghost': "gap: repository not found in acme's repository list (missing, renamed, or not visible to this token)",
        'acme/payments-api': 'covered',
        'acme/payments-batch': expect.stringMatching(/^gap: the token cannot read Dependabot alerts here \(403 Resource not accessible by personal access token\)/),
        'acme/payments-infra': expect.stringMatching(/^gap: the token cannot read Dependabot alerts here \(403 Resource not accessible by integration\)/),
        'acme/payments-legacy': 'gap: repository is archived: Dependabot no longer updates its alerts',
        'acme/payments-secret': "gap: repository not found in acme's repository list (missing, renamed, or not visible to this token)",
        'acme/payments-web': 'gap: Dependabot alerts are disabled for this repository.',
      });
    } finally {
      await w.close();
    }
  });

  it('pages by cursor only: per_page=100, the Link URL verbatim (numeric-id paths too), never page', async () => {
    const w = await githubWorld({ repos: ['acme/payments-api'] }, { repos, alerts, numericNextLinks: true }, ['acme/payments-api']);
    try {
      const { status, sink } = await collect(w.collector);
      expect(sink.records).toHaveLength(120);
      expect(status.coverage).toEqual([{ source: 'dependabot', scope: { repo: 'acme/payments-api' }, status: 'covered' }]);
      const alertCalls = w.emulator.requests.filter((r) => r.path.includes('dependabot'));
      expect(alertCalls.map((r) => r.path)).toEqual(['/repos/acme/payments-api/dependabot/alerts', '/repositories/1000/dependabot/alerts']);
      expect(alertCalls.every((r) => r.query.get('per_page') === '100' && !r.query.has('page'))).toBe(true);
      expect(alertCalls[1]!.query.get('after')).toBeTruthy();
    } finally {
      await w.close();
    }
  });

  it('a bad token (401) fails the source: complete:false, every asset uncovered', async () => {
    const w = await githubWorld({ org: 'acme' }, { repos, alerts, token: 'ghp_the_right_one' }, ['acme/payments-api']);
    try {
      const { status, sink } = await collect(w.collector);
      expect(sink.records).toHaveLength(0);
      expect(status.complete).toBe(false);
      expect(status.problems).toEqual(['GitHub rejected the token (401 Bad credentials)']);
      expect(status.coverage).toContainEqual({ source: 'dependabot', scope: {}, status: 'gap', reason: 'GitHub rejected the token (401 Bad credentials)' });
      expect(w.emulator.requests).toHaveLength(1);
    } finally {
      await w.close();
    }
  });

  it.each([
    ['primary (403, remaining 0, reset)', { primaryLimitAt: [2] }],
    ['secondary 403 with retry-after', { secondaryLimitAt: [2, 3] }],
    ['secondary 429 with retry-after', { secondaryLimitAt: [3], secondaryStatus: 429 as const }],
  ])('waits out a %s rate limit and carries on', async (_name, limits) => {
    const w = await githubWorld({ org: 'acme' }, { repos, alerts, ...limits }, ['acme/payments-api']);
    try {
      const { status, sink, log } = await collect(w.collector);
      expect(status.complete).toBe(true);
      expect(sink.records).toHaveLength(129);
      expect(log.lines.some((l) => /^warn GitHub (primary|secondary) rate limit/.test(l))).toBe(true);
      expect(log.lines.some((l) => l.startsWith('progress ') && /left, resets/.test(l))).toBe(true);
    } finally {
      await w.close();
    }
  });

  it('an empty org is complete with no alerts; claimed repos it does not have are gaps', async () => {
    const w = await githubWorld({ org: 'empty' }, { repos: [], orgs: { empty: {} } }, ['empty/app']);
    try {
      const { status, sink } = await collect(w.collector);
      expect(sink.records).toHaveLength(0);
      expect(status.complete).toBe(true);
      expect(coverageOf(status)).toEqual({ 'empty/app': expect.stringMatching(/^gap: repository not found/) });
    } finally {
      await w.close();
    }
  });

  it('falls back to per-repository listing when the token may not use the org endpoint', async () => {
    const w = await githubWorld({ org: 'acme' }, { repos, alerts, orgs: { acme: { alertsAccess: 'forbidden' } } }, ['acme/payments-api', 'acme/payments-web']);
    try {
      const { status, sink, log } = await collect(w.collector);
      expect(status.complete).toBe(true);
      expect(sink.records).toHaveLength(120);
      expect(coverageOf(status)).toEqual({ 'acme/payments-api': 'covered', 'acme/payments-web': 'gap: Dependabot alerts are disabled for this repository.' });
      expect(log.lines.some((l) => /listing claimed repositories one by one/.test(l))).toBe(true);
    } finally {
      await w.close();
    }
  });

  it('enterprise: fills in a claimed repository the enterprise listing missed', async () => {
    const entRepos: GhRepo[] = [
      { owner: 'acme', name: 'api' },
      { owner: 'other', name: 'tool' },
    ];
    const entAlerts = { 'acme/api': alertsFor('acme', 'api', 3), 'other/tool': alertsFor('other', 'tool', 4) };
    const w = await githubWorld(
      { enterprise: 'ent' },
      { repos: entRepos, alerts: entAlerts, enterprises: { ent: ['acme', 'other'] }, orgs: { other: { alertsAccess: 'forbidden' } } },
      ['acme/api', 'other/tool'],
    );
    try {
      const { status, sink } = await collect(w.collector);
      expect(status.complete).toBe(true);
      expect(sink.records).toHaveLength(7);
      expect(coverageOf(status)).toEqual({ 'acme/api': 'covered', 'other/tool': 'covered' });
    } finally {
      await w.close();
    }
  });

  it('a 5xx that outlasts the retries makes the repository a gap and the source incomplete', async () => {
    const w = await githubWorld(
      { repos: ['acme/payments-api'] },
      { repos, alerts, fault: (r) => (r.path.includes('dependabot') ? { status: 503, body: { message: 'Service Unavailable' } } : undefined) },
      ['acme/payments-api'],
    );
    try {
      const { status } = await collect(w.collector);
      expect(status.complete).toBe(false);
      expect(status.problems).toEqual(['repo acme/payments-api: 503 Service Unavailable']);
      expect(coverageOf(status)).toEqual({ 'acme/payments-api': 'gap: 503 Service Unavailable' });
    } finally {
      await w.close();
    }
  });

  describe('a 200 whose body is not a JSON array is no page of alerts: the scope is incomplete, never empty', () => {
    const alertsPath = (r: { path: string }) => r.path.includes('/dependabot/alerts');
    const html = '<!DOCTYPE html><html><body><h1>Sign in to the proxy</h1></body></html>';
    it.each<[string, GhFault, RegExp]>([
      ['an HTML page (a proxy, a captive portal)', { status: 200, raw: html, contentType: 'text/html; charset=utf-8' }, new RegExp(`\\(text/html, ${html.length} bytes\\)$`)],
      ['an error object', { status: 200, body: { message: 'Server Error' } }, /\(application\/json, 26 bytes: a JSON object\)$/],
      ['JSON cut short', { status: 200, raw: '[{"number":1,"state":"op', contentType: 'application/json; charset=utf-8' }, /\(application\/json, 24 bytes: not valid JSON\)$/],
    ])('%s on every alerts request', async (_name, fault, detail) => {
      const w = await githubWorld({ org: 'acme' }, { repos, alerts, fault: (r) => (alertsPath(r) ? fault : undefined) }, ['acme/payments-api']);
      try {
        const { status, sink } = await collect(w.collector);
        expect(sink.records).toHaveLength(0);
        expect(status.complete).toBe(false);
        expect(status.problems).toEqual([
          expect.stringMatching(/^org acme: page 1 of \/orgs\/acme\/dependabot\/alerts: 200 with a body that is not a JSON array /),
          expect.stringMatching(/^repo acme\/payments-api: probe of \/repos\/acme\/payments-api\/dependabot\/alerts: 200 with a body that is not a JSON array /),
        ]);
        for (const p of status.problems) expect(p).toMatch(detail);
        expect(coverageOf(status)).toEqual({ '*': expect.stringMatching(/^gap: page 1 of/), 'acme/payments-api': expect.stringMatching(/^gap: probe of/) });
      } finally {
        await w.close();
      }
    });

    it('a repository list answered with an HTML page: globs cannot be expanded (not "no repository matches")', async () => {
      const page: GhFault = { status: 200, raw: html, contentType: 'text/html' };
      const w = await githubWorld({ org: 'acme' }, { repos, alerts, fault: (r) => (r.path === '/orgs/acme/repos' ? page : undefined) }, ['acme/payments-*']);
      try {
        const { status, log } = await collect(w.collector);
        expect(coverageOf(status)).toEqual({ 'acme/payments-*': 'gap: cannot expand: the repository list of acme is not readable' });
        expect(log.lines).toContain(
          `warn Dependabot: cannot list the repositories of acme: page 1 of /orgs/acme/repos: 200 with a body that is not a JSON array (text/html, ${html.length} bytes)`,
        );
      } finally {
        await w.close();
      }
    });

    it('page 2 of the org listing cut mid-JSON: the alerts of page 1 are kept, the org is incomplete', async () => {
      const w = await githubWorld(
        { org: 'acme' },
        { repos, alerts, damage: (r) => (r.path === '/orgs/acme/dependabot/alerts' && r.query.has('after') ? { cut: 5000 } : undefined) },
        ['acme/payments-api'],
      );
      try {
        const { status, sink } = await collect(w.collector);
        expect(sink.records).toHaveLength(100);
        expect(status.complete).toBe(false);
        expect(status.problems).toEqual([
          'org acme: page 2 of /orgs/acme/dependabot/alerts: 200 with a body that is not a JSON array (application/json, 5000 bytes: not valid JSON)',
        ]);
        expect(status.coverage).toContainEqual({ source: 'dependabot', scope: {}, status: 'gap', reason: expect.stringMatching(/^page 2 of /) });
      } finally {
        await w.close();
      }
    });

    it('a connection lost mid-body (Octokit hands back ""): the byte count says how much of the page came', async () => {
      const w = await githubWorld({ repos: ['acme/payments-api'] }, { repos, alerts, damage: (r) => (alertsPath(r) ? { dropAfter: 300 } : undefined) }, ['acme/payments-api']);
      try {
        const { status, sink } = await collect(w.collector);
        expect(sink.records).toHaveLength(0);
        expect(status.problems).toEqual([
          expect.stringMatching(
            /^repo acme\/payments-api: page 1 of \/repos\/acme\/payments-api\/dependabot\/alerts: 200 with a body that is not a JSON array \(application\/json, 0 of \d+ bytes\)$/,
          ),
        ]);
        expect(coverageOf(status)).toEqual({ 'acme/payments-api': expect.stringMatching(/^gap: page 1 of/) });
      } finally {
        await w.close();
      }
    });
  });

  it('a connection closed without an answer is a network failure, not a "500" GitHub never sent', async () => {
    const w = await githubWorld({ repos: ['acme/payments-api'] }, { repos, alerts, fault: (r) => (r.path.includes('/dependabot/alerts') ? { drop: true } : undefined) }, [
      'acme/payments-api',
    ]);
    try {
      const { status } = await collect(w.collector);
      expect(status.complete).toBe(false);
      const host = new URL(w.emulator.url).host;
      const reason = `network failure (${host}): the other side closed the connection before the answer was complete (UND_ERR_SOCKET)`;
      expect(status.problems).toEqual([`repo acme/payments-api: ${reason}`]);
      expect(coverageOf(status)).toEqual({ 'acme/payments-api': `gap: ${reason}` });
    } finally {
      await w.close();
    }
  });

  describe('the token goes to the configured API only: a next link elsewhere is not followed', () => {
    /** Another server on this machine: every request it gets, with the Authorization it carried. */
    async function elsewhere() {
      const got: string[] = [];
      const s = await listen((req, res) => {
        got.push(`${req.url} ${req.headers.authorization ?? ''}`);
        res.end('[]');
      });
      onTestFinished(() => s.close());
      return { got, port: new URL(s.url).port };
    }

    it.each([
      ['https://api.github.com', 'https://api.github.com/orgs/acme/dependabot/alerts?after=x', undefined],
      ['https://api.github.com', 'https://API.github.com:443/repositories/1/dependabot/alerts', undefined],
      ['https://api.github.com', 'http://api.github.com/orgs/acme/dependabot/alerts', 'leaves the API origin'],
      ['https://api.github.com', 'https://api.github.com.evil.example/orgs/acme', 'leaves the API origin'],
      ['https://api.github.com', 'https://api.github.com:8443/orgs/acme', 'leaves the API origin'],
      ['https://api.github.com', 'https://user:pw@api.github.com/orgs/acme', 'leaves the API origin'],
      ['https://api.github.com', '//evil.example/orgs/acme', 'leaves the API origin'],
      ['https://ghe.example/api/v3', 'https://ghe.example/api/v3/orgs/acme/dependabot/alerts', undefined],
      ['https://ghe.example/api/v3/', 'https://ghe.example/api/v3/orgs/acme', undefined],
      ['https://ghe.example/api/v3', 'https://ghe.example/orgs/acme', 'leaves the API base path /api/v3'],
      ['https://ghe.example/api/v3', 'https://ghe.example/api/v3/../../login', 'leaves the API base path /api/v3'],
      ['https://ghe.example/api/v3', 'https://ghe.example/api/v3/%2e%2e/x', 'leaves the API base path /api/v3'],
      ['https://ghe.example/api/v3', 'https://ghe.example/api/v30/x', 'leaves the API base path /api/v3'],
      ['https://ghe.example/api/v3', 'DELETE /repos/acme/app', 'leaves the API base path /api/v3'],
    ])('API %s, next link %s: %s', (base, link, refused) => {
      const got = linkOutsideApi(link, base);
      if (refused === undefined) expect(got).toBeUndefined();
      else expect(got).toContain(`next page link ${refused}: ${link}`);
    });

    it('another port (and name) on the same machine: the org is incomplete, no request goes there', async () => {
      const other = await elsewhere();
      const w = await githubWorld({ org: 'acme' }, { repos, alerts, linkBase: `http://localhost:${other.port}` }, ['acme/payments-api']);
      try {
        const { status, sink } = await collect(w.collector);
        expect(other.got).toEqual([]);
        expect(sink.records).toHaveLength(100);
        expect(status.complete).toBe(false);
        expect(status.problems).toEqual([
          expect.stringMatching(new RegExp(`^org acme: next page link leaves the API origin: http://localhost:${other.port}/orgs/acme/dependabot/alerts\\?`)),
        ]);
      } finally {
        await w.close();
      }
    });

    it('GitHub Enterprise Server (/api/v3): pages under the base path are followed, a link outside it is not', async () => {
      const inside = await githubWorld({ repos: ['acme/payments-api'] }, { repos, alerts, basePath: '/api/v3' }, ['acme/payments-api']);
      try {
        const { status, sink } = await collect(inside.collector);
        expect([status.complete, sink.records.length]).toEqual([true, 120]);
        expect(inside.emulator.requests.every((r) => r.path.startsWith('/api/v3/'))).toBe(true);
      } finally {
        await inside.close();
      }
      // The links name the emulator's own origin, without /api/v3.
      const outside = await githubWorld({ repos: ['acme/payments-api'] }, { repos, alerts, basePath: '/api/v3', linkBase: (origin) => origin }, ['acme/payments-api']);
      try {
        const origin = new URL(outside.emulator.url).origin;
        const { status } = await collect(outside.collector);
        expect(status.complete).toBe(false);
        expect(status.problems).toEqual([expect.stringMatching(new RegExp(`^repo acme/payments-api: next page link leaves the API base path /api/v3: ${origin}/repos/`))]);
        expect(outside.emulator.requests.filter((r) => !r.path.startsWith('/api/v3/'))).toEqual([]);
      } finally {
        await outside.close();
      }
    });
  });
});
