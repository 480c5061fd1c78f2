import { z } from 'zod';

/**
 * The message a dispatcher tick publishes to DISPATCH_TOPIC for each shard, pushed back to the
 * dispatcher, which then claims that shard only. Also what an operator may POST by hand.
 */
export const shardMessageSchema = z.strictObject({ shard: z.number().int().min(0) });

export type ShardMessage = z.infer<typeof shardMessageSchema>;

export function encodeShardMessage(message: ShardMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}
