import { z } from 'zod';

export const mintAppCheckTokenSchema = z.strictObject({
  /** The Firebase app id (`sub`); defaults to the sandbox's iOS app. */
  appId: z.string().min(1).optional(),
  /** Claims to set or (with null) remove, on top of a complete, valid set. */
  claims: z.record(z.string(), z.unknown()).optional(),
  /** "foreign": a key the sandbox never publishes (a forgery); "none": unsigned, `alg: none`. */
  signWith: z.enum(['sandbox', 'foreign', 'none']).optional(),
  /** Header `kid`; defaults to the published key's. */
  kid: z.string().optional(),
  /** Header `typ`; defaults to "JWT" as Firebase writes it. */
  typ: z.string().optional(),
  /** Lifetime; Firebase's default is one hour. */
  ttlSeconds: z.number().int().min(1).max(7 * 24 * 3600).optional(),
});
export type MintAppCheckTokenInput = z.input<typeof mintAppCheckTokenSchema>;
