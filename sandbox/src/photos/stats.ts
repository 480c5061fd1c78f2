import type { PhotosMethod } from './methods';

/** Photos call counts, overall and per user, for tests ("exactly one batchCreate") and benches. */
export interface PhotosCallCounts {
  totalCalls: number;
  calls: Partial<Record<PhotosMethod, number>>;
  /** Calls answered with an injected fault instead of being served. */
  faultsInjected: number;
}

export interface PhotosStats extends PhotosCallCounts {
  /** The same, for each user (sub) whose token the sandbox accepted. */
  users: Record<string, PhotosCallCounts>;
}

const emptyCounts = (): PhotosCallCounts => ({ totalCalls: 0, calls: {}, faultsInjected: 0 });

export class PhotosStatsRecorder {
  private overall = emptyCounts();
  private readonly perUser = new Map<string, PhotosCallCounts>();

  call(method: PhotosMethod, sub: string | undefined): void {
    for (const counts of this.targets(sub)) {
      counts.totalCalls += 1;
      counts.calls[method] = (counts.calls[method] ?? 0) + 1;
    }
  }

  fault(sub: string | undefined): void {
    for (const counts of this.targets(sub)) counts.faultsInjected += 1;
  }

  snapshot(): PhotosStats {
    return { ...structuredClone(this.overall), users: Object.fromEntries([...this.perUser].map(([sub, counts]) => [sub, structuredClone(counts)])) };
  }

  reset(): void {
    this.overall = emptyCounts();
    this.perUser.clear();
  }

  private targets(sub: string | undefined): PhotosCallCounts[] {
    if (sub === undefined) return [this.overall];
    let own = this.perUser.get(sub);
    if (!own) {
      own = emptyCounts();
      this.perUser.set(sub, own);
    }
    return [this.overall, own];
  }
}
