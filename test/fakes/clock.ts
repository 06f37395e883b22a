import type { Clock } from '../../src/collectors/securityhub/limiter.js';

/** A clock whose sleep advances time instantly: limiter and backoff tests run in microseconds. */
export function fakeClock(start = 0): Clock & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += Math.max(0, ms);
    },
  };
}
