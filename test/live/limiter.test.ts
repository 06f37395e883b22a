import { describe, expect, it } from 'vitest';
import { createTokenBucket } from '../../src/collectors/securityhub/limiter.js';
import { fakeClock } from '../fakes/clock.js';

describe('token bucket', () => {
  it('lets a burst through, then one request per 1/rate seconds', async () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 3, burst: 6, clock });
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      await bucket.take();
      times.push(Math.round(clock.now()));
    }
    expect(times).toEqual([0, 0, 0, 0, 0, 0, 333, 667, 1000, 1333, 1667, 2000]);
    expect(Math.round(bucket.waitedMs)).toBe(2000);
  });

  it('never exceeds rate × t + burst in any window, even with concurrent callers', async () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 3, burst: 6, clock });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 40 }, () => bucket.take().then(() => times.push(clock.now()))));
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) expect(j - i + 1).toBeLessThanOrEqual(Math.floor(((times[j]! - times[i]!) * 3) / 1000 + 1e-9) + 6);
    }
  });

  it('refills while idle, up to the burst only', async () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 3, burst: 2, clock });
    await bucket.take();
    await bucket.take();
    await clock.sleep(60_000);
    const before = clock.slept.length;
    await bucket.take();
    await bucket.take();
    await bucket.take();
    expect(clock.slept.length - before).toBe(1);
  });

  it('starts from empty after a penalty (the service throttled us anyway)', async () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, burst: 6, clock });
    bucket.penalize();
    await bucket.take();
    expect(clock.now()).toBe(500);
  });

  it('rejects nonsense limits', () => {
    expect(() => createTokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
  });
});
