import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what was live at its last full collection before it collects
 * again. V8 picks the factor itself, up to 4× when collections are cheap next to the program's
 * work — which is what a score run looks like: at a million findings about 0.8 GB is live after
 * scoring, the old generation was allowed to grow to 2 GB of mostly garbage, and the process peaked
 * at 2.3 GB RSS. With 20 % the same run peaks near live + 20 % for a few more full collections
 * (docs/benchmarks.md has the trade measured). V8's flag `--heap-growing-percent` is read at every
 * collection, so setting it at start-up takes effect (Node's bin shims cannot pass node flags).
 *
 * A heap flag the user gave node (NODE_OPTIONS, or node's own arguments) wins; SECSLI_HEAP_GROWTH
 * sets the percentage (0: leave V8's own heuristic).
 */
export const DEFAULT_HEAP_GROWTH_PERCENT = 20;

const USER_HEAP_FLAG = /--(heap[-_]growing[-_]percent|max[-_]old[-_]space[-_]size)\b/;

/** The percentage to set, or undefined to leave V8 as it is. */
export function heapGrowthPercent(execArgv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  if (execArgv.some((a) => USER_HEAP_FLAG.test(a)) || USER_HEAP_FLAG.test(env.NODE_OPTIONS ?? '')) return undefined;
  const asked = env.SECSLI_HEAP_GROWTH;
  if (asked === undefined || asked === '') return DEFAULT_HEAP_GROWTH_PERCENT;
  const n = Number(asked);
  // An unreadable value is not worth failing a scheduled run over: V8's own heuristic then.
  return Number.isInteger(n) && n > 0 && n <= 1000 ? n : undefined;
}

export function tightenHeapGrowth(execArgv: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): void {
  const percent = heapGrowthPercent(execArgv, env);
  if (percent !== undefined) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
