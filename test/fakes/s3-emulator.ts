import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small S3-compatible server (node:http on 127.0.0.1, port 0) speaking S3's REST/XML as the real
 * AWS SDK sends it with path-style addressing (`/<bucket>/<key>`):
 * PutObject (If-Match / If-None-Match: * → 412 PreconditionFailed), GetObject, HeadObject,
 * ListObjectsV2 (prefix, delimiter, continuation-token paging), DeleteObject, DeleteObjects;
 * NoSuchBucket, NoSuchKey, AccessDenied (configurable), and faults injected mid-upload.
 * SOURCE: the Amazon S3 API Reference (PutObject conditional requests, ListObjectsV2, Error
 * responses); shapes checked against @aws-sdk/client-s3's deserializers by the tests.
 */

interface S3Object {
  body: Buffer;
  etag: string;
  lastModified: Date;
  headers: Record<string, string>;
}

type S3Op = 'PutObject' | 'GetObject' | 'HeadObject' | 'ListObjectsV2' | 'DeleteObject' | 'DeleteObjects';

interface S3Request {
  op: S3Op;
  bucket: string;
  key: string;
  headers: IncomingMessage['headers'];
}

export interface S3EmulatorOptions {
  buckets: string[];
  /** Keys per ListObjectsV2 page (the SDK's MaxKeys still wins when smaller). Default 1000. */
  pageSize?: number;
  /** Clock for LastModified. Default: real time. */
  clock?: () => Date;
  /** true: answer 403 AccessDenied. */
  deny?: (r: S3Request) => boolean;
  /**
   * 'reset': read part of the body, then drop the connection (the upload dies mid-way);
   * 'internal': 500 InternalError. Called for every request; undefined: no fault.
   */
  fault?: (r: S3Request) => 'reset' | 'internal' | undefined;
  /** true: DeleteObjects reports this key as AccessDenied in its 200 answer (S3 answers per key) and keeps it. */
  keepOnDelete?: (key: string) => boolean;
  /** Awaited before a request is handled (tests hold writes back to make runs overlap). */
  gate?: (r: S3Request) => Promise<void> | void;
}

export interface S3Emulator {
  url: string;
  opts: S3EmulatorOptions;
  /** bucket → key → object. */
  objects: Map<string, Map<string, S3Object>>;
  requests: S3Request[];
  close(): Promise<void>;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
let requestId = 0;

function sendError(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}, head = false): void {
  const id = `EMU${++requestId}`;
  const body = `${XML_HEAD}<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${Object.entries(extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('')}<RequestId>${id}</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': id, ...(head ? {} : { 'content-length': String(Buffer.byteLength(body)) }) });
  res.end(head ? undefined : body);
}

function sendXml(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)), 'x-amz-request-id': `EMU${++requestId}` });
  res.end(body);
}

function opOf(method: string, key: string, query: URLSearchParams): S3Op | undefined {
  if (method === 'GET' && !key && query.get('list-type') === '2') return 'ListObjectsV2';
  if (method === 'POST' && !key && query.has('delete')) return 'DeleteObjects';
  if (!key) return undefined;
  return ({ PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' } as const)[method as 'PUT'];
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

export async function startS3Emulator(opts: S3EmulatorOptions): Promise<S3Emulator> {
  const objects = new Map<string, Map<string, S3Object>>(opts.buckets.map((b) => [b, new Map()]));
  const requests: S3Request[] = [];
  const now = () => (opts.clock ?? (() => new Date()))();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://s3.local');
    const [, bucket = '', ...rest] = u.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const op = opOf(req.method ?? '', key, u.searchParams);
    const head = req.method === 'HEAD';
    if (!op) return sendError(res, 405, 'MethodNotAllowed', `${req.method} ${u.pathname} is not emulated`);
    const r: S3Request = { op, bucket: decodeURIComponent(bucket), key, headers: req.headers };
    requests.push(r);
    await opts.gate?.(r);
    const fault = opts.fault?.(r);
    if (fault === 'reset') {
      // Take a little of the body, then drop the connection: the client sees a socket error mid-upload.
      req.once('data', () => req.socket.destroy());
      req.once('end', () => req.socket.destroy());
      return;
    }
    const body = await readBody(req);
    if (fault === 'internal') return sendError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.', {}, head);
    const store = objects.get(r.bucket);
    if (!store) return sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: r.bucket }, head);
    if (opts.deny?.(r)) return sendError(res, 403, 'AccessDenied', 'Access Denied', {}, head);

    switch (op) {
      case 'PutObject': {
        const existing = store.get(key);
        const ifMatch = req.headers['if-match'];
        const ifNoneMatch = req.headers['if-none-match'];
        if ((ifNoneMatch === '*' && existing) || (ifMatch !== undefined && existing?.etag !== ifMatch)) {
          return sendError(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
            Condition: ifMatch !== undefined ? 'If-Match' : 'If-None-Match',
          });
        }
        if (ifMatch !== undefined && !existing) return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        const kept: Record<string, string> = {};
        for (const h of ['content-type', 'x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id'])
          if (typeof req.headers[h] === 'string') kept[h] = req.headers[h] as string;
        store.set(key, { body, etag, lastModified: now(), headers: kept });
        res.writeHead(200, { etag, ...(kept['x-amz-server-side-encryption'] ? { 'x-amz-server-side-encryption': kept['x-amz-server-side-encryption'] } : {}) });
        return res.end();
      }
      case 'GetObject':
      case 'HeadObject': {
        const o = store.get(key);
        if (!o) return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }, head);
        res.writeHead(200, {
          etag: o.etag,
          'last-modified': o.lastModified.toUTCString(),
          'content-length': String(o.body.length),
          'content-type': o.headers['content-type'] ?? 'binary/octet-stream',
        });
        return res.end(head ? undefined : o.body);
      }
      case 'DeleteObject':
        store.delete(key);
        res.writeHead(204);
        return res.end();
      case 'DeleteObjects': {
        const keys = [...body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) =>
          m[1]!
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>')
            .replace(/&quot;/g, '"')
            .replace(/&apos;/g, "'")
            .replace(/&amp;/g, '&'),
        );
        // SOURCE: DeleteObjects in the S3 API Reference — one <Error> (Key, Code, Message) per key not
        // deleted, in a 200 answer; Quiet mode leaves out only the <Deleted> entries.
        const refused = keys.filter((k) => opts.keepOnDelete?.(k));
        const deleted = keys.filter((k) => !refused.includes(k));
        for (const k of deleted) store.delete(k);
        const quiet = /<Quiet>true<\/Quiet>/.test(body.toString('utf8'));
        const errors = refused.map((k) => `<Error><Key>${xmlEscape(k)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`).join('');
        return sendXml(
          res,
          `${XML_HEAD}<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet ? '' : deleted.map((k) => `<Deleted><Key>${xmlEscape(k)}</Key></Deleted>`).join('')}${errors}</DeleteResult>`,
        );
      }
      case 'ListObjectsV2':
        return sendXml(res, listXml(r.bucket, store, u.searchParams, opts.pageSize ?? 1000));
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', `emulator bug: ${String(err)}`);
      else res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    opts,
    objects,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** ListObjectsV2: keys in UTF-8 binary order; the continuation token is the last key returned (base64). */
function listXml(bucket: string, store: Map<string, S3Object>, q: URLSearchParams, pageSize: number): string {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const max = Math.min(pageSize, Number(q.get('max-keys') ?? 1000));
  const token = q.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64').toString('utf8') : (q.get('start-after') ?? '');
  const keys = [...store.keys()].filter((k) => k.startsWith(prefix) && k > after).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const contents: string[] = [];
  const prefixes = new Set<string>();
  let last = '';
  let truncated = false;
  for (const k of keys) {
    const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? k.slice(0, cut + delimiter.length) : undefined;
    if (common && prefixes.has(common)) {
      last = k;
      continue;
    }
    if (contents.length + prefixes.size >= max) {
      truncated = true;
      break;
    }
    if (common) prefixes.add(common);
    else contents.push(k);
    last = k;
  }
  const obj = (k: string) => {
    const o = store.get(k)!;
    return `<Contents><Key>${xmlEscape(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
  };
  return (
    `${XML_HEAD}<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>` +
    (delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : '') +
    `<KeyCount>${contents.length + prefixes.size}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
    (token ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '') +
    (truncated ? `<NextContinuationToken>${Buffer.from(last).toString('base64')}</NextContinuationToken>` : '') +
    contents.map(obj).join('') +
    [...prefixes].map((p) => `<CommonPrefixes><Prefix>${xmlEscape(p)}</Prefix></CommonPrefixes>`).join('') +
    '</ListBucketResult>'
  );
}
