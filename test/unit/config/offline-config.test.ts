import { loadDispatchConfig, loadWorkerConfig } from '../../../functions/src/config';
import { loadDriveConfig } from '../../../functions/src/drive/drive-config';
import { loadPhotosConfig } from '../../../functions/src/google-photos/photos-config';

describe('offline configuration', () => {
  it('needs a valid topic for the dispatcher and has sensible defaults', () => {
    expect(() => loadDispatchConfig({})).toThrow(/OFFLINE_WORK_TOPIC is required/);
    expect(() => loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'a' })).toThrow(/OFFLINE_WORK_TOPIC/);
    expect(loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'offline-work' })).toMatchObject({
      topic: 'offline-work',
      dispatchTopic: undefined,
      shards: 16,
      shardRate: 400,
      batchSize: 50,
      maxUsersPerRun: 20_000,
      runBudgetSeconds: 50,
    });
  });

  it('reads the dispatch topic and the due index, and names the variable it refuses', () => {
    expect(loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'offline-work', DISPATCH_TOPIC: 'offline-work-dispatch', DUE_SHARDS: '64', DISPATCH_SHARD_RATE: '200' })).toMatchObject({
      dispatchTopic: 'offline-work-dispatch',
      shards: 64,
      shardRate: 200,
    });
    expect(loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'offline-work', DISPATCH_TOPIC: '' }).dispatchTopic).toBeUndefined();
    expect(() => loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'offline-work', DISPATCH_TOPIC: 'x' })).toThrow(/DISPATCH_TOPIC/);
    expect(() => loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'offline-work', DISPATCH_TOPIC: 'offline-work' })).toThrow(/DISPATCH_TOPIC must not be OFFLINE_WORK_TOPIC/);
    expect(() => loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'offline-work', DUE_SHARDS: '1001' })).toThrow(/DUE_SHARDS/);
    expect(() => loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'offline-work', DUE_SHARDS: '0' })).toThrow(/DUE_SHARDS/);
    expect(() => loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'offline-work', DISPATCH_SHARD_RATE: 'fast' })).toThrow(/DISPATCH_SHARD_RATE/);
  });

  it('defaults the lease to the worker timeout plus a margin and refuses a shorter one', () => {
    expect(loadWorkerConfig({})).toMatchObject({ timeoutSeconds: 540, leaseSeconds: 600, concurrency: 32, intervalSeconds: 3600 });
    expect(() => loadWorkerConfig({ LEASE_SECONDS: '300' })).toThrow(/LEASE_SECONDS must be longer than WORKER_TIMEOUT_SECONDS/);
    expect(() => loadWorkerConfig({ WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY/);
  });

  it('lets the in-call retries of Drive and Photos be turned off, never made negative', () => {
    expect(loadDriveConfig({ DRIVE_MAX_RETRIES: '0' }).maxRetries).toBe(0);
    expect(loadPhotosConfig({ PHOTOS_MAX_RETRIES: '0' }).maxRetries).toBe(0);
    expect(() => loadDriveConfig({ DRIVE_MAX_RETRIES: '-1' })).toThrow(/DRIVE_MAX_RETRIES/);
    expect(() => loadPhotosConfig({ PHOTOS_MAX_RETRIES: '-1' })).toThrow(/PHOTOS_MAX_RETRIES/);
  });

  it('adds the trailing slash the Drive rootUrl needs', () => {
    expect(loadDriveConfig({ GOOGLE_API_ROOT_URL: 'http://127.0.0.1:9000' }).rootUrl).toBe('http://127.0.0.1:9000/');
  });
});
