import type { DriveSpace } from './model';

export interface ChangeEntry {
  readonly changeId: number;
  readonly fileId: string;
  readonly space: DriveSpace;
  /** True once the file is permanently deleted (trashing is an ordinary change). */
  readonly removed: boolean;
  readonly time: number;
}

/**
 * One user's change feed. Drive reports only the latest change per file (a file modified three
 * times since your token shows up once, with its current state), so a new change replaces the
 * file's earlier entry and moves it to the end. Map insertion order is change-id order.
 */
export class ChangeLog {
  private nextChangeId = 1;
  private readonly latestByFile = new Map<string, ChangeEntry>();

  record(fileId: string, space: DriveSpace, removed: boolean, time: number): ChangeEntry {
    const entry: ChangeEntry = { changeId: this.nextChangeId, fileId, space, removed, time };
    this.nextChangeId += 1;
    this.latestByFile.delete(fileId);
    this.latestByFile.set(fileId, entry);
    return entry;
  }

  /** The token that lists everything that happens from now on. */
  startPageToken(): number {
    return this.nextChangeId;
  }

  isValidToken(token: number): boolean {
    return Number.isSafeInteger(token) && token >= 1 && token <= this.nextChangeId;
  }

  /** Entries at or after `token` that pass `keep`, oldest first, at most `limit` (+1 to tell if more remain). */
  since(token: number, keep: (entry: ChangeEntry) => boolean, limit: number): ChangeEntry[] {
    const found: ChangeEntry[] = [];
    for (const entry of this.latestByFile.values()) {
      if (entry.changeId < token || !keep(entry)) continue;
      found.push(entry);
      if (found.length >= limit) break;
    }
    return found;
  }
}
