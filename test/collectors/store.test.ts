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

describe('times in the store', () => {
  it('keep every text as written and its instant, canonical or not (the fast reader of canonical ISO agrees with Date)', () => {
    const texts = [
      '2026-11-27T00:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2026-02-29T00:00:00.000Z',
      '2026-04-31T10:00:00.000Z',
      '2026-12-31T23:59:59.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-11-27T24:00:00.000Z',
      '2026-11-27T00:60:00.000Z',
      '2026-11-27T00:00:00Z',
      '2026-11-27T00:00:00.000+00:00',
      '0999-01-01T00:00:00.000Z',
      '1000-01-01T00:00:00.000Z',
      '1999-12-31T23:59:59.999Z',
      '2026-1a-27T00:00:00.000Z',
      'not a time at all, 24 ch',
    ];
    for (let y = 1970; y <= 2100; y += 7) for (let m = 1; m <= 12; m++) texts.push(new Date(Date.UTC(y, m - 1, 28 + (m % 4), m, y % 60, m * 3, y % 1000)).toISOString());
    const store = new FindingStore();
    for (const [i, t] of texts.entries()) store.add(makeFinding({ id: `securityhub:t${i}`, firstSeen: t, updatedAt: t }));
    const out = store.drain();
    texts.forEach((t, i) => {
      const f = out[i]!;
      expect(f.firstSeen).toBe(t);
      expect(f.updatedAt).toBe(t);
      const ms = Date.parse(t);
      if (Number.isFinite(ms)) expect(firstSeenMs(f)).toBe(ms);
    });
  });
});
