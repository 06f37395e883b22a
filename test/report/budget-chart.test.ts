import { describe, expect, it } from 'vitest';
import { budgetChart, budgetUsedText } from '../../src/report/budget-chart.js';
import type { AssetResult } from '../../src/scoring/types.js';
import { makeAsset } from '../builders.js';

const at = (id: string, budgetUsed: number) => ({ asset: makeAsset({ id }), budgetUsed }) as AssetResult;
const barOf = (chart: string, id: string) => /│([^│]*)│/.exec(chart.split('\n').find((l) => l.startsWith(id))!)![1]!.trimEnd();

describe('budget chart and budget used', () => {
  it.each([
    [0.925, '92.5 %'],
    [1, '100.0 %'],
    [1.44, '1.4× budget'],
    [42.96, '43× budget'],
  ])('%s reads %s', (used, text) => {
    expect(budgetUsedText(used)).toBe(text);
  });

  it('keeps differences visible past 100 %: 2×, 5× and 40× get three different bars, longest last', () => {
    const chart = budgetChart([at('a', 2), at('b', 5), at('c', 40), at('d', 0.5)]);
    const bars = ['d', 'a', 'b', 'c'].map((id) => barOf(chart, id).length);
    expect(new Set(bars).size).toBe(4);
    expect([...bars].sort((x, y) => x - y)).toEqual(bars);
    // The axis ends at the next round multiple (50×): 40× is 20 + 20 × ln 40 / ln 50 ≈ 38.9 cells.
    expect(barOf(chart, 'c')).toHaveLength(39);
    expect(chart).toContain('logarithmic from there to 50×');
  });
});
