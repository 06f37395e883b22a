import { describe, expect, it } from 'vitest';
import { FindingStore } from '../../src/collectors/store.js';
import { endMs, firstSeenMs } from '../../src/model/finding.js';
import { makeFinding } from '../builders.js';

/** One finding per id, the most recently updated copy; interned; times as numbers. */

describe('FindingStore', () => {
  it('keeps the most recently updated copy of an id, whatever the arrival order', () => {
    const old = makeFinding({ nativeId: 'a', title: 'old', updatedAt: '2026-11-20T00:00:00.000Z' });
    const newer = { ...old, title: 'new', updatedAt: '2026-11-21T00:00:00.001Z' };
    for (const order of [
      [old, newer],
      [newer, old],
    ]) {
      const store = new FindingStore();
      for (const f of order) store.add(f);
      const out = store.drain();
      expect(out.map((f) => [f.id, f.title])).toEqual([[old.id, 'new']]);
      expect(store.drain()).toEqual([]);
    }
  });

  it('shares equal values between findings and keeps times as epoch ms', () => {
    const store = new FindingStore();
    store.add(makeFinding({ nativeId: 'x', cves: ['CVE-2026-1'], firstSeen: '2026-11-01T00:00:00.250Z', updatedAt: '2026-11-02T00:00:00Z' }));
    store.add(makeFinding({ nativeId: 'y', cves: ['CVE-2026-1'], status: 'fixed', closedAt: '2026-11-03T00:00:00Z' }));
    const [x, y] = store.drain();
    expect(x!.cves).toBe(y!.cves);
    expect(x!.aws).toBe(y!.aws);
    expect(x!.firstSeenMs).toBe(Date.parse('2026-11-01T00:00:00.250Z'));
    expect(firstSeenMs(x!)).toBe(Date.parse(x!.firstSeen));
    expect(endMs(x!)).toBe(Date.parse('2026-11-02T00:00:00Z'));
    expect(endMs(y!)).toBe(Date.parse('2026-11-03T00:00:00Z'));
  });
});

describe('firstSeenMs / endMs of a plain finding', () => {
  it('parse the text when the finding carries no numbers', () => {
    const f = makeFinding({ firstSeen: '2026-11-01T00:00:00Z', updatedAt: '2026-11-05T00:00:00Z' });
    expect(firstSeenMs(f)).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(endMs(f)).toBe(Date.parse('2026-11-05T00:00:00Z'));
    expect(endMs({ ...f, closedAt: '2026-11-04T00:00:00Z' })).toBe(Date.parse('2026-11-04T00:00:00Z'));
  });
});
