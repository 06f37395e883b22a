import { SDK_TIMEOUTS } from '../../io/sdk-timeouts.js';
import { SecurityHubClient, type SecurityHubClientConfig } from '@aws-sdk/client-securityhub';
import { createTokenBucket, GET_FINDINGS_LIMIT, type Clock, type TokenBucket } from './limiter.js';

/**
 * One Security Hub client per (account, Region), each with its own token bucket, installed as SDK
 * middleware *inside* the SDK's retry loop, so retried attempts also wait for a token.
 */

export interface SecurityHubClientOptions {
  region: string;
  /** Custom endpoint (emulator, VPC endpoint). Omitted: the SDK's own resolution, which also reads AWS_ENDPOINT_URL_SECURITYHUB / AWS_ENDPOINT_URL from process.env and `endpoint_url` from the AWS config file. */
  endpoint?: string;
  /** Omitted: the SDK's default credential provider chain. */
  credentials?: SecurityHubClientConfig['credentials'];
  /** Default GET_FINDINGS_LIMIT (2.85 rps, burst 5: just under the documented 3 rps / burst 6). */
  limit?: { ratePerSecond: number; burst: number };
  clock?: Clock;
  /** Extra SDK configuration (tests pass `maxAttempts` or a fast `retryStrategy`). Production: SDK defaults. */
  sdk?: Partial<SecurityHubClientConfig>;
}

export interface LimitedSecurityHubClient {
  client: SecurityHubClient;
  bucket: TokenBucket;
  /** HTTP attempts that went out (including SDK retries) and how many were answered 429. */
  stats: { attempts: number; throttled: number };
}

export function createSecurityHubClient(o: SecurityHubClientOptions): LimitedSecurityHubClient {
  const client = new SecurityHubClient({
    ...SDK_TIMEOUTS,
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...o.sdk,
  });
  const bucket = createTokenBucket({ ...(o.limit ?? GET_FINDINGS_LIMIT), ...(o.clock ? { clock: o.clock } : {}) });
  const stats = { attempts: 0, throttled: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      await bucket.take();
      stats.attempts++;
      const out = await next(args);
      if ((out.response as { statusCode?: number } | undefined)?.statusCode === 429) {
        stats.throttled++;
        bucket.penalize();
      }
      return out;
    },
    // Innermost: after signing and inside the retry middleware, right before the HTTP call.
    { step: 'deserialize', priority: 'low', name: 'secsliRateLimit' },
  );
  return { client, bucket, stats };
}
