/**
 * Socket timeouts for every AWS SDK client secsli makes (Security Hub, S3, Organizations). The
 * SDK's default is none: an endpoint that accepts the connection and never answers (a proxy, a
 * blocked route that is not refused) held a run for ever when no --timeout was given. A request
 * idle this long fails, and the SDK retries it as it retries any transient error; the run's own
 * --timeout and signals end it sooner.
 */
export const SDK_TIMEOUTS = {
  requestHandler: {
    /** TCP (and TLS) connect. */
    connectionTimeout: 30_000,
    /** No byte either way for this long: a large upload or a slow page that is moving is not cut. */
    requestTimeout: 120_000,
    /** Without it this SDK only logs "[WARN] a request has exceeded the configured requestTimeout" (to the console) and goes on waiting. */
    throwOnRequestTimeout: true,
  },
};
