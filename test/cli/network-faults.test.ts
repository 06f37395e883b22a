import { readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listen } from '../fakes/http.js';
import { FAKE } from '../live/world.js';
import { AS_OF, cli, tmp } from './run.js';

/**
 * Faults a cron job meets below HTTP, with the real SDK and Octokit clients and production
 * retry settings: a refused port on 127.0.0.1, a name that cannot resolve (`.invalid` is reserved
 * never to resolve, RFC 6761: at most a DNS query leaves the machine, never a connection), TLS
 * spoken to a plain-HTTP server. Each is "network unreachable (<host>)", retried briefly — seconds,
 * not the minutes of backoff meant for a throttled API — and the run is PARTIAL, exit 3.
 */

const CONFIG = fileURLToPath(new URL('../fixtures/live/assets.yaml', import.meta.url));

/** A port nothing listens on: bound, then closed. */
/**
 * A port nothing listens on, and nothing will while the test runs. A port freed after listen(0)
 * can be handed to the next listen(0) of a test running beside this one (it was, once, in CI: a
 * fake Security Hub of another file answered); port 2 lies below every range the OS picks from
 * (and is not one of fetch's "bad ports"), so it is used when it refuses here.
 */
async function refusedPort(): Promise<number> {
  const refuses = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    });
  if (await refuses(2)) return 2;
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function scoreAgainst(shUrl: string, ghUrl: string) {
  const out = await tmp('secsli-net-');
  const env = {
    AWS_ENDPOINT_URL_SECURITYHUB: shUrl,
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
    GITHUB_API_URL: ghUrl,
    GITHUB_TOKEN: FAKE.githubToken,
  };
  const t0 = performance.now();
  const r = await cli(['score', '--config', CONFIG, '--as-of', AS_OF, '--out', out], env);
  const seconds = (performance.now() - t0) / 1000;
  const summary = JSON.parse(await readFile(join(r.stdout.trim(), 'summary.json'), 'utf8')) as {
    exitReason: string;
    partial: boolean;
    sources: { source: string; problems: string[] }[];
  };
  const problems = (source: string) => summary.sources.find((s) => s.source === source)?.problems.join('\n') ?? '';
  return { ...r, seconds, summary, problems };
}

// Concurrent: each case is seconds of production retry delays, and the runs share nothing (own
// output folder, own endpoints, the CLI in-process with its own io).
describe.concurrent('network faults are "network unreachable", retried briefly, and make the run PARTIAL', () => {
  it('a refused connection (127.0.0.1, nothing listening)', async () => {
    const port = await refusedPort();
    const r = await scoreAgainst(`http://127.0.0.1:${port}`, `http://127.0.0.1:${port}`);
    expect(r.code, r.stderr).toBe(3);
    expect([r.summary.exitReason, r.summary.partial]).toEqual(['incomplete', true]);
    expect(r.problems('securityhub')).toContain(`network unreachable (127.0.0.1:${port}): connection refused (ECONNREFUSED)`);
    expect(r.problems('dependabot')).toContain(`network unreachable (127.0.0.1:${port}): connection refused (ECONNREFUSED)`);
    expect(r.stderr).not.toMatch(/\b500\b/);
    expect(r.seconds).toBeLessThan(15);
  });

  it('a port fetch refuses to use (127.0.0.1:1, a "bad port"): named as such, at once, not retried as a 500', async () => {
    const port = await refusedPort();
    const r = await scoreAgainst(`http://127.0.0.1:${port}`, 'http://127.0.0.1:1');
    expect(r.code, r.stderr).toBe(3);
    expect(r.problems('dependabot')).toContain('network unreachable (127.0.0.1:1): fetch refuses this port (a "bad port" of the Fetch standard)');
    expect(r.stderr).not.toMatch(/\b500\b/);
    expect(r.seconds).toBeLessThan(15);
  });

  it('a name that does not resolve (nonexistent.invalid)', async () => {
    const r = await scoreAgainst('http://nonexistent.invalid:8443', 'http://nonexistent.invalid:8443/api/v3');
    expect(r.code, r.stderr).toBe(3);
    expect(r.problems('securityhub')).toMatch(/network unreachable \(nonexistent\.invalid(:8443)?\): the name does not resolve \((ENOTFOUND|EAI_AGAIN)\)/);
    expect(r.problems('dependabot')).toMatch(/network unreachable \(nonexistent\.invalid(:8443)?\): the name does not resolve \((ENOTFOUND|EAI_AGAIN)\)/);
    expect(r.seconds).toBeLessThan(15);
  });

  it('credentials in the API URL (user info, a token in its query) reach no report file, whatever the error echoes', async () => {
    const port = await refusedPort();
    // An API whose error echoes a URL with a token in its query.
    const echo = await listen((req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `cannot serve http://127.0.0.1${req.url}&token=qUeRyT0ken` }));
    });
    onTestFinished(() => echo.close());
    const r = await scoreAgainst(`http://127.0.0.1:${port}`, echo.url);
    expect(r.code, r.stderr).toBe(3);
    const dir = r.stdout.trim();
    for (const file of ['summary.json', 'report.md', 'snapshot.json', 'assets.csv']) expect(await readFile(join(dir, file), 'utf8'), file).not.toContain('qUeRyT0ken');
    expect(r.stderr).not.toContain('qUeRyT0ken');
    expect(r.problems('dependabot')).toContain('token=***');
    // A user and password in it: a configuration error at once (fetch refuses every request to it), never repeated.
    const out = await tmp('secsli-net-');
    const env = {
      AWS_ENDPOINT_URL_SECURITYHUB: `http://127.0.0.1:${port}`,
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
      GITHUB_TOKEN: FAKE.githubToken,
    };
    const userinfo = await cli(['score', '--config', CONFIG, '--as-of', AS_OF, '--out', out], { ...env, GITHUB_API_URL: `http://admin:S3cretPassw0rd@127.0.0.1:${port}` });
    expect(userinfo.code).toBe(2);
    expect(userinfo.stderr).toContain(`error: GITHUB_API_URL holds credentials (http://***@127.0.0.1:${port}): fetch refuses such a URL`);
    expect(userinfo.stderr + userinfo.stdout).not.toContain('S3cretPassw0rd');
  });

  it('TLS that fails (https:// to a plain HTTP server)', async () => {
    const plain = await listen((_req, res) => void res.end('plain http'));
    onTestFinished(() => plain.close());
    const url = plain.url.replace('http://', 'https://');
    const r = await scoreAgainst(url, url);
    expect(r.code, r.stderr).toBe(3);
    // The SDK's TLS error does not name the host; Octokit's does (the request URL).
    expect(r.problems('securityhub')).toMatch(/network unreachable( \(127\.0\.0\.1(:\d+)?\))?: TLS failed \(\w+\)/);
    expect(r.problems('dependabot')).toMatch(/network unreachable \(127\.0\.0\.1(:\d+)?\): TLS failed \(\w+\)/);
    expect(r.seconds).toBeLessThan(15);
  });
});
