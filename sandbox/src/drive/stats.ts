/**
 * Per-user call counts, for tests ("exactly one upload") and benches ("calls per user").
 * Method names are Drive's discovery ids without the "drive." prefix.
 */
export const DRIVE_METHODS = [
  'files.list',
  'files.get',
  'files.create',
  'files.update',
  'files.delete',
  'changes.getStartPageToken',
  'changes.list',
  'about.get',
] as const;
export type DriveMethod = (typeof DRIVE_METHODS)[number];

export interface DriveUserStats {
  totalCalls: number;
  calls: Partial<Record<DriveMethod, number>>;
  /** Calls that carried file content (multipart, media, resumable). */
  uploads: number;
  /** alt=media downloads. */
  downloads: number;
  /** Calls answered with an injected fault instead of being served. */
  injectedFaults: number;
}

const emptyStats = (): DriveUserStats => ({ totalCalls: 0, calls: {}, uploads: 0, downloads: 0, injectedFaults: 0 });

export class StatsRecorder {
  private readonly perUser = new Map<string, DriveUserStats>();

  call(sub: string, method: DriveMethod): void {
    const stats = this.of(sub);
    stats.totalCalls += 1;
    stats.calls[method] = (stats.calls[method] ?? 0) + 1;
  }

  upload(sub: string): void {
    this.of(sub).uploads += 1;
  }

  download(sub: string): void {
    this.of(sub).downloads += 1;
  }

  fault(sub: string): void {
    this.of(sub).injectedFaults += 1;
  }

  snapshot(sub: string): DriveUserStats {
    return structuredClone(this.perUser.get(sub) ?? emptyStats());
  }

  all(): Record<string, DriveUserStats> {
    return Object.fromEntries([...this.perUser].map(([sub, stats]) => [sub, structuredClone(stats)]));
  }

  reset(): void {
    this.perUser.clear();
  }

  private of(sub: string): DriveUserStats {
    let stats = this.perUser.get(sub);
    if (!stats) {
      stats = emptyStats();
      this.perUser.set(sub, stats);
    }
    return stats;
  }
}
