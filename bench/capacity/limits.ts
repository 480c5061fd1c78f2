import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BENCH_ROOT } from '../lib/build';

/**
 * The documented platform limits and the dated price table the capacity model checks against
 * (bench/capacity/limits.json: each figure with its source, the date it was read and a quote).
 */
export const LIMIT_KINDS = ['hard', 'raisable', 'billing', 'procedure'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

const cited = { source: z.string().startsWith('https://'), quote: z.string().min(1), note: z.string().optional() };

const limit = z.object({
  value: z.number().positive(),
  unit: z.string(),
  kind: z.enum(LIMIT_KINDS),
  copy: z.string(),
  growth: z.number().optional(),
  everyMinutes: z.number().optional(),
  ...cited,
});

const price = z.object({
  /** USD per `per` units; null when no price is published (the units are still counted). */
  value: z.number().nonnegative().nullable(),
  per: z.number().positive(),
  unit: z.string(),
  free: z.number().optional(),
  freePerDay: z.number().optional(),
  freePerMonth: z.number().optional(),
  minimumBytesPerRequest: z.number().optional(),
  ...cited,
});

const LIMIT_NAMES = [
  'firestoreSequentialIndexWrites',
  'firestoreRamp',
  'firestoreIndexEntriesPerDocument',
  'pubsubPublishThroughput',
  'pubsubMessageBytes',
  'pubsubMessagesPerPublish',
  'pubsubPushDeadline',
  'eventarcEventBytes',
  'functionsEventTimeout',
  'functionsHttpTimeout',
  'functionsMaxInstances',
  'functionsConcurrency',
  'schedulerAttemptDeadline',
  'schedulerGranularity',
  'driveUnitsPerMinute',
  'driveUnitsPerMinutePerUser',
  'driveDailyBillingThreshold',
  'driveEgressPerDay',
  'secretManagerAccessesPerMinute',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

const PRICE_NAMES = [
  'firestoreRead',
  'firestoreWrite',
  'firestoreStorage',
  'runVcpuSecond',
  'runGibSecond',
  'runRequest',
  'pubsubThroughput',
  'schedulerJob',
  'secretAccess',
  'secretVersion',
  'loggingIngestion',
  'driveUnits',
] as const;
export type PriceName = (typeof PRICE_NAMES)[number];

export const DRIVE_BUCKETS = ['read', 'list', 'download', 'modify', 'other'] as const;

const limitsFileSchema = z.object({
  about: z.string(),
  read: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  limits: z.object(Object.fromEntries(LIMIT_NAMES.map((name) => [name, limit])) as Record<LimitName, typeof limit>),
  driveUnits: z.object({
    source: z.string(),
    quote: z.string(),
    units: z.object(Object.fromEntries(DRIVE_BUCKETS.map((bucket) => [bucket, z.number().positive()])) as Record<(typeof DRIVE_BUCKETS)[number], z.ZodNumber>),
    methods: z.record(z.string(), z.enum(DRIVE_BUCKETS)),
    assumed: z.array(z.string()),
    note: z.string(),
  }),
  prices: z.object({
    about: z.string(),
    read: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    ...(Object.fromEntries(PRICE_NAMES.map((name) => [name, price])) as Record<PriceName, typeof price>),
  }),
});

export type PlatformLimits = z.infer<typeof limitsFileSchema>;
export type Limit = z.infer<typeof limit>;
export type Price = z.infer<typeof price>;

export const LIMITS_FILE = join(BENCH_ROOT, 'capacity', 'limits.json');

export function loadLimits(file = LIMITS_FILE): PlatformLimits {
  const parsed = limitsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
