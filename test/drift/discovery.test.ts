import { afterEach, describe, expect, it } from 'vitest';
import { createGithubClient } from '../../src/collectors/dependabot/client.js';
import { discoverGithub } from '../../src/discovery/github.js';
import { memoryLogger } from '../fakes/sink.js';
import { startGithubEmulator, type GhRepo, type GithubEmulator } from '../fakes/github-emulator.js';
import { FAKE, SECRETS } from '../live/world.js';

/** GitHub discovery on its own: paging of large orgs under secondary rate limits, renames, and what is never leaked. */

const servers: GithubEmulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function discoverOn(repos: GhRepo[], extra: Partial<Parameters<typeof startGithubEmulator>[0]> = {}, o: Partial<Parameters<typeof discoverGithub>[0]> = {}) {
  const emulator = await startGithubEmulator({ token: FAKE.githubToken, repos, ...extra });
  servers.push(emulator);
  const log = memoryLogger();
  const gh = createGithubClient({ token: FAKE.githubToken, baseUrl: emulator.url, log, retryAfterBaseValue: 10 });
  const d = await discoverGithub({ gh, orgs: ['big'], secrets: SECRETS, log, ...o });
  return { d, emulator, log };
}

describe('GitHub discovery', () => {
  it('pages 1,050 repositories and their custom properties 100 at a time, waiting out a secondary rate limit', async () => {
    const repos = Array.from({ length: 1050 }, (_, i): GhRepo => ({ owner: 'big', name: `r${String(i).padStart(4, '0')}`, properties: { tier: i % 2 ? 'a' : 'b' } }));
    const { d, emulator, log } = await discoverOn(repos, { secondaryLimitAt: [4] }, { probe: (r) => r === 'big/r0001' });
    expect(d.repos).toHaveLength(1050);
    expect(d.complete).toBe(true);
    expect(d.repos[1]!.properties).toEqual({ tier: 'a' });
    expect(d.repos[1]!.dependabot).toEqual({ on: true });
    expect(d.repos[0]!.dependabot).toBeUndefined();
    // 11 + 11 pages, 1 probe, and the one request answered with the secondary limit (retried).
    expect(emulator.requests).toHaveLength(24);
    expect(emulator.requests.every((r) => Number(r.query.get('per_page') ?? 100) <= 100)).toBe(true);
    expect(log.lines.join('\n')).toMatch(/secondary rate limit .*waiting 1s/);
  });

  it('a name that claims or findings use but no listing holds: GitHub’s 301 after a rename makes it an alias of the same repository', async () => {
    const { d } = await discoverOn(
      [
        { owner: 'big', name: 'new-name', formerNames: ['big/old-name'] },
        { owner: 'big', name: 'other' },
      ],
      {},
      { lookup: ['big/old-name', 'big/gone'] },
    );
    expect(d.repos.map((r) => [r.fullName, r.aliases])).toEqual([
      ['big/new-name', ['big/old-name']],
      ['big/other', []],
    ]);
    expect(d.lookups.map((l) => [l.name, l.state, l.to ?? null])).toEqual([
      ['big/gone', 'missing', null],
      ['big/old-name', 'renamed', 'big/new-name'],
    ]);
  });

  it('an org the token cannot list: incomplete, with a note that names the reason and never the token', async () => {
    const { d } = await discoverOn([], { fault: (r) => (r.path === '/orgs/big/repos' ? { status: 500, body: { message: `boom ${FAKE.githubToken}` } } : undefined) });
    expect(d.complete).toBe(false);
    expect(d.notes.join('\n')).toMatch(/repository list of big is incomplete/);
    for (const s of SECRETS) expect(JSON.stringify(d)).not.toContain(s);
  });

  it('a 200 that is not a JSON array (a proxy’s HTML page): the listing is incomplete and the probe does not say "on"', async () => {
    const page = { status: 200, raw: '<html><body>proxy</body></html>', contentType: 'text/html' };
    const probed = await discoverOn([{ owner: 'big', name: 'app' }], { fault: (r) => (r.path.endsWith('/dependabot/alerts') ? page : undefined) });
    expect(probed.d.repos.map((r) => r.dependabot)).toEqual([
      { on: false, reason: 'probe of /repos/big/app/dependabot/alerts: 200 with a body that is not a JSON array (text/html, 31 bytes)' },
    ]);
    const listed = await discoverOn([{ owner: 'big', name: 'app' }], { fault: (r) => (r.path === '/orgs/big/repos' ? page : undefined) });
    expect(listed.d.complete).toBe(false);
    expect(listed.d.notes.join('\n')).toContain(
      'the repository list of big is incomplete (page 1 of /orgs/big/repos: 200 with a body that is not a JSON array (text/html, 31 bytes))',
    );
  });

  it('a lookup answered 200 with no repository in it (a proxy’s page, an object without full_name): unknown, never "found" under the name asked', async () => {
    const page = { status: 200, raw: '<html><body>proxy</body></html>', contentType: 'text/html' };
    const html = await discoverOn([{ owner: 'big', name: 'app' }], { fault: (r) => (r.path === '/repos/big/old' ? page : undefined) }, { lookup: ['big/old'] });
    expect(html.d.lookups).toEqual([{ name: 'big/old', state: 'unknown', reason: 'lookup of /repos/big/old: 200 with a body that is not a JSON object (text/html, 31 bytes)' }]);
    const other = await discoverOn(
      [{ owner: 'big', name: 'app' }],
      { fault: (r) => (r.path === '/repos/big/old' ? { status: 200, body: { message: 'ok' } } : undefined) },
      { lookup: ['big/old'] },
    );
    expect(other.d.lookups).toEqual([{ name: 'big/old', state: 'unknown', reason: 'lookup of /repos/big/old: 200 with an object that is not a repository (no full_name)' }]);
  });
});
