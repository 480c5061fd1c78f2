import type { Firestore } from '@google-cloud/firestore';
import { MAX_DUE_SHARDS } from '../../../functions/src/config/due-index-config';
import { readDispatcherRuns, recordDispatcherRun } from '../../../functions/src/offline/dispatch/dispatch-runs';
import type { ShardResult } from '../../../functions/src/offline/dispatch/dispatch-shard';
import { emulatorFirestore } from '../../support/firestore';

/** The dispatcher's record of its runs: one document per shard, however many shards a tick claims. */
describe('recordDispatcherRun', () => {
  let db: Firestore;
  beforeAll(() => {
    db = emulatorFirestore('dispatch-runs');
  });
  afterAll(() => db.terminate());

  it(`records a tick that claimed all ${MAX_DUE_SHARDS} shards itself, and its tick, all read back`, async () => {
    const users = `users-${Math.random().toString(36).slice(2, 8)}`;
    const results = Array.from({ length: MAX_DUE_SHARDS }, (_, shard) => ({ shard, dispatched: shard, truncated: false, oldestDueSeconds: 1, durationMs: 2 }) as unknown as ShardResult);

    await recordDispatcherRun(db, users, { trigger: 'tick', at: new Date(), results, tick: { shards: MAX_DUE_SHARDS, fannedOut: false } });

    const runs = await readDispatcherRuns(db, users, MAX_DUE_SHARDS);
    expect(runs.shards.filter((run) => run === undefined)).toEqual([]);
    expect(runs.shards.map((run) => run!.dispatched)).toEqual(results.map((r) => r.dispatched));
    expect(runs.tick).toMatchObject({ shards: MAX_DUE_SHARDS, fannedOut: false });
  });
});
