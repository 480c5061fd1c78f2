import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import {
  secretManagerKeySource,
  VaultError,
  type KeySource,
  type SecretManagerKeySourceOptions,
} from '../../../functions/src/tokens';
import { isUnreadableToken } from '../../../functions/src/tokens/key-failure';
import { addVersion, createSecret, type SecretManagerFixture, startSecretManagerFixture, uniqueSecretName } from './helpers/secret-manager-fixture';

/** The Secret Manager key source through the real client library against the local gRPC server. */
describe('Secret Manager key source', () => {
  let sm: SecretManagerFixture;
  let now: number;
  let waits: number[];
  beforeAll(async () => {
    sm = await startSecretManagerFixture();
  });
  afterAll(() => sm.close());
  beforeEach(() => {
    now = 1_700_000_000_000;
    waits = [];
  });

  const ACCESS = 'AccessSecretVersion';

  function keySource(secret: string, overrides: Partial<SecretManagerKeySourceOptions> = {}): KeySource {
    return secretManagerKeySource({
      client: sm.client,
      secret,
      cacheTtlSeconds: 60,
      versionCacheTtlSeconds: 3600,
      now: () => now,
      callTimeoutMs: 2_000,
      retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 50 },
      retryDeps: {
        sleep: async (ms) => {
          waits.push(ms);
        },
        random: () => 0.5,
      },
      ...overrides,
    });
  }

  async function secretWith(...payloads: Uint8Array[]): Promise<string> {
    const secret = uniqueSecretName();
    await createSecret(sm.client, secret);
    for (const payload of payloads) await addVersion(sm.client, secret, payload);
    return secret;
  }

  async function vaultErrorFrom(promise: Promise<unknown>): Promise<VaultError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VaultError);
    return error as VaultError;
  }

  const accessCalls = () => sm.server.callCount(ACCESS);

  it('current() reads latest and learns its real version number', async () => {
    const one = randomBytes(32);
    const two = randomBytes(32);
    const secret = await secretWith(one, two);
    const current = await keySource(secret).current();
    expect(current.version).toBe('2');
    expect(current.key.equals(two)).toBe(true);
  });

  it('byVersion() reads the exact version', async () => {
    const one = randomBytes(32);
    const secret = await secretWith(one, randomBytes(32));
    expect((await keySource(secret).byVersion('1')).equals(one)).toBe(true);
  });

  it('accepts a base64 text payload as well as raw bytes', async () => {
    const key = randomBytes(32);
    const secret = await secretWith(Buffer.from(`${key.toString('base64')}\n`));
    expect((await keySource(secret).current()).key.equals(key)).toBe(true);
  });

  it('refuses a payload that is not a 32-byte key as invalid_key, without quoting it', async () => {
    const payload = Buffer.from('c2hvcnQta2V5LW9mLTIwLWJ5dGVz');
    const secret = await secretWith(payload);
    const error = await vaultErrorFrom(keySource(secret).current());
    expect(error.code).toBe('invalid_key');
    expect(error.message).not.toContain(payload.toString());
  });

  it('keeps a payload that is not a key for the TTL like a key: one call per TTL, not per request, then heals', async () => {
    const secret = await secretWith(randomBytes(16));
    const keys = keySource(secret, { cacheTtlSeconds: 60 });
    const before = accessCalls();
    for (let i = 0; i < 5; i += 1) expect((await vaultErrorFrom(keys.current())).code).toBe('invalid_key');
    expect(accessCalls()).toBe(before + 1);
    await addVersion(sm.client, secret, randomBytes(32));
    now += 60_000;
    expect((await keys.current()).version).toBe('2');
    expect(accessCalls()).toBe(before + 2);
  });

  it('caches latest for the TTL, so a new version reaches seals once the TTL has passed', async () => {
    const secret = await secretWith(randomBytes(32));
    const keys = keySource(secret, { cacheTtlSeconds: 60 });
    expect((await keys.current()).version).toBe('1');
    const before = accessCalls();
    await addVersion(sm.client, secret, randomBytes(32));

    now += 59_999;
    expect((await keys.current()).version).toBe('1');
    expect(accessCalls()).toBe(before);

    now += 1;
    expect((await keys.current()).version).toBe('2');
    expect(accessCalls()).toBe(before + 1);
  });

  it('caches exact versions longer, and learns from latest without another call', async () => {
    const secret = await secretWith(randomBytes(32));
    const keys = keySource(secret, { cacheTtlSeconds: 60, versionCacheTtlSeconds: 3600 });
    const current = await keys.current();
    const before = accessCalls();
    expect((await keys.byVersion('1')).equals(current.key)).toBe(true);
    expect(accessCalls()).toBe(before);

    // Disabling shows only once the cached copy expires.
    await sm.client.disableSecretVersion({ name: `${secret}/versions/1` });
    now += 3_599_999;
    await expect(keys.byVersion('1')).resolves.toBeInstanceOf(Buffer);
    now += 1;
    const error = await vaultErrorFrom(keys.byVersion('1'));
    expect(error.code).toBe('key_unavailable');
    expect(error.transient).toBe(false);
    expect(error.message).toContain('FAILED_PRECONDITION');
  });

  describe('newest(), for key rotation', () => {
    const GET = 'GetSecretVersion';

    it('asks Secret Manager on every call which version latest is, even while current() is cached', async () => {
      const secret = await secretWith(randomBytes(32));
      const keys = keySource(secret, { cacheTtlSeconds: 60 });
      expect((await keys.current()).version).toBe('1');
      const before = sm.server.callCount(GET);
      expect((await keys.newest()).version).toBe('1');
      await addVersion(sm.client, secret, randomBytes(32));
      expect((await keys.newest()).version).toBe('2');
      expect((await keys.current()).version).toBe('1'); // still cached: what another instance may seal with
      expect(sm.server.callCount(GET)).toBe(before + 2);
    });

    it('is settled the key cache TTL after the version was created, by Secret Manager\'s create time', async () => {
      const secret = await secretWith(randomBytes(32));
      const addedAfter = Date.now();
      await addVersion(sm.client, secret, randomBytes(32));
      const addedBefore = Date.now();
      const { version, settledAt } = await keySource(secret, { cacheTtlSeconds: 90 }).newest();
      expect(version).toBe('2');
      // The local server stamps create times with its own clock (here the real one), as Google does.
      expect(settledAt.getTime()).toBeGreaterThanOrEqual(Math.floor(addedAfter / 1000) * 1000 + 90_000);
      expect(settledAt.getTime()).toBeLessThanOrEqual(addedBefore + 90_000);
    });

    it('refuses a latest version that is not enabled: nothing could be sealed with it', async () => {
      const secret = await secretWith(randomBytes(32), randomBytes(32));
      await sm.client.disableSecretVersion({ name: `${secret}/versions/2` });
      const error = await vaultErrorFrom(keySource(secret).newest());
      expect([error.code, error.transient]).toEqual(['key_unavailable', false]);
      expect(error.message).toContain('DISABLED');
    });

    it('retries a passing failure and gives up with a transient key_unavailable, like every call', async () => {
      const secret = await secretWith(randomBytes(32));
      const before = sm.server.callCount(GET);
      sm.server.failNext(1, { method: GET });
      await expect(keySource(secret).newest()).resolves.toMatchObject({ version: '1' });
      expect(sm.server.callCount(GET)).toBe(before + 2);
      sm.server.failNext(4, { method: GET });
      const error = await vaultErrorFrom(keySource(secret).newest());
      expect([error.code, error.transient]).toEqual(['key_unavailable', true]);
    });
  });

  it('coalesces concurrent misses into one call', async () => {
    const secret = await secretWith(randomBytes(32));
    const keys = keySource(secret);
    const before = accessCalls();
    const results = await Promise.all(Array.from({ length: 25 }, () => keys.current()));
    expect(new Set(results.map((r) => r.key.toString('hex'))).size).toBe(1);
    expect(accessCalls()).toBe(before + 1);
    await Promise.all(Array.from({ length: 25 }, () => keys.byVersion('1')));
    expect(accessCalls()).toBe(before + 1);
  });

  it('retries UNAVAILABLE with jittered exponential backoff, then succeeds', async () => {
    const secret = await secretWith(randomBytes(32));
    const before = accessCalls();
    sm.server.failNext(3, { method: ACCESS });
    expect((await keySource(secret).current()).version).toBe('1');
    expect(accessCalls()).toBe(before + 4);
    // ceilings 20, 40, 80 capped at 50; random 0.5
    expect(waits).toEqual([10, 20, 25]);
  });

  it.each([
    ['DEADLINE_EXCEEDED', status.DEADLINE_EXCEEDED],
    ['RESOURCE_EXHAUSTED', status.RESOURCE_EXHAUSTED],
  ])('retries %s too', async (_label, code) => {
    const secret = await secretWith(randomBytes(32));
    const before = accessCalls();
    sm.server.failNext(1, { method: ACCESS, code });
    await expect(keySource(secret).current()).resolves.toMatchObject({ version: '1' });
    expect(accessCalls()).toBe(before + 2);
  });

  it('gives up after the last attempt with a transient key_unavailable, and does not cache the failure', async () => {
    const secret = await secretWith(randomBytes(32));
    const keys = keySource(secret);
    const before = accessCalls();
    sm.server.failNext(4, { method: ACCESS });
    const error = await vaultErrorFrom(keys.current());
    expect(error.code).toBe('key_unavailable');
    expect(error.transient).toBe(true);
    expect(error.message).toContain('UNAVAILABLE');
    expect(accessCalls()).toBe(before + 4);
    await expect(keys.current()).resolves.toMatchObject({ version: '1' });
  });

  it('puts a deadline on every call: a hung server costs one timeout, then the retry succeeds', async () => {
    const secret = await secretWith(randomBytes(32));
    sm.server.hangNext(1, { method: ACCESS });
    const started = Date.now();
    await expect(keySource(secret, { callTimeoutMs: 300 }).current()).resolves.toMatchObject({ version: '1' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('a server that keeps hanging ends in key_unavailable (DEADLINE_EXCEEDED) within attempts x timeout', async () => {
    const secret = await secretWith(randomBytes(32));
    sm.server.hangNext(2, { method: ACCESS });
    const started = Date.now();
    const error = await vaultErrorFrom(keySource(secret, { callTimeoutMs: 200, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }).current());
    expect(error.message).toContain('DEADLINE_EXCEEDED');
    expect(error.transient).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('retries a payload whose checksum does not match', async () => {
    const key = randomBytes(32);
    const secret = await secretWith(key);
    const before = accessCalls();
    sm.server.corruptNext(1, { method: ACCESS });
    expect((await keySource(secret).current()).key.equals(key)).toBe(true);
    expect(accessCalls()).toBe(before + 2);
  });

  it('does not retry permanent failures: unknown secret, unknown or destroyed version, permission denied', async () => {
    const secret = await secretWith(randomBytes(32), randomBytes(32));
    await sm.client.destroySecretVersion({ name: `${secret}/versions/1` });
    const cases: [() => Promise<unknown>, string][] = [
      [() => keySource(uniqueSecretName()).current(), 'NOT_FOUND'],
      [() => keySource(secret).byVersion('7'), 'NOT_FOUND'],
      [() => keySource(secret).byVersion('1'), 'FAILED_PRECONDITION'],
    ];
    for (const [attempt, reason] of cases) {
      const before = accessCalls();
      const error = await vaultErrorFrom(attempt());
      // Gone for good: every token under that version is unreadable (a disconnect deletes it unrevoked).
      expect([error.code, error.transient, error.gone, isUnreadableToken(error)]).toEqual(['key_unavailable', false, true, true]);
      expect(error.message).toContain(reason);
      expect(accessCalls()).toBe(before + 1);
    }
    const before = accessCalls();
    sm.server.failNext(1, { method: ACCESS, code: status.PERMISSION_DENIED });
    const denied = await vaultErrorFrom(keySource(secret).byVersion('2'));
    expect(denied.message).toContain('PERMISSION_DENIED');
    // Our service account refused: the key's problem for every token, never "this token is unreadable".
    expect([denied.transient, denied.gone, isUnreadableToken(denied)]).toEqual([false, false, false]);
    expect(accessCalls()).toBe(before + 1);
  });

  it('refuses a version label that is not a number (a tampered keyVersion) without calling Secret Manager', async () => {
    const secret = await secretWith(randomBytes(32));
    const before = accessCalls();
    for (const version of ['latest', '0', '01', 'abc', '1/../2']) {
      expect((await vaultErrorFrom(keySource(secret).byVersion(version))).code).toBe('key_unavailable');
    }
    expect(accessCalls()).toBe(before);
  });
});
