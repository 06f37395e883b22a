/**
 * Runs `fn` over `items` with at most `limit` calls in flight (at least one), in item order of
 * start. The first rejection rejects the whole run; workers already running finish their item.
 * The one concurrency helper of the live collectors (Security Hub scopes, Dependabot repositories).
 */
export async function runLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < items.length) await fn(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
