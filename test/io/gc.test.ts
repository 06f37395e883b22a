import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/io/gc.js';

describe('collectGarbage', () => {
  it('collects what nothing references any more, without node being started with --expose-gc', async () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    let big: number[] | undefined = Array.from({ length: 100_000 }, (_, i) => i);
    const ref = new WeakRef(big);
    big = undefined;
    // A WeakRef's target survives until the end of the job that read it: let that job end first.
    await new Promise((r) => setImmediate(r));
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
    collectGarbage(); // the second call reuses the function
  });
});
