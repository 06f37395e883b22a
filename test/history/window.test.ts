import { describe, expect, it } from 'vitest';
import { lastFullQuarter, makeWindow, resolveWindow } from '../../src/history/window.js';
import { sparkline, signed } from '../../src/history/text-table.js';
import { parseSnapshot } from '../../src/history/schema.js';

describe('review window', () => {
  it.each([
    ['2026-11-27T00:00:00Z', '2026-07-01', '2026-09-30', '2026-Q3'],
    ['2026-10-01T00:00:00Z', '2026-07-01', '2026-09-30', '2026-Q3'],
    ['2026-09-30T23:59:59Z', '2026-04-01', '2026-06-30', '2026-Q2'],
    ['2026-01-15T00:00:00Z', '2025-10-01', '2025-12-31', '2025-Q4'],
  ])('latest run %s → %s … %s (%s)', (asOf, from, to, label) => {
    expect(lastFullQuarter(asOf)).toMatchObject({ from, to, label });
  });

  it('a window that is not a quarter is named by its dates; --to is inclusive', () => {
    const w = resolveWindow([], '2026-08-01', '2026-08-31');
    expect(w).toMatchObject({ label: '2026-08-01_2026-08-31', endMs: Date.parse('2026-09-01T00:00:00Z') });
    expect(makeWindow(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-04-01T00:00:00Z')).label).toBe('2026-Q1');
  });

  it('needs runs, or both ends', () => {
    expect(() => resolveWindow([], '2026-08-01')).toThrow(/no readable runs/);
    expect(() => resolveWindow([], '2026-08-31', '2026-08-01')).toThrow(/before --from/);
  });
});

describe('helpers', () => {
  it('sparkline scales to at least the floor and shows gaps', () => {
    expect(sparkline([0, 0.5, 1, null, 2], 1)).toBe('▁▃▅·█');
    expect(sparkline([0.1, 0.1], 1)).toBe('▂▂');
  });
  it('signed numbers use a real minus and collapse to 0', () => {
    expect([signed(1.234), signed(-0.5), signed(0.001)]).toEqual(['+1.23', '−0.50', '0']);
  });
  it('snapshot reader: rejects non-objects, unknown versions; fills defaults', () => {
    expect(parseSnapshot('[]')).toMatchObject({ ok: false, reason: 'not a JSON object' });
    expect(parseSnapshot('{"schemaVersion":"1"}')).toMatchObject({ ok: false, reason: 'unsupported schemaVersion "1"' });
    expect(parseSnapshot('{"schemaVersion":1,"asOf":"2026-01-01T00:00:00Z"}')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a valid snapshot: assets: /) });
    const r = parseSnapshot('{"schemaVersion":1,"asOf":"2026-01-01T00:00:00Z","assets":[{"id":"x","risk":2,"findings":[{"id":"f"}]}],"future":true}');
    expect(r).toMatchObject({
      ok: true,
      snapshot: { policyHash: 'unknown', assets: [{ id: 'x', status: 'UNKNOWN', coverage: null, findings: [{ id: 'f', status: 'open', excluded: null }] }] },
    });
  });
});
