import { z } from 'zod';
import { driveErrors } from './drive-error';

/**
 * A user's Drive storage limit, in bytes; `null` is unlimited storage (about.get then omits
 * `storageQuota.limit`, as Drive does). Every account starts with Google's free 15 GiB.
 */
export type StorageLimit = number | null;

export const DEFAULT_STORAGE_LIMIT: StorageLimit = 15 * 1024 ** 3;

/** Body of PUT /__admin/drive/users/{sub}/storage; `int()` also keeps the number a safe integer. */
export const storageLimitSchema = z.strictObject({
  limitBytes: z.number().int().min(0).nullable(),
});

/** A user's storage as the admin API reports it. */
export interface DriveStorage {
  readonly limitBytes: StorageLimit;
  readonly usageBytes: number;
}

/**
 * Refuses a write the way Drive does when storage runs out: one that adds bytes past the limit,
 * and, once the Drive is full, any new file at all (even an empty one, a folder). A write that adds
 * nothing (a metadata change, content that does not grow) always passes, so a user with a full
 * Drive can still tidy it up.
 */
export function assertStorageFor(limit: StorageLimit, usage: number, write: { addedBytes: number; newFile: boolean }): void {
  if (limit === null) return;
  const full = write.newFile && usage >= limit;
  if (full || (write.addedBytes > 0 && usage + write.addedBytes > limit)) throw driveErrors.storageQuotaExceeded();
}
