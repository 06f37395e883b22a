import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { Logger } from '../log.js';
import type { Source } from '../model/finding.js';
import { toolVersion } from '../package-root.js';
import type { GuardOptions } from '../report/file-guard.js';
import { RunFolder } from '../report/write.js';
import { STATE_FOLDER } from '../sync/state.js';
import type { S3Location, StoreEnv } from './types.js';
import { nthRunName, RUN_FOLDER } from './names.js';
import { createS3Client, fileBody, isNotFound, isPreconditionFailed, storeError } from './s3-client.js';
import { RunFileChanged, StateConflictError, type RunListing, type RunStore, type RunWriter, type StateStore } from './types.js';

/**
 * History under an S3 prefix. S3 has no rename, so a run is made visible the S3 way:
 *
 *   <prefix>/<run>/.claim          written first, with If-None-Match: * — the run's name is taken
 *   <prefix>/<run>/<file> …        every file of the run (assembled locally first)
 *   <prefix>/<run>/manifest.json   LAST: every file with its size and sha256
 *
 * A run without a manifest is not a run: readers skip it with the reason, and a later run removes
 * it once its newest object is older than ABANDONED_AFTER_MS (a run still uploading is never
 * touched). The sync state is `<prefix>/.secsli-state/<source>.ndjson`, replaced with
 * If-Match on the ETag this run read (If-None-Match: * when there was none).
 */

const MANIFEST = 'manifest.json';
const CLAIM = '.claim';
/** An upload without a manifest this old is abandoned (a run that died, or was stopped): removed by the next run. */
const ABANDONED_AFTER_MS = 24 * 3_600_000;

interface Manifest {
  secsliRun: 1;
  run: string;
  tool: string;
  files: Array<{ name: string; bytes: number; sha256: string }>;
}

interface Orphan {
  name: string;
  keys: string[];
  newest: number;
  /** Begun by secsli (it has a .claim); anything else (a folder copied in by hand) is never deleted. */
  claimed: boolean;
}

export function s3RunStore(where: S3Location, o: StoreEnv): RunStore {
  const { client, ...server } = createS3Client(o);
  const { bucket, prefix } = where;
  const url = (rel: string) => `s3://${bucket}/${prefix}${rel}`;
  const fail = (what: string) => (e: unknown) => {
    throw storeError(e, where, what, server);
  };
  const sse: Partial<PutObjectCommandInput> = o.sseKmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: o.sseKmsKeyId } : {};
  const put = (key: string, body: PutObjectCommandInput['Body'], extra: Partial<PutObjectCommandInput> = {}) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + key, Body: body, ...sse, ...extra }));
  const get = async (key: string) => {
    try {
      return await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + key }));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      return fail(`GetObject ${key}`)(e);
    }
  };
  /** The object's ETag, or undefined when there is no such object. */
  const etag = async (key: string) => {
    try {
      return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix + key }))).ETag ?? '';
    } catch (e) {
      if (isNotFound(e)) return undefined;
      return fail(`HeadObject ${key}`)(e);
    }
  };
  /** Fails when S3 names a key it could not delete (DeleteObjects answers 200 either way). */
  const remove = async (keys: string[]) => {
    for (let i = 0; i < keys.length; i += 1000) {
      const r = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
      const failed = r.Errors?.[0];
      if (failed) throw Object.assign(new Error(`${failed.Key}: ${failed.Code ?? 'error'} ${failed.Message ?? ''}`.trim()), { name: failed.Code ?? 'DeleteError' });
    }
  };

  /** An upload without a manifest last written before this (ms) is abandoned. */
  const abandonedBefore = () => (o.now ?? (() => new Date()))().getTime() - ABANDONED_AFTER_MS;
  let orphans: Orphan[] = [];
  const manifests = new Map<string, Promise<Manifest | undefined>>();
  const manifestOf = (run: string) => {
    let m = manifests.get(run);
    if (!m) {
      m = get(`${run}/${MANIFEST}`).then(async (r) => (r ? (JSON.parse(await r.Body!.transformToString()) as Manifest) : undefined));
      manifests.set(run, m);
    }
    return m;
  };

  /** Every object under `under` (a key prefix), page after page. */
  async function* objectsUnder(under: string) {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: under, ...(token ? { ContinuationToken: token } : {}) })).catch(fail('ListObjectsV2'));
      yield* page.Contents ?? [];
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  const listRuns = async (): Promise<RunListing> => {
    const runs = new Map<string, { complete: boolean; claimed: boolean; keys: string[]; newest: number }>();
    for await (const obj of objectsUnder(prefix)) {
      const rel = obj.Key!.slice(prefix.length);
      const cut = rel.indexOf('/');
      const name = rel.slice(0, cut);
      if (cut < 0 || !RUN_FOLDER.test(name)) continue;
      const r = runs.get(name) ?? { complete: false, claimed: false, keys: [], newest: 0 };
      runs.set(name, r);
      r.keys.push(obj.Key!);
      r.newest = Math.max(r.newest, obj.LastModified?.getTime() ?? 0);
      if (rel === `${name}/${MANIFEST}`) r.complete = true;
      if (rel === `${name}/${CLAIM}`) r.claimed = true;
    }
    const all = [...runs.entries()];
    orphans = all.filter(([, r]) => !r.complete).map(([name, r]) => ({ name, keys: r.keys, newest: r.newest, claimed: r.claimed }));
    // The cut-off tidy() removes abandoned uploads at: younger, an upload may still be under way.
    const cutoff = abandonedBefore();
    const why = (r: Orphan) =>
      r.claimed
        ? `incomplete upload: no ${MANIFEST} (last written ${new Date(r.newest).toISOString()}, ${r.newest < cutoff ? 'over a day ago: abandoned' : 'less than a day ago: still uploading?'})`
        : `no ${MANIFEST} and not begun by secsli score (copied in by hand?); left alone`;
    return {
      runs: all.filter(([, r]) => r.complete).map(([name]) => name),
      skipped: orphans.map((r) => ({ name: r.name, reason: why(r), ...(r.claimed && r.newest >= cutoff ? { inProgress: true } : {}) })),
    };
  };

  const openRunFile = async (run: string, name: string): Promise<Readable | undefined> => {
    const entry = (await manifestOf(run))?.files.find((f) => f.name === name);
    if (!entry) return undefined;
    const r = await get(`${run}/${name}`);
    if (!r) throw new Error(`${url(`${run}/${name}`)} is listed in the manifest but missing`);
    return (r.Body as Readable).pipe(verified(entry, url(`${run}/${name}`)));
  };

  const createRun = async (base: string, guard?: GuardOptions): Promise<RunWriter> => {
    const local = await mkdtemp(join(tmpdir(), 'secsli-s3-run-'));
    const folder = await RunFolder.named(local, base, guard);
    const uploaded: string[] = [];
    const undo = async () => {
      await remove(uploaded).catch(() => {}); // what is left has no manifest: readers skip it, a later run removes it
      await rm(local, { recursive: true, force: true });
    };
    return {
      lineSink: (name) => folder.lineSink(name),
      abort: async () => {
        await folder.abort();
        await rm(local, { recursive: true, force: true });
      },
      async commit(files, named, stop) {
        try {
          // The name first (the claim), so files that say where the run is can say it.
          const run = await claim(base);
          uploaded.push(prefix + `${run}/${CLAIM}`);
          const dir = await folder.commit(files, () => named?.(run) ?? {}, stop);
          const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
            .filter((d) => d.isFile())
            .map((d) => relative(dir, join(d.parentPath, d.name)).split('\\').join('/'))
            .sort();
          const manifest: Manifest = { secsliRun: 1, run, tool: toolVersion(), files: [] };
          for (const name of names) {
            // A signal while uploading: stop at the next object, and undo (no manifest ever goes up).
            stop?.();
            const path = join(dir, name);
            const { Body, ContentLength } = await fileBody(path);
            manifest.files.push({ name, bytes: ContentLength, sha256: await sha256(path) });
            uploaded.push(prefix + `${run}/${name}`);
            await put(`${run}/${name}`, Body, { ContentLength, ContentType: contentType(name) }).catch(fail(`PutObject ${run}/${name}`));
          }
          stop?.();
          await put(`${run}/${MANIFEST}`, JSON.stringify(manifest, null, 2) + '\n', { ContentType: 'application/json', IfNoneMatch: '*' }).catch(
            fail(`PutObject ${run}/${MANIFEST}`),
          );
          await rm(local, { recursive: true, force: true });
          return url(run);
        } catch (e) {
          await undo();
          throw e;
        }
      },
    };
  };

  /** Takes the first free name base, base-2, …: the claim object is created only if absent. */
  const claim = async (base: string): Promise<string> => {
    for (let n = 1; ; n++) {
      const run = nthRunName(base, n);
      try {
        await put(`${run}/${CLAIM}`, JSON.stringify({ tool: toolVersion(), pid: process.pid }) + '\n', { IfNoneMatch: '*', ContentType: 'application/json' });
        return run;
      } catch (e) {
        if (!isPreconditionFailed(e) || n >= 999) return fail(`PutObject ${run}/${CLAIM}`)(e);
      }
    }
  };

  const tidy = async (log: Logger) => {
    const cutoff = abandonedBefore();
    for (const r of orphans.filter((x) => x.claimed && x.newest < cutoff)) {
      try {
        await remove(r.keys);
        log.info(`removed abandoned upload ${url(r.name)} (${r.keys.length} object(s) without a ${MANIFEST}, last written ${new Date(r.newest).toISOString()})`);
      } catch (e) {
        log.warn(`cannot remove abandoned upload ${url(r.name)}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    orphans = [];
  };

  /** The manifest first: from then on no reader takes the run for one; then everything else under it. */
  const removeRun = async (run: string) => {
    if (!RUN_FOLDER.test(run)) throw new Error(`not a run name: ${run}`);
    const keys: string[] = [];
    let bytes = 0;
    for await (const obj of objectsUnder(`${prefix}${run}/`)) {
      keys.push(obj.Key!);
      bytes += obj.Size ?? 0;
    }
    const manifest = `${prefix}${run}/${MANIFEST}`;
    await remove([manifest]).catch(fail(`DeleteObjects ${run}/${MANIFEST}`));
    manifests.delete(run);
    await remove(keys.filter((k) => k !== manifest)).catch(fail(`DeleteObjects ${run}/`));
    return { bytes };
  };
  return { location: url('').replace(/\/$/, ''), listRuns, openRunFile, runLocation: url, createRun, removeRun, tidy, state: s3StateStore({ put, get, etag, url }) };
}

function s3StateStore(s3: {
  put: (key: string, body: PutObjectCommandInput['Body'], extra?: Partial<PutObjectCommandInput>) => Promise<unknown>;
  get: (key: string) => Promise<{ Body?: unknown; ETag?: string } | undefined>;
  etag: (key: string) => Promise<string | undefined>;
  url: (rel: string) => string;
}): StateStore {
  const key = (source: Source) => `${STATE_FOLDER}/${source}.ndjson`;
  let local: Promise<string> | undefined;
  const localDir = () => (local ??= mkdtemp(join(tmpdir(), 'secsli-s3-state-')));
  let n = 0;
  return {
    where: (source) => s3.url(key(source)),
    async open(source) {
      const r = await s3.get(key(source));
      if (!r) return undefined;
      const file = join(await localDir(), `${source}.stored.ndjson`);
      await pipeline(r.Body as Readable, createWriteStream(file, { mode: 0o600 }));
      return { file, version: r.ETag ?? '' };
    },
    // As open() records it: the ETag, '' when S3 gave none.
    version: (source) => s3.etag(key(source)),
    staging: async (source) => join(await localDir(), `${source}.new-${++n}.ndjson`),
    async replace(source, staged, expected) {
      try {
        const { Body, ContentLength } = await fileBody(staged);
        await s3.put(key(source), Body, { ContentLength, ContentType: 'application/x-ndjson', ...(expected ? { IfMatch: expected } : { IfNoneMatch: '*' }) });
      } catch (e) {
        if (isPreconditionFailed(e)) throw new StateConflictError(`${s3.url(key(source))} was replaced by another run`);
        throw e;
      } finally {
        await rm(staged, { force: true });
      }
    },
    discard: (staged) => rm(staged, { force: true }),
    async close() {
      if (local) await rm(await local, { recursive: true, force: true });
      local = undefined;
    },
  };
}

const sha256 = async (path: string) => {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
};

/** Passes the bytes through, failing at the end when they are not what the manifest says. */
function verified(entry: { bytes: number; sha256: string }, where: string): Transform {
  const h = createHash('sha256');
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      const digest = h.digest('hex');
      cb(bytes === entry.bytes && digest === entry.sha256 ? null : new RunFileChanged(`${where} differs from its manifest (${bytes} bytes, sha256 ${digest.slice(0, 12)}…)`));
    },
  });
}

const contentType = (name: string) =>
  name.endsWith('.json')
    ? 'application/json'
    : name.endsWith('.csv')
      ? 'text/csv; charset=utf-8'
      : name.endsWith('.md')
        ? 'text/markdown; charset=utf-8'
        : name.endsWith('.ndjson')
          ? 'application/x-ndjson'
          : 'application/octet-stream';
