// Bounded concurrency over a list: file work per partition (opening, closing) goes to libuv's
// thread pool, where a few at once overlap their fsyncs while thousands at once would only queue.

/**
 * Calls `fn` for every item, at most `limit` calls running at once, starting in list order.
 * Every item is attempted even when some fail; then it rejects with the first failure.
 */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}
