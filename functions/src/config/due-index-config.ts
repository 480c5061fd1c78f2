import { z } from 'zod';
import { type Env, parseEnv, positiveInt } from './env-schema';

/**
 * The due index: every user document carries `shard`, drawn at random in [0, DUE_SHARDS) at first
 * sign-in and never changed, and the dispatcher queries shard by shard (Firestore's remedy for the
 * ~500 writes/s a sequential index range takes). DUE_SHARDS may only grow: the dispatcher keeps
 * serving every shard up to the largest count it has ever been configured with.
 */
export interface DueIndexConfig {
  shards: number;
}

/** Far more than 10 million hourly users need (see docs/capacity.md); each shard is one query per tick. */
export const MAX_DUE_SHARDS = 1000;
export const DEFAULT_DUE_SHARDS = 16;

export const dueIndexShape = {
  DUE_SHARDS: positiveInt(DEFAULT_DUE_SHARDS).pipe(z.number().max(MAX_DUE_SHARDS, `must be at most ${MAX_DUE_SHARDS}`)),
};

export function loadDueIndexConfig(env: Env = process.env): DueIndexConfig {
  return { shards: parseEnv(dueIndexShape, env).DUE_SHARDS };
}
