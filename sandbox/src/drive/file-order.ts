import { driveErrors } from './drive-error';
import type { StoredFile } from './model';

/**
 * `orderBy` for files.list: a comma-separated list of keys, each optionally followed by `desc`.
 * Every order ends with creation order, so listings (and page tokens) are stable.
 */
const ORDER_KEYS = ['createdTime', 'modifiedTime', 'name'] as const;
type OrderKey = (typeof ORDER_KEYS)[number];

export interface OrderTerm {
  readonly key: OrderKey;
  readonly descending: boolean;
}

export type SortKey = readonly (string | number)[];

export function parseOrderBy(raw: string | null): OrderTerm[] {
  if (raw === null || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const [key, direction, ...rest] = part.trim().split(/\s+/);
    const known = (ORDER_KEYS as readonly string[]).includes(key ?? '');
    if (!known || rest.length > 0 || (direction !== undefined && direction !== 'desc')) {
      throw driveErrors.invalidParameter('orderBy', `Invalid Value: the sandbox orders by ${ORDER_KEYS.join(', ')} (optionally desc)`);
    }
    return { key: key as OrderKey, descending: direction === 'desc' };
  });
}

export function sortKeyOf(file: StoredFile, order: readonly OrderTerm[]): SortKey {
  return [...order.map((term) => valueOf(file, term.key)), file.seq];
}

/** Negative when `a` comes first. The last element (creation order) is always ascending. */
export function compareSortKeys(a: SortKey, b: SortKey, order: readonly OrderTerm[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const left = a[i] as string | number;
    const right = b[i] as string | number;
    if (left === right) continue;
    const ascending = left < right ? -1 : 1;
    return order[i]?.descending ? -ascending : ascending;
  }
  return 0;
}

function valueOf(file: StoredFile, key: OrderKey): string | number {
  switch (key) {
    case 'createdTime':
      return file.createdTime;
    case 'modifiedTime':
      return file.modifiedTime;
    case 'name':
      return file.name.toLowerCase();
  }
}
