import { describe, expect, it } from 'vitest';
import { runLimited } from '../../src/collectors/limit.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

describe('runLimited', () => {
  it.each([
    [1, 5],
    [3, 5],
    [8, 5],
  ])('limit %i over %i items: every item once, never more than the limit in flight', async (limit, n) => {
    const items = Array.from({ length: n }, (_, i) => i);
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    await runLimited(items, limit, async (x) => {
      started.push(x);
      peak = Math.max(peak, ++inFlight);
      await tick();
      inFlight--;
    });
    expect(started).toEqual(items);
    expect(peak).toBe(Math.min(limit, n));
  });

  it('treats a limit below one as one', async () => {
    let inFlight = 0;
    let peak = 0;
    await runLimited([1, 2, 3], 0, async () => {
      peak = Math.max(peak, ++inFlight);
      await tick();
      inFlight--;
    });
    expect(peak).toBe(1);
  });

  it('resolves at once for no items and rejects with the first failure', async () => {
    await expect(
      runLimited([], 4, async () => {
        throw new Error('never called');
      }),
    ).resolves.toBeUndefined();
    await expect(
      runLimited([1, 2, 3], 2, async (x) => {
        if (x === 2) throw new Error(`item ${x}`);
      }),
    ).rejects.toThrow('item 2');
  });
});
