import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_GROWTH_PERCENT, heapGrowthPercent } from '../../src/cli/heap.js';

describe('heap growth (src/cli/heap.ts)', () => {
  it('tightens V8 heap growth by default', () => {
    expect(heapGrowthPercent([], {})).toBe(DEFAULT_HEAP_GROWTH_PERCENT);
    expect(heapGrowthPercent([], { SECSLI_HEAP_GROWTH: '' })).toBe(DEFAULT_HEAP_GROWTH_PERCENT);
  });

  it('leaves the heap alone when the user gave node a heap flag, in its arguments or NODE_OPTIONS', () => {
    expect(heapGrowthPercent(['--max-old-space-size=4096'], {})).toBeUndefined();
    expect(heapGrowthPercent(['--heap-growing-percent=50'], {})).toBeUndefined();
    expect(heapGrowthPercent([], { NODE_OPTIONS: '--enable-source-maps --max_old_space_size=900' })).toBeUndefined();
    expect(heapGrowthPercent(['--enable-source-maps'], { NODE_OPTIONS: '--no-warnings' })).toBe(DEFAULT_HEAP_GROWTH_PERCENT);
  });

  it('takes SECSLI_HEAP_GROWTH: a percentage, 0 or anything unreadable for V8 own heuristic', () => {
    expect(heapGrowthPercent([], { SECSLI_HEAP_GROWTH: '50' })).toBe(50);
    expect(heapGrowthPercent([], { SECSLI_HEAP_GROWTH: '0' })).toBeUndefined();
    expect(heapGrowthPercent([], { SECSLI_HEAP_GROWTH: 'lots' })).toBeUndefined();
    expect(heapGrowthPercent([], { SECSLI_HEAP_GROWTH: '-5' })).toBeUndefined();
    expect(heapGrowthPercent([], { SECSLI_HEAP_GROWTH: '12.5' })).toBeUndefined();
  });
});
