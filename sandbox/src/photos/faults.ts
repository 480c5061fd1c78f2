import type { PhotosFaults } from '../admin/admin-schemas';
import { seededRandom } from '../seeded-random';
import type { PhotosMethod } from './methods';
import { type PhotosError, photosErrors } from './photos-error';

export const DEFAULT_PHOTOS_SEED = 20250331;

/** 429s always say when to come back (Google asks for at least 30 s; tests want less). */
const DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS = 1;

/**
 * The Photos APIs' fault switchboard, set through the admin API's `set-faults` under `photos`:
 * `failNext` (deterministic, optionally for one method), rates drawn from a seeded generator
 * (a soak replays the same faults), and latency added before every answer.
 */
export class PhotosFaultInjector {
  private settings: PhotosFaults = {};
  private random: () => number;

  constructor(private readonly seed: number = DEFAULT_PHOTOS_SEED) {
    this.random = seededRandom(seed);
  }

  set(settings: PhotosFaults): void {
    this.settings = structuredClone(settings);
  }

  current(): PhotosFaults {
    return structuredClone(this.settings);
  }

  latencyMs(): number {
    return this.settings.latencyMs ?? 0;
  }

  /** The fault this call meets, if any; consumes one `failNext` that applies to it. */
  nextFault(method: PhotosMethod): PhotosError | undefined {
    const next = this.settings.failNext;
    if (next && next.count > 0 && (next.method === undefined || next.method === method)) {
      next.count -= 1;
      return errorFor(next.status, next.retryAfterSeconds);
    }
    const serverErrorRate = this.settings.status5xxRate ?? 0;
    const rateLimitRate = this.settings.rateLimitRate ?? 0;
    if (serverErrorRate === 0 && rateLimitRate === 0) return undefined;
    // One draw for both rates, so that they add up instead of shadowing each other.
    const draw = this.random();
    if (draw < serverErrorRate) return errorFor(503, this.settings.retryAfterSeconds);
    if (draw < serverErrorRate + rateLimitRate) return errorFor(429, this.settings.retryAfterSeconds);
    return undefined;
  }

  reset(): void {
    this.settings = {};
    this.random = seededRandom(this.seed);
  }
}

function errorFor(status: number, retryAfterSeconds: number | undefined): PhotosError {
  if (status === 429) return photosErrors.resourceExhausted(retryAfterSeconds ?? DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS);
  return photosErrors.serverError(status, retryAfterSeconds);
}
