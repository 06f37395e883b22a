import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scoreArgs } from '../cli/run.js';
import { startS3Emulator, type S3Emulator, type S3EmulatorOptions } from '../fakes/s3-emulator.js';
import { FAKE, SECRETS } from '../live/world.js';

/**
 * `--out s3://…` end to end, offline sources: the real CLI and the real S3 client against the
 * S3 emulator. What a scheduled job meets: a missing bucket, a role without access, an upload
 * that dies half-way — and the history commands reading the same location.
 */

const servers: S3Emulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function bucket(o: Partial<S3EmulatorOptions> = {}) {
  const s3 = await startS3Emulator({ buckets: ['acme-secsli'], pageSize: 3, ...o });
  servers.push(s3);
  const env = { AWS_ENDPOINT_URL_S3: s3.url, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: FAKE.awsKeyId, AWS_SECRET_ACCESS_KEY: FAKE.awsSecret };
  const keys = (prefix: string) => [...s3.objects.get('acme-secsli')!.keys()].filter((k) => k.startsWith(prefix)).sort();
  return { s3, env, keys };
}
const OUT = 's3://acme-secsli/history';
const LATER = '2026-12-04T00:00:00Z';
const noSecrets = (r: { stdout: string; stderr: string }) => {
  for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
};

describe('secsli with --out s3://', () => {
  it('writes runs, compares with the previous one, and review, trend and diff read them back', async () => {
    const { s3, env, keys } = await bucket();
    const first = await cli(scoreArgs(OUT), env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`${OUT}/2026-11-27T000000Z\n`);
    const second = await cli([...scoreArgs(OUT), '--as-of', LATER], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(`${OUT}/2026-12-04T000000Z\n`);
    expect(keys('history/2026-12-04T000000Z/')).toEqual(
      [
        '.claim',
        'assets.csv',
        'findings.csv',
        'fixes.csv',
        'manifest.json',
        'report.md',
        'snapshot-findings.ndjson',
        'snapshot-fixes.ndjson',
        'snapshot.json',
        'summary.json',
        'unmapped.csv',
      ].map((f) => `history/2026-12-04T000000Z/${f}`),
    );

    // The same report as a local run with the same history, byte for byte.
    const local = await mkdtemp(join(tmpdir(), 'secsli-s3-local-'));
    await cli(scoreArgs(local), {});
    const localSecond = (await cli([...scoreArgs(local), '--as-of', LATER], {})).stdout.trim();
    for (const f of ['assets.csv', 'findings.csv', 'fixes.csv', 'report.md', 'snapshot.json']) {
      expect(s3.objects.get('acme-secsli')!.get(`history/2026-12-04T000000Z/${f}`)!.body.toString('utf8'), f).toBe(await readFile(join(localSecond, f), 'utf8'));
    }
    expect(s3.objects.get('acme-secsli')!.get('history/2026-12-04T000000Z/report.md')!.body.toString('utf8')).toContain(
      'Changes are against the previous run `2026-11-27T000000Z`',
    );
    // summary.json says where the run is: its s3:// location.
    const summary = JSON.parse(s3.objects.get('acme-secsli')!.get('history/2026-12-04T000000Z/summary.json')!.body.toString('utf8'));
    expect(summary.run).toMatchObject({ name: '2026-12-04T000000Z', location: `${OUT}/2026-12-04T000000Z` });

    const trend = await cli(['trend', 'payments-api', '--reports', OUT], env);
    expect(trend.code, trend.stderr).toBe(0);
    expect(trend.stdout).toMatch(/payments-api: 2 run\(s\)/);
    const diff = await cli(['diff', `${OUT}/2026-11-27T000000Z`, `${OUT}/2026-12-04T000000Z/snapshot.json`], env);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('2026-11-27T000000Z');
    const reviews = await mkdtemp(join(tmpdir(), 'secsli-s3-review-'));
    const review = await cli(['review', '--reports', OUT, '--out', reviews, '--from', '2026-11-01', '--to', '2026-12-31'], env);
    expect(review.code, review.stderr).toBe(0);
    expect(await readFile(join(review.stdout.trim(), 'review.md'), 'utf8')).toMatch(/2 runs|runs: 2|2 run/);
    for (const r of [first, second, trend, diff, review]) noSecrets(r);
  });

  it('--s3-sse-kms-key-id (or SECSLI_S3_SSE_KMS_KEY_ID) encrypts every object; a malformed location is a usage error', async () => {
    const { s3, env } = await bucket();
    expect((await cli([...scoreArgs(OUT), '--s3-sse-kms-key-id', 'alias/secsli'], env)).code).toBe(0);
    expect((await cli([...scoreArgs(OUT), '--as-of', LATER], { ...env, SECSLI_S3_SSE_KMS_KEY_ID: 'alias/other' })).code).toBe(0);
    const objects = [...s3.objects.get('acme-secsli')!.entries()];
    expect(objects.length).toBe(22); // 2 runs × 11 objects, snapshot-findings.ndjson and snapshot-fixes.ndjson among them
    for (const [k, o] of objects) {
      expect(o.headers['x-amz-server-side-encryption'], k).toBe('aws:kms');
      expect(o.headers['x-amz-server-side-encryption-aws-kms-key-id'], k).toBe(k.includes('2026-11-27') ? 'alias/secsli' : 'alias/other');
    }
    const bad = await cli(scoreArgs('s3://Not_A_Bucket/x'), env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/s3:\/\/Not_A_Bucket\/x: "Not_A_Bucket" is not an S3 bucket name/);
  });

  it('a missing bucket: exit 2 with a clear message, before anything is collected', async () => {
    const { env } = await bucket();
    const r = await cli(scoreArgs('s3://no-such-bucket/history'), env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: S3 bucket "no-such-bucket" does not exist/);
    expect(r.stderr).not.toMatch(/collecting/);
    const t = await cli(['trend', 'payments-api', '--reports', 's3://no-such-bucket/history'], env);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/S3 bucket "no-such-bucket" does not exist/);
    noSecrets(r);
  });

  it('AccessDenied: exit 2 naming the request and the IAM permissions needed; nothing visible', async () => {
    const listDenied = await bucket({ deny: (r) => r.op === 'ListObjectsV2' });
    const r = await cli(scoreArgs(OUT), listDenied.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: access denied by S3 to ListObjectsV2 under s3:\/\/acme-secsli\/history\//);
    expect(r.stderr).toMatch(/hint: The role needs s3:ListBucket .* s3:PutObject/);
    const putDenied = await bucket({ deny: (q) => q.op === 'PutObject' && q.key.endsWith('.csv') });
    const w = await cli(scoreArgs(OUT), putDenied.env);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/access denied by S3 to PutObject 2026-11-27T000000Z\/assets.csv/);
    expect(putDenied.keys('history/')).toEqual([]); // what was uploaded is removed again
  });

  it('an upload that dies half-way: nothing half-visible; readers skip what is left; the next run writes a whole one', async () => {
    const { s3, env, keys } = await bucket();
    expect((await cli(scoreArgs(OUT), env)).code).toBe(0);
    s3.opts.fault = (r) => (r.op === 'PutObject' && r.key.endsWith('/snapshot.json') ? 'reset' : undefined);
    s3.opts.deny = (r) => r.op === 'DeleteObjects'; // and the clean-up fails too: objects without a manifest stay
    const broken = await cli([...scoreArgs(OUT), '--as-of', LATER], env);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/error: S3 PutObject 2026-12-04T000000Z\/snapshot.json under s3:\/\/acme-secsli\/history\/ failed/);
    expect(keys('history/2026-12-04T000000Z/')).not.toContain('history/2026-12-04T000000Z/manifest.json');
    expect(keys('history/2026-12-04T000000Z/').length).toBeGreaterThan(0);
    delete s3.opts.fault;
    delete s3.opts.deny;

    const trend = await cli(['trend', 'payments-api', '--reports', OUT], env);
    expect(trend.code).toBe(0);
    expect(trend.stdout).toMatch(/payments-api: 1 run\(s\)/);
    expect(trend.stderr).toMatch(/skipping run 2026-12-04T000000Z: incomplete upload: no manifest.json/);

    const again = await cli([...scoreArgs(OUT), '--as-of', LATER], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`${OUT}/2026-12-04T000000Z-2\n`); // the half-written name stays taken until it is tidied
    expect((await cli(['trend', 'payments-api', '--reports', OUT], env)).stdout).toMatch(/payments-api: 2 run\(s\)/);

    // A day later, the next run removes the abandoned upload.
    const old = Date.now() - 2 * 86_400_000;
    for (const [k, o] of s3.objects.get('acme-secsli')!) if (k.startsWith('history/2026-12-04T000000Z/')) o.lastModified = new Date(old);
    const tidy = await cli([...scoreArgs(OUT), '--as-of', '2026-12-11T00:00:00Z'], env);
    expect(tidy.code).toBe(0);
    expect(tidy.stderr).toMatch(/removed abandoned upload s3:\/\/acme-secsli\/history\/2026-12-04T000000Z \(\d+ object/);
    expect(keys('history/2026-12-04T000000Z/')).toEqual([]);
    expect(keys('history/2026-12-04T000000Z-2/')).toContain('history/2026-12-04T000000Z-2/manifest.json');
  });
});
