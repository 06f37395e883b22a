import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHistory } from '../../src/history/load.js';
import { fsRunStore } from '../../src/store/fs.js';
import { openRunStore } from '../../src/store/index.js';
import type { RunStore } from '../../src/store/types.js';
import { StateConflictError } from '../../src/store/types.js';
import { tmp } from '../cli/run.js';
import { startS3Emulator, type S3Emulator } from '../fakes/s3-emulator.js';
import { memoryLogger } from '../fakes/sink.js';
import { FAKE } from '../live/world.js';

/**
 * One contract, run against the folder store and the S3 store (on the local S3 emulator, with
 * two keys per ListObjectsV2 page so paging is exercised): what the run writer, the history
 * readers and the sync state rely on.
 */

let s3: S3Emulator;
let n = 0;
beforeAll(async () => {
  s3 = await startS3Emulator({ buckets: ['hist'], pageSize: 2 });
});
afterAll(() => s3.close());

const env = () => ({ AWS_ENDPOINT_URL_S3: s3.url, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: FAKE.awsKeyId, AWS_SECRET_ACCESS_KEY: FAKE.awsSecret });
const stores: Array<[string, () => Promise<RunStore>]> = [
  ['folder', async () => fsRunStore(await tmp('secsli-store-'))],
  ['s3', () => openRunStore(`s3://hist/contract/${++n}`, { env: env() })],
];
const text = async (s: Readable | undefined) => {
  if (!s) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
const BASE = '2026-11-27T000000Z';

describe.each(stores)('%s store', (kind, make) => {
  it('publishes a run whole, never over an earlier one, and reads its files back as streams', async () => {
    const store = await make();
    expect((await store.listRuns()).runs).toEqual([]);
    const w = await store.createRun(BASE);
    const sink = w.lineSink('raw/securityhub.ndjson');
    sink.line('{"a":1}');
    sink.close();
    expect((await store.listRuns()).runs).toEqual([]); // nothing visible before commit
    const first = await w.commit({
      'b.csv': 'x,y\n',
      'a.json': (async function* () {
        yield '{"k":';
        yield '1}';
      })(),
    });
    const second = await (await store.createRun(BASE)).commit({ 'a.json': '{"k":2}' });
    expect(first).toBe(store.runLocation(BASE));
    expect(second).toBe(store.runLocation(`${BASE}-2`));
    expect((await store.listRuns()).runs.sort()).toEqual([BASE, `${BASE}-2`]);
    expect(await text(await store.openRunFile(BASE, 'a.json'))).toBe('{"k":1}');
    expect(await text(await store.openRunFile(BASE, 'raw/securityhub.ndjson'))).toBe('{"a":1}\n');
    expect(await text(await store.openRunFile(`${BASE}-2`, 'a.json'))).toBe('{"k":2}');
    expect(await store.openRunFile(BASE, 'nope.txt')).toBeUndefined();
  });

  it('removes a run whole: it is no run from the first step, its files go, other runs and the sync state stay', async () => {
    const store = await make();
    await (await store.createRun(BASE)).commit({ 'snapshot.json': '{"k":1}', 'owners/a.md': 'x' });
    await (await store.createRun('2026-12-04T000000Z')).commit({ 'snapshot.json': '{"k":2}' });
    const st = await store.state.staging('securityhub');
    await writeFile(st, 'state\n');
    await store.state.replace('securityhub', st, undefined);
    // The files' bytes (the S3 store's claim and manifest objects count too).
    expect((await store.removeRun(BASE)).bytes).toBeGreaterThanOrEqual(8);
    expect((await store.listRuns()).runs).toEqual(['2026-12-04T000000Z']);
    expect(await store.openRunFile(BASE, 'snapshot.json')).toBeUndefined();
    expect(await text(await store.openRunFile('2026-12-04T000000Z', 'snapshot.json'))).toBe('{"k":2}');
    expect(await store.state.open('securityhub')).toBeDefined();
    await store.state.close();
    await expect(store.removeRun('../etc')).rejects.toThrow(/not a run/);
  });

  it('an aborted run leaves nothing', async () => {
    const store = await make();
    const w = await store.createRun(BASE);
    w.lineSink('raw/x.ndjson').line('1');
    await w.abort();
    expect(await store.listRuns()).toMatchObject({ runs: [], skipped: [] });
  });

  it('replaces the sync state only from the version it read', async () => {
    const store = await make();
    const st = store.state;
    expect(await st.open('securityhub')).toBeUndefined();
    const a = await st.staging('securityhub');
    await writeFile(a, 'first\n');
    await st.replace('securityhub', a, undefined);
    const seen = (await st.open('securityhub'))!;
    expect(await readFile(seen.file, 'utf8')).toBe('first\n');
    // Two runs started from `seen`: the first to replace wins, the second is told.
    const b = await st.staging('securityhub');
    await writeFile(b, 'second\n');
    const c = await st.staging('securityhub');
    await writeFile(c, 'third, late\n');
    await st.replace('securityhub', b, seen.version);
    await expect(st.replace('securityhub', c, seen.version)).rejects.toBeInstanceOf(StateConflictError);
    // "there was none" is a condition too.
    const d = await st.staging('securityhub');
    await writeFile(d, 'fourth\n');
    await expect(st.replace('securityhub', d, undefined)).rejects.toBeInstanceOf(StateConflictError);
    const last = (await st.open('securityhub'))!;
    expect(await readFile(last.file, 'utf8')).toBe('second\n');
    expect(await st.open('dependabot')).toBeUndefined();
    await st.close();
    // A local copy (S3) holds raw findings: gone once the store is closed. The folder store's file is the state itself.
    expect(existsSync(last.file)).toBe(kind === 'folder');
  });
});

describe('s3 store', () => {
  it('a run is its manifest: each object with size and sha256, written last; a mismatch is an error naming the object', async () => {
    const store = await openRunStore('s3://hist/manifest', { env: env() });
    await (await store.createRun(BASE)).commit({ 'snapshot.json': '{"a":1}', 'assets.csv': 'id\n' });
    const puts = s3.requests.filter((r) => r.op === 'PutObject' && r.key.startsWith('manifest/')).map((r) => r.key);
    expect(puts).toEqual([`manifest/${BASE}/.claim`, `manifest/${BASE}/assets.csv`, `manifest/${BASE}/snapshot.json`, `manifest/${BASE}/manifest.json`]);
    const objects = s3.objects.get('hist')!;
    const manifest = JSON.parse(objects.get(`manifest/${BASE}/manifest.json`)!.body.toString('utf8'));
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(manifest).toMatchObject({
      secsliRun: 1,
      run: BASE,
      files: [
        { name: 'assets.csv', bytes: 3, sha256: sha('id\n') },
        { name: 'snapshot.json', bytes: 7, sha256: sha('{"a":1}') },
      ],
    });
    objects.get(`manifest/${BASE}/snapshot.json`)!.body = Buffer.from('{"a":2}');
    await expect(text(await store.openRunFile(BASE, 'snapshot.json'))).rejects.toThrow(/manifest\/2026-11-27T000000Z\/snapshot.json differs from its manifest/);
    // To the history readers that run is unreadable (skipped, naming the object), not a bug (exit 70).
    const h = await loadHistory(store, memoryLogger(), { findings: false });
    expect(h.runs).toEqual([]);
    expect(h.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^s3:\/\/hist\/manifest\/2026-11-27T000000Z\/snapshot.json differs from its manifest \(7 bytes, sha256 /),
    ]);
  });

  it('removing a run deletes its manifest first, and says which object S3 refused to delete', async () => {
    const store = await openRunStore('s3://hist/remove', { env: env() });
    await (await store.createRun(BASE)).commit({ 'snapshot.json': '{}', 'assets.csv': 'id\n' });
    const seen = s3.requests.length;
    await store.removeRun(BASE);
    const deletes = s3.requests.slice(seen).filter((r) => r.op === 'DeleteObjects');
    expect(deletes).toHaveLength(2); // the manifest alone, then the rest
    expect(s3.objects.get('hist')!.has(`remove/${BASE}/manifest.json`)).toBe(false);
    expect([...s3.objects.get('hist')!.keys()].filter((k) => k.startsWith('remove/'))).toEqual([]);

    await (await store.createRun(BASE)).commit({ 'snapshot.json': '{}' });
    s3.opts.keepOnDelete = (k) => k.endsWith('/snapshot.json');
    try {
      await expect(store.removeRun(BASE)).rejects.toThrow(`access denied by S3 to DeleteObjects ${BASE}/ under s3://hist/remove/`);
      // No manifest: no longer a run, whatever is left (a later score run's housekeeping removes it once abandoned).
      expect((await store.listRuns()).runs).toEqual([]);
    } finally {
      delete s3.opts.keepOnDelete;
    }
  });

  it('an upload without a manifest is skipped with its reason, and removed by a later run once abandoned', async () => {
    const objects = s3.objects.get('hist')!;
    const old = new Date('2026-11-20T00:00:00Z');
    for (const f of ['.claim', 'assets.csv']) objects.set(`orphans/${BASE}/${f}`, { body: Buffer.from('x'), etag: '"e"', lastModified: old, headers: {} });
    objects.set('orphans/2026-11-30T000000Z/assets.csv', { body: Buffer.from('x'), etag: '"e"', lastModified: new Date(), headers: {} });
    objects.set('orphans/2026-11-01T000000Z/assets.csv', { body: Buffer.from('x'), etag: '"e"', lastModified: old, headers: {} }); // copied in by hand
    const store = await openRunStore('s3://hist/orphans', { env: env(), now: () => new Date('2026-11-22T00:00:00Z') });
    const listing = await store.listRuns();
    expect(listing.runs).toEqual([]);
    const skipped = new Map(listing.skipped.map((s) => [s.name, s.reason]));
    expect([...skipped.keys()].sort()).toEqual(['2026-11-01T000000Z', BASE, '2026-11-30T000000Z']);
    expect(skipped.get(BASE)).toMatch(/^incomplete upload: no manifest.json \(last written 2026-11-20T00:00:00.000Z, over a day ago: abandoned\)$/);
    expect(skipped.get('2026-11-01T000000Z')).toMatch(/not begun by secsli score \(copied in by hand\?\); left alone/);
    // Only an upload secsli began less than a day ago may still be under way (a run the history is not missing yet).
    expect(listing.skipped.filter((s) => s.inProgress).map((s) => s.name)).toEqual([]);
    const later = await openRunStore('s3://hist/orphans', { env: env(), now: () => new Date('2026-11-20T12:00:00Z') });
    expect((await later.listRuns()).skipped.filter((s) => s.inProgress).map((s) => [s.name, s.reason])).toEqual([
      [BASE, 'incomplete upload: no manifest.json (last written 2026-11-20T00:00:00.000Z, less than a day ago: still uploading?)'],
    ]);
    const log = memoryLogger();
    await store.tidy(log);
    expect(log.lines.join('\n')).toMatch(/removed abandoned upload s3:\/\/hist\/orphans\/2026-11-27T000000Z \(2 object\(s\) without a manifest.json/);
    // Younger than a day (maybe still uploading), or not secsli's: kept.
    expect([...objects.keys()].filter((k) => k.startsWith('orphans/')).sort()).toEqual(['orphans/2026-11-01T000000Z/assets.csv', 'orphans/2026-11-30T000000Z/assets.csv']);
  });

  it('writes every object with SSE-KMS when a key is given', async () => {
    const store = await openRunStore('s3://hist/kms', { env: env(), sseKmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/abc' });
    await (await store.createRun(BASE)).commit({ 'a.txt': 'x' });
    const st = await store.state.staging('dependabot');
    await writeFile(st, 'state\n');
    await store.state.replace('dependabot', st, undefined);
    const objects = [...s3.objects.get('hist')!.entries()].filter(([k]) => k.startsWith('kms/'));
    expect(objects.length).toBe(4);
    for (const [, o] of objects)
      expect(o.headers).toMatchObject({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:eu-west-1:111122223333:key/abc' });
  });
});
