import { z } from 'zod';

/**
 * The Pub/Sub message between dispatcher and workers: a batch of users, each with the dispatch id
 * the dispatcher wrote on the user's document. Versioned so old messages stay readable.
 */
export const workMessageSchema = z.object({
  v: z.literal(1),
  users: z
    .array(z.object({ userId: z.string().min(1).max(256), dispatchId: z.string().min(1).max(64) }))
    .min(1)
    .max(1000),
});

export type WorkMessage = z.infer<typeof workMessageSchema>;

export function encodeWorkMessage(message: WorkMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}

/** Undefined for anything that is not a well-formed work message (logged and dropped by the worker). */
export function decodeWorkMessage(data: Buffer): WorkMessage | undefined {
  try {
    const parsed = workMessageSchema.safeParse(JSON.parse(data.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
