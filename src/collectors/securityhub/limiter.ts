/**
 * Client-side token bucket: Security Hub documents GetFindings at 3 requests/s with a burst of 6
 * per account and Region. Waiting here is cheaper than being throttled and backing off, and keeps
 * room for other tools sharing the same limit.
 */

/** Time source; tests inject one whose `sleep` only advances `now`. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export interface TokenBucketOptions {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Bucket size: requests that may go out back to back after a quiet spell. */
  burst: number;
  clock?: Clock;
}

export interface TokenBucket {
  /** Resolves when one request may be sent; callers are served first come, first served. */
  take(): Promise<void>;
  /** The service throttled us anyway (another client shares the limit): start again from empty. */
  penalize(): void;
  /** Total time spent waiting in `take`, in ms (for progress and the benchmark). */
  readonly waitedMs: number;
}

export function createTokenBucket(opts: TokenBucketOptions): TokenBucket {
  if (!(opts.ratePerSecond > 0) || !(opts.burst >= 1)) {
    throw new RangeError(`token bucket needs ratePerSecond > 0 and burst >= 1 (got ${opts.ratePerSecond}, ${opts.burst})`);
  }
  const clock = opts.clock ?? realClock;
  const perMs = opts.ratePerSecond / 1000;
  let tokens = opts.burst;
  let last = clock.now();
  let waitedMs = 0;
  let queue: Promise<void> = Promise.resolve();

  const refill = () => {
    const t = clock.now();
    tokens = Math.min(opts.burst, tokens + (t - last) * perMs);
    last = t;
  };

  const takeOne = async () => {
    refill();
    if (tokens < 1) {
      const wait = (1 - tokens) / perMs;
      waitedMs += wait;
      await clock.sleep(wait);
      refill();
    }
    tokens -= 1;
  };

  return {
    take() {
      const turn = queue.then(takeOne);
      queue = turn.catch(() => undefined);
      return turn;
    },
    penalize() {
      refill();
      tokens = Math.min(tokens, 0);
    },
    get waitedMs() {
      return waitedMs;
    },
  };
}

/** Limits for GetFindings/GetFindingsV2, a little under the documented 3 rps / burst 6 so clock skew and latency jitter do not tip us over. */
export const GET_FINDINGS_LIMIT = { ratePerSecond: 2.85, burst: 5 } as const;
