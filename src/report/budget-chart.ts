import { times } from '../scoring/status.js';
import type { AssetResult } from '../scoring/types.js';
import { bar, maxOf, pct } from './format.js';

/** "92.5 %" within budget; "1.4× budget", "43× budget" over it — read at a glance. */
export const budgetUsedText = (used: number): string => (used > 1 ? `${times(used)} budget` : pct(used));

const NICE = [2, 5, 10, 20, 50, 100, 200, 500, 1000];

/**
 * A text bar chart of budget used: it reads faster than the table, renders anywhere, and stays
 * deterministic. Linear up to 100 % (the left half), logarithmic beyond it up to a round multiple
 * of the budget, so one runaway asset neither flattens the others nor makes every breach the same bar.
 */
export function budgetChart(assets: readonly AssetResult[]): string {
  const WIDTH = 40;
  const HALF = WIDTH / 2;
  const rows = [...assets].sort((a, b) => b.budgetUsed - a.budgetUsed || (a.asset.id < b.asset.id ? -1 : 1));
  const worst = Math.max(1, ...rows.map((a) => a.budgetUsed));
  const axisMax = NICE.find((n) => n >= worst) ?? Math.ceil(worst);
  const width = maxOf(
    rows.map((a) => a.asset.id.length),
    5,
  );
  const cells = (used: number) => (used <= 1 ? used * HALF : HALF + (HALF * Math.log(used)) / Math.log(axisMax));
  const lines = rows.map((a) => {
    const b = bar(cells(a.budgetUsed), WIDTH, WIDTH);
    return `${a.asset.id.padEnd(width)} │${b.padEnd(WIDTH)}│ ${budgetUsedText(a.budgetUsed).padStart(11)}`;
  });
  const axis = `${''.padEnd(width)} └${'─'.repeat(HALF - 1)}┴${'─'.repeat(HALF)}┘`;
  const labels = `${''.padEnd(width)}  ${'100 %'.padStart(HALF + 2)}${`${axisMax}×`.padStart(HALF - 1)}`;
  return ['```text', ...lines, axis, labels, '```', '', `Linear to 100 % of the budget, logarithmic from there to ${axisMax}×.`].join('\n');
}
