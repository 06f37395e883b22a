import { SDK_TIMEOUTS } from '../io/sdk-timeouts.js';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { EXIT, SecsliError } from '../errors.js';
import type { S3Location, StoreEnv } from './types.js';

/** The S3 client of a store, and what its errors mean to the user. */

/** An S3 location cannot be used: no bucket, no access, the service unreachable. Nothing was written. */
export class StoreError extends SecsliError {
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, EXIT.USAGE, hint, options);
  }
}

const IAM_HINT =
  'The role needs s3:ListBucket on the bucket (for the prefix) and s3:GetObject, s3:PutObject, s3:DeleteObject on prefix/*; with SSE-KMS also kms:GenerateDataKey and kms:Decrypt on the key (docs/github-actions.md#iam).';

/**
 * Region from AWS_REGION / AWS_DEFAULT_REGION; endpoint from AWS_ENDPOINT_URL_S3, else
 * AWS_ENDPOINT_URL (path-style addressing then, as S3-compatible servers expect); static
 * credentials from the given environment, else the SDK's default chain. Checksums only where S3
 * requires them, so uploads are plain streams with a length.
 */
export function createS3Client(o: StoreEnv): { client: S3Client; endpoint?: string; region: string } {
  const env = o.env;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const ignore = /^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '');
  const endpoint = ignore ? undefined : env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const keyId = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  const client = new S3Client({
    ...SDK_TIMEOUTS,
    region,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(keyId && secret ? { credentials: { accessKeyId: keyId, secretAccessKey: secret, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Without a logger the SDK prints some warnings on the console; secsli reports the errors itself.
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  return { client, region, ...(endpoint ? { endpoint } : {}) };
}

/** Up to this size an object is uploaded from memory, so the SDK can retry it; larger ones stream (one attempt). */
const IN_MEMORY_UPLOAD = 32 << 20;

/** A local file as a PutObject body with its length. */
export async function fileBody(path: string): Promise<{ Body: Buffer | ReturnType<typeof createReadStream>; ContentLength: number }> {
  const { size } = await stat(path);
  return { Body: size <= IN_MEMORY_UPLOAD ? await readFile(path) : createReadStream(path), ContentLength: size };
}

const statusOf = (e: unknown) => (e as S3ServiceException).$metadata?.httpStatusCode;
export const isNotFound = (e: unknown) => (e as Error).name === 'NoSuchKey' || (e as Error).name === 'NotFound' || (statusOf(e) === 404 && (e as Error).name !== 'NoSuchBucket');
/** A conditional write lost: 412, or 409 when another conditional write to the key was in flight. */
export const isPreconditionFailed = (e: unknown) => statusOf(e) === 412 || (e as Error).name === 'PreconditionFailed' || (e as Error).name === 'ConditionalRequestConflict';

/** An S3 error as what the user can do about it. */
export function storeError(e: unknown, where: S3Location, what: string, server: { endpoint?: string; region: string }): StoreError {
  const name = (e as Error).name;
  const url = `s3://${where.bucket}/${where.prefix}`;
  if (name === 'NoSuchBucket') {
    return new StoreError(
      `S3 bucket "${where.bucket}" does not exist (${server.endpoint ?? `region ${server.region}`})`,
      `Create the bucket, or fix the s3:// location (${url}).`,
      { cause: e },
    );
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || statusOf(e) === 403) {
    return new StoreError(`access denied by S3 to ${what} under ${url}`, IAM_HINT, { cause: e });
  }
  const detail = e instanceof S3ServiceException ? `${name} (HTTP ${statusOf(e) ?? '?'}): ${e.message}` : `${(e as NodeJS.ErrnoException).code ?? name}: ${(e as Error).message}`;
  return new StoreError(
    `S3 ${what} under ${url} failed: ${detail}`,
    'Check the network path to S3 and the AWS_REGION / AWS_ENDPOINT_URL_S3 settings; nothing partial is visible to readers.',
    { cause: e },
  );
}
