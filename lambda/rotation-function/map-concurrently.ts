/**
 * Runs `work` over `items` with at most `limit` running at once, and returns the results in the items' order.
 * A slow item holds up only its own slot: the others go on taking the next items. `work` must not throw
 * (the invocation turns every failure into a result), so one failure never leaves the others unfinished.
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
