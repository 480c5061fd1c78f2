import type { DriveState } from '../drive-state';
import type { DefaultFaults, UserFaults } from '../faults';
import type { DriveUserStats } from '../stats';
import { DEFAULT_STORAGE_LIMIT, type DriveStorage, type StorageLimit, storageLimitSchema } from '../storage-quota';
import { type DriveFileSnapshot, snapshotOf } from './file-snapshot';

export interface PutFileInput {
  readonly name: string;
  readonly mimeType: string;
  readonly content: Buffer;
  readonly appProperties?: Readonly<Record<string, string>>;
  /** Default: the app data folder, where the mobile app puts its photos. */
  readonly parents?: readonly string[];
  /** As if Drive had flagged the file as malware or spam: only `acknowledgeAbuse=true` downloads it. */
  readonly abusive?: boolean;
}

/**
 * The sandbox's back door, for tests, benches and the demo: seed a user's Drive as the mobile app
 * would, read it back whole, steer faults and latency, count calls. The same operations are served
 * over HTTP under /__admin/drive/ (see admin-routes.ts).
 */
export interface DriveAdmin {
  putFile(sub: string, input: PutFileInput): DriveFileSnapshot;
  listFiles(sub: string, options?: { includeContent?: boolean }): DriveFileSnapshot[];
  /** Replaces the user's faults (latency, failNext, rates). */
  setUserFaults(sub: string, faults: UserFaults): void;
  clearUserFaults(sub: string): void;
  /**
   * The user's storage limit in bytes (`null`: unlimited); writes past it answer 403
   * `storageQuotaExceeded`. Files put here are never refused, so a test can fill a Drive.
   */
  setUserStorageLimit(sub: string, limitBytes: StorageLimit): DriveStorage;
  /** Back to Google's free 15 GiB. */
  clearUserStorageLimit(sub: string): void;
  /** Latency and rates for every user without faults of their own; `seed` reseeds the rates' generator. */
  setDefaultFaults(faults: DefaultFaults): void;
  stats(sub: string): DriveUserStats;
  allStats(): Record<string, DriveUserStats>;
  /** Forgets every file, fault, storage limit, statistic and open upload. */
  reset(): void;
}

export function createDriveAdmin(state: DriveState): DriveAdmin {
  return {
    putFile(sub, input) {
      const file = state.driveOf(sub).create(
        {
          name: input.name,
          mimeType: input.mimeType,
          content: Buffer.from(input.content),
          appProperties: input.appProperties ?? {},
          parents: input.parents ?? ['appDataFolder'],
          abusive: input.abusive,
        },
        { ignoreStorageLimit: true },
      );
      return snapshotOf(file, false);
    },
    listFiles(sub, options = {}) {
      return state
        .driveOf(sub)
        .all()
        .map((file) => snapshotOf(file, options.includeContent ?? false));
    },
    setUserFaults: (sub, faults) => state.faults.setUser(sub, faults),
    clearUserFaults: (sub) => state.faults.clearUser(sub),
    setUserStorageLimit(sub, limitBytes) {
      const drive = state.driveOf(sub);
      drive.storageLimit = storageLimitSchema.parse({ limitBytes }).limitBytes;
      return { limitBytes: drive.storageLimit, usageBytes: drive.usageBytes() };
    },
    clearUserStorageLimit(sub) {
      state.driveOf(sub).storageLimit = DEFAULT_STORAGE_LIMIT;
    },
    setDefaultFaults: (faults) => state.faults.setDefaults(faults),
    stats: (sub) => state.stats.snapshot(sub),
    allStats: () => state.stats.all(),
    reset: () => state.reset(),
  };
}
