import { UsageError } from '../errors.js';
import { fsRunStore } from './fs.js';
import type { RunStore, S3Location, StoreEnv } from './types.js';

export type { StoreEnv } from './types.js';

/** `--out` / `--reports`: a folder, or `s3://bucket/prefix` (the S3 client is loaded only then). */

export const isS3Location = (location: string) => /^s3:\/\//i.test(location);

function parseS3Location(location: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(location);
  const bucket = m?.[1] ?? '';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new UsageError(`${location}: "${bucket}" is not an S3 bucket name`, 'Example: --out s3://acme-secsli/history');
  }
  const prefix = m![2]!.replace(/\/+$/, '');
  const parts = prefix === '' ? [] : prefix.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new UsageError(`${location}: the prefix has an empty, "." or ".." part`, 'Example: --out s3://acme-secsli/history');
  }
  return { bucket, prefix: prefix ? `${prefix}/` : '' };
}

export async function openRunStore(location: string, o: StoreEnv): Promise<RunStore> {
  if (!isS3Location(location)) return fsRunStore(location);
  const where = parseS3Location(location);
  const { s3RunStore } = await import('./s3.js');
  return s3RunStore(where, o);
}
