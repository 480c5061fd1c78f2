import { z } from 'zod';
import { PHOTOS_METHODS } from '../photos/methods';
import { SandboxAdminError } from './admin-error';

/**
 * One schema per admin operation, used by the in-process API and the HTTP one alike, so a test
 * and a curl-driven demo get the same validation and the same error codes.
 */
const nonEmpty = () => z.string().min(1, 'must not be empty');
const rate = () => z.number().min(0).max(1);
const seconds = () => z.number().int().min(0);

export const mintCodeSchema = z.strictObject({
  sub: nonEmpty(),
  email: nonEmpty(),
  name: z.string().optional(),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  picture: z.string().optional(),
  locale: z.string().optional(),
  emailVerified: z.boolean().optional(),
  scopes: z.array(nonEmpty()),
  /** The app asked for `prompt=consent`: the exchange answers with a refresh token again. */
  forceConsent: z.boolean().optional(),
  /** Defaults to the first configured client. */
  clientId: z.string().optional(),
  /** Defaults to "" (no redirect URI, as for iOS server auth codes). */
  redirectUri: z.string().optional(),
  /** The ID token's `azp` (e.g. the iOS client id); defaults to the exchanging client. */
  authorizedParty: z.string().optional(),
});
export type MintCodeInput = z.input<typeof mintCodeSchema>;

export const userSchema = z.strictObject({ sub: nonEmpty(), clientId: z.string().optional() });

export const kidSchema = z.strictObject({ kid: nonEmpty() });

export const lifetimeSchema = z.strictObject({ seconds: z.number().int().min(1).max(86_400) });

const failNextSchema = z.strictObject({
  count: z.number().int().min(0),
  status: z
    .number()
    .int()
    .refine((status) => status === 429 || (status >= 500 && status <= 599), 'must be 429 or 5xx'),
  retryAfterSeconds: seconds().optional(),
});

const endpointFaultsSchema = z
  .strictObject({
    status5xxRate: rate().optional(),
    rateLimitRate: rate().optional(),
    retryAfterSeconds: seconds().optional(),
    hang: z.boolean().optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    failNext: failNextSchema.optional(),
  })
  .refine((faults) => (faults.status5xxRate ?? 0) + (faults.rateLimitRate ?? 0) <= 1, 'rates must add up to at most 1');

/** Faults of the Photos APIs (Picker, Library, base-URL downloads); `failNext.method` narrows it to one call. */
export const photosFaultsSchema = z
  .strictObject({
    failNext: failNextSchema.extend({ method: z.enum(PHOTOS_METHODS).optional() }).optional(),
    status5xxRate: rate().optional(),
    rateLimitRate: rate().optional(),
    retryAfterSeconds: seconds().optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
  })
  .refine((faults) => (faults.status5xxRate ?? 0) + (faults.rateLimitRate ?? 0) <= 1, 'rates must add up to at most 1');
export type PhotosFaults = z.infer<typeof photosFaultsSchema>;

export const faultSettingsSchema = z.strictObject({ tokenEndpoint: endpointFaultsSchema.optional(), photos: photosFaultsSchema.optional() });

/** One picked item: its bytes (base64) and what Google Photos knows about it. */
const pickedItemSchema = z.strictObject({
  filename: nonEmpty(),
  mimeType: nonEmpty(),
  /** Default: VIDEO for video/* MIME types, PHOTO otherwise. */
  type: z.enum(['PHOTO', 'VIDEO']).optional(),
  base64: z.base64(),
  /** Default: read from a PNG or JPEG header, else 0. */
  width: z.number().int().min(0).optional(),
  height: z.number().int().min(0).optional(),
});
export const photosPickSchema = z.strictObject({ sessionId: nonEmpty(), items: z.array(pickedItemSchema).min(1) });
export type PhotosPickInput = z.input<typeof photosPickSchema>;

export const photosSessionSchema = z.strictObject({ sessionId: nonEmpty() });

export const photosSessionTimingSchema = z.strictObject({
  pollIntervalSeconds: z.number().min(0.001).max(3600).optional(),
  timeoutInSeconds: z.number().min(0.001).max(86_400).optional(),
});
export type PhotosSessionTiming = z.input<typeof photosSessionTimingSchema>;

export const mintIdTokenSchema = z.strictObject({
  /** Claims to set or (with null) remove, on top of a complete, valid set. */
  claims: z.record(z.string(), z.unknown()).optional(),
  /** "foreign" signs with a key the sandbox never publishes: a forgery. */
  signWith: z.enum(['sandbox', 'foreign']).optional(),
  /** Header `kid`; defaults to the current sandbox kid (also for forgeries). */
  kid: z.string().optional(),
});
export type MintIdTokenInput = z.input<typeof mintIdTokenSchema>;

export function parseAdminInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
  throw new SandboxAdminError('invalid_argument', problems.join('; '));
}
