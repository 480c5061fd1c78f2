import { seededRandom } from '../seeded-random';
import { z } from 'zod';
import { DriveError, driveErrors } from './drive-error';
import { DRIVE_METHODS, type DriveMethod } from './stats';

/**
 * Fault injection, per user and as a default for everyone: deterministic `failNext` for tests,
 * probabilities drawn from a seeded generator for soaks, and latency for benches.
 */
const probability = z.number().min(0).max(1);
const retryAfterSeconds = z.number().int().min(0).max(3600);

export const failNextSchema = z.strictObject({
  count: z.number().int().positive(),
  status: z.union([z.literal(403), z.literal(429), z.literal(500), z.literal(502), z.literal(503)]),
  retryAfterSeconds: retryAfterSeconds.optional(),
  /** Only calls of this method meet the fault (the others pass untouched). */
  method: z.enum(DRIVE_METHODS).optional(),
  /**
   * The call is carried out, then answered with the fault: a write Drive made whose answer says it
   * failed (a backend error after the commit, as a lost answer looks to the client).
   */
  afterApplying: z.boolean().optional(),
});

export const faultRatesSchema = z
  .strictObject({
    userRateLimitExceeded: probability.optional(),
    rateLimitExceeded: probability.optional(),
    backendError: probability.optional(),
    retryAfterSeconds: retryAfterSeconds.optional(),
  })
  .refine((rates) => (rates.userRateLimitExceeded ?? 0) + (rates.rateLimitExceeded ?? 0) + (rates.backendError ?? 0) <= 1, {
    message: 'the rates must add up to at most 1',
  });

export const userFaultsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  failNext: failNextSchema.optional(),
  rates: faultRatesSchema.optional(),
  /**
   * Drive's search index lags behind its writes: files.list does not find a file created less
   * than this long ago (files.get and the changes feed do).
   */
  searchLagMs: z.number().int().min(0).max(600_000).optional(),
});

export const defaultFaultsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  rates: faultRatesSchema.optional(),
  /** Reseeds the generator the rates draw from, so a soak replays the same faults. */
  seed: z.number().int().optional(),
});

export type FailNext = z.infer<typeof failNextSchema>;
export type FaultRates = z.infer<typeof faultRatesSchema>;
export type UserFaults = z.infer<typeof userFaultsSchema>;
export type DefaultFaults = z.infer<typeof defaultFaultsSchema>;

export const DEFAULT_SEED = 20240501;

export class FaultInjector {
  private readonly perUser = new Map<string, UserFaults>();
  private defaults: Omit<DefaultFaults, 'seed'> = {};
  private random: () => number;

  constructor(seed: number = DEFAULT_SEED) {
    this.random = seededRandom(seed);
  }

  setUser(sub: string, faults: UserFaults): void {
    this.perUser.set(sub, structuredClone(userFaultsSchema.parse(faults)));
  }

  clearUser(sub: string): void {
    this.perUser.delete(sub);
  }

  setDefaults(faults: DefaultFaults): void {
    const { seed, ...rest } = defaultFaultsSchema.parse(faults);
    this.defaults = rest;
    if (seed !== undefined) this.random = seededRandom(seed);
  }

  userFaults(sub: string): UserFaults | undefined {
    return this.perUser.get(sub);
  }

  reset(seed: number = DEFAULT_SEED): void {
    this.perUser.clear();
    this.defaults = {};
    this.random = seededRandom(seed);
  }

  latencyFor(sub: string | undefined): number {
    const own = sub === undefined ? undefined : this.perUser.get(sub)?.latencyMs;
    return own ?? this.defaults.latencyMs ?? 0;
  }

  /** How far behind `sub`'s writes files.list is (0: not at all). */
  searchLagFor(sub: string): number {
    return this.perUser.get(sub)?.searchLagMs ?? 0;
  }

  /**
   * The fault this call of `sub` meets, if any; consumes one `failNext`. `afterApplying`: answer
   * it only once the call has been carried out.
   */
  nextFault(sub: string, method: DriveMethod): { error: DriveError; afterApplying: boolean } | undefined {
    const own = this.perUser.get(sub);
    if (own?.failNext && (own.failNext.method === undefined || own.failNext.method === method)) {
      const { status, retryAfterSeconds, afterApplying } = own.failNext;
      own.failNext.count -= 1;
      if (own.failNext.count <= 0) delete own.failNext;
      return { error: errorForStatus(status, retryAfterSeconds), afterApplying: afterApplying ?? false };
    }
    const rates = own?.rates ?? this.defaults.rates;
    const drawn = rates ? this.drawFault(rates) : undefined;
    return drawn && { error: drawn, afterApplying: false };
  }

  private drawFault(rates: FaultRates): DriveError | undefined {
    const draw = this.random();
    let threshold = rates.userRateLimitExceeded ?? 0;
    if (draw < threshold) return driveErrors.userRateLimitExceeded(rates.retryAfterSeconds);
    threshold += rates.rateLimitExceeded ?? 0;
    if (draw < threshold) return driveErrors.rateLimitExceeded(rates.retryAfterSeconds);
    threshold += rates.backendError ?? 0;
    if (draw < threshold) return driveErrors.backendError(500, rates.retryAfterSeconds);
    return undefined;
  }
}

function errorForStatus(status: FailNext['status'], retryAfter: number | undefined): DriveError {
  switch (status) {
    case 403:
      return driveErrors.userRateLimitExceeded(retryAfter);
    case 429:
      return driveErrors.rateLimitExceeded(retryAfter);
    default:
      return driveErrors.backendError(status, retryAfter);
  }
}

export { seededRandom };
