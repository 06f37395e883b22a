import { redactAll } from '../../log.js';
import { describeNetworkFault, networkFault } from '../net-errors.js';

/**
 * What an error from the SDK (or the credential provider) means for coverage:
 * - `no-access`: the service answered definitively that this scope cannot be read (401 "not
 *   subscribed", 403): a coverage gap, not zero findings, and not a failure of the run;
 * - `throttle` / `transient`: worth another try after a pause;
 * - `network`: DNS, refused connection, TLS (src/collectors/net-errors.ts): a brief retry, then the scope is lost;
 * - `fatal`: anything else; the scope is lost and the source is incomplete.
 */
export type AwsErrorKind = 'no-access' | 'throttle' | 'transient' | 'network' | 'fatal';

const THROTTLE_CODES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

export function classifyAwsError(err: unknown): AwsErrorKind {
  const e = (err ?? {}) as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? '';
  if (networkFault(err)) return 'network';
  if (THROTTLE_CODES.has(name) || status === 429) return 'throttle';
  if (status === 401 || status === 403 || name === 'InvalidAccessException' || name === 'AccessDeniedException' || name === 'AccessDenied') {
    return 'no-access';
  }
  if ((status !== undefined && status >= 500) || e.$fault === 'server') return 'transient';
  if (TRANSIENT_CODES.has(name) || TRANSIENT_CODES.has(e.code ?? '')) return 'transient';
  return 'fatal';
}

/** "InvalidAccessException (401): Account … is not subscribed to AWS Security Hub", secrets removed. */
export function describeAwsError(err: unknown, secrets: readonly string[]): string {
  const fault = networkFault(err);
  if (fault) return redactAll(describeNetworkFault(fault), secrets);
  const e = (err ?? {}) as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  const msg = (e.message ?? String(err)).split('\n')[0]!.slice(0, 300);
  return redactAll(`${name}${status ? ` (${status})` : ''}: ${msg}`, secrets);
}
