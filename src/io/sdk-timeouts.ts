/**
 * Socket timeouts for every AWS SDK client secsli makes (Security Hub, S3, Organizations). The
 * SDK's default is none: an endpoint that accepts the connection and never answers (a proxy, a
 * blocked route that is not refused) held a run for ever when no --timeout was given. A socket
 * idle this long fails its request (TimeoutError), and the SDK retries it as it retries any
 * transient error; the run's own --timeout and signals end it sooner.
 *
 * `socketTimeout` is idle time, not `requestTimeout`: that one bounds the whole request, and cut a
 * 1.2 GB snapshot upload to S3 at 2 minutes while its bytes were still moving.
 */
export const SDK_TIMEOUTS = {
  requestHandler: {
    /** TCP (and TLS) connect. */
    connectionTimeout: 30_000,
    /** No byte either way for this long: a large upload or a slow page that is moving is not cut. */
    socketTimeout: 120_000,
  },
};
