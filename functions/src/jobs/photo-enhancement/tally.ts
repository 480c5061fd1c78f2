import type { PhotoOutcome } from './enhance-one';

export type TallyKey = PhotoOutcome | 'skipped' | 'pages';

const SUMMARY_NAMES: Readonly<Record<TallyKey, string>> = {
  enhanced: 'enhanced',
  linked_existing: 'linkedExisting',
  unsupported: 'unsupported',
  decoder_failed: 'decoderFailed',
  refused: 'refused',
  too_large: 'tooLarge',
  gone: 'gone',
  skipped: 'skipped',
  pages: 'pagesRead',
};

/** The run's counts, reported as the job summary (all keys present, so runs compare easily). */
export class Tally {
  private readonly counts = new Map<TallyKey, number>();

  add(key: TallyKey): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, name] of Object.entries(SUMMARY_NAMES)) out[name] = this.counts.get(key as TallyKey) ?? 0;
    return out;
  }
}
