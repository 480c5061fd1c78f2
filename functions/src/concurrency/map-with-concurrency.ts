import { createLanes } from './lanes';

/** Maps over items with at most `limit` calls in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const lanes = createLanes(limit);
  return Promise.all(items.map((item, index) => lanes.run(() => fn(item, index))));
}
