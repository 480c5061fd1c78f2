import { randomBytes } from 'node:crypto';
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { loadKeySourceConfig } from '../../../functions/src/config';
import { createLogger } from '../../../functions/src/logging/logger';
import { claimEveryDueUser } from '../../support/dispatch';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import type { RewrapResult } from '../../../functions/src/rotation/rewrap-tokens';
import { createTokenVault, type ConfiguredKeySource, keySourceFromConfig, type SealedToken, type TokenVault } from '../../../functions/src/tokens';
import { createSecretManagerClient } from '../../../functions/src/tokens/secret-manager-client';
import { type LocalSecretManager, startLocalSecretManager } from '../../../sandbox/src/secret-manager/server';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, sandboxEnv, startFunctionUnderTest } from '../../support/function-process';
import { testPhoto } from '../../support/images';
import { workerDepsFor } from '../../support/offline-harness';
import { FULL_SCOPES, startTestSandbox } from '../../support/sandbox';

const KEY_CACHE_SECONDS = 2;
/** REWRAP_SETTLE_MARGIN_SECONDS: how long a seal may still be on its way to Firestore (60 s in production). */
const SETTLE_MARGIN_SECONDS = 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Key rotation as an operator runs it, end to end: the real exchangeAuthCode and rewrapTokens
 * processes with TOKEN_KEY_SECRET on the local Secret Manager, a version added, rewrapTokens called
 * at once (not done: some instance may still seal with the old version) and then until done, while
 * an instance whose cache outlives the rotation seals a sign-in under the old version; the old
 * version disabled through the gRPC API; every user's tokens still open and a worker run still
 * succeeds.
 */
describe('key rotation end to end (local Secret Manager)', () => {
  const secret = 'projects/rotation-e2e/secrets/token-key';
  let sm: LocalSecretManager;
  let sandbox: SandboxGoogle;
  let exchange: FunctionUnderTest;
  let rewrap: FunctionUnderTest;
  let staleExchange: FunctionUnderTest;
  let db: Firestore;
  const keySources: ConfiguredKeySource[] = [];
  /** Every plaintext token seen, to prove none reaches a log. */
  const plaintexts: string[] = [];
  /** ben's tokens as first sealed, under version 1. */
  let benUnderV1: { refreshToken: SealedToken; accessToken: SealedToken };
  const keyEnv = (cacheSeconds = KEY_CACHE_SECONDS) => ({
    TOKEN_KEY_FILE: '',
    TOKEN_KEY_SECRET: secret,
    SECRET_MANAGER_EMULATOR_HOST: sm.hostPort,
    // Rotation reaches new seals after this long; two seconds keep the test quick.
    TOKEN_KEY_CACHE_SECONDS: String(cacheSeconds),
  });

  beforeAll(async () => {
    sm = await startLocalSecretManager();
    sm.addVersion(secret, randomBytes(32));
    sandbox = await startTestSandbox();
    exchange = await startFunctionUnderTest('exchangeAuthCode', sandbox, keyEnv());
    rewrap = await startFunctionUnderTest('rewrapTokens', sandbox, { ...keyEnv(), GOOGLE_CLOUD_PROJECT: exchange.projectId, REWRAP_PAGE_SIZE: '2', REWRAP_SETTLE_MARGIN_SECONDS: String(SETTLE_MARGIN_SECONDS) });
    staleExchange = await startFunctionUnderTest('exchangeAuthCode', sandbox, { ...keyEnv(3600), GOOGLE_CLOUD_PROJECT: exchange.projectId });
    db = new Firestore({ projectId: exchange.projectId });
  });
  afterAll(async () => {
    await Promise.all(keySources.map((source) => source.close()));
    await rewrap?.stop();
    await staleExchange?.stop();
    await exchange?.stop();
    await sandbox?.close();
    await db?.terminate();
    await sm?.close();
  });

  /** A vault as a new function instance builds it: nothing cached. */
  function freshVault(): TokenVault {
    const keys = keySourceFromConfig(loadKeySourceConfig(keyEnv()));
    keySources.push(keys);
    return createTokenVault(keys);
  }

  async function signIn(sub: string, through: FunctionUnderTest = exchange): Promise<void> {
    const { code } = sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: FULL_SCOPES, forceConsent: true });
    const response = await fetch(through.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify({ code }) });
    expect(response.status).toBe(200);
  }

  const tokensOf = async (sub: string) => {
    const data = (await db.collection('users').doc(sub).get()).data();
    return { refreshToken: data?.refreshToken as SealedToken, accessToken: data?.accessToken as SealedToken };
  };

  async function callRewrap(cursor?: string): Promise<RewrapResult> {
    const response = await fetch(rewrap.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cursor ? { cursor } : {}) });
    expect(response.status).toBe(200);
    return (await response.json()) as RewrapResult;
  }

  it('answers not done while the new version is younger than the key cache, catches a stale instance\'s seal, and only then says done', async () => {
    const early = ['ann', 'ben', 'cat', 'dov', 'eve'];
    for (const sub of early) await signIn(sub);
    for (const sub of early) expect((await tokensOf(sub)).refreshToken.keyVersion).toBe('1');
    const underV1 = await tokensOf('ann');
    benUnderV1 = await tokensOf('ben');
    // An instance whose cache still holds version 1 after the rotation (its cache outlives the others').
    await signIn('old', staleExchange);
    expect((await tokensOf('old')).refreshToken.keyVersion).toBe('1');

    // infra/rotate-key.sh: a new version becomes `latest`.
    expect(sm.addVersion(secret, randomBytes(32))).toBe('2');
    const addedAt = Date.now();

    // Called at once: the new version is resolved fresh, but some instance may still seal with version 1.
    const first = await callRewrap();
    expect(first).toMatchObject({ keyVersion: '2', done: false, rewrapped: early.length + 1 });
    expect(first.retryAfterSeconds).toBeGreaterThan(0);
    expect(first.retryAfterSeconds).toBeLessThanOrEqual(KEY_CACHE_SECONDS + SETTLE_MARGIN_SECONDS);
    expect(first.nextCursor).toEqual(expect.any(String));

    // The stale instance seals a sign-in under version 1 after the first pass went by.
    await signIn('late', staleExchange);
    expect((await tokensOf('late')).refreshToken.keyVersion).toBe('1');
    await staleExchange.stop();

    // New seals move to version 2 once the key caches expire.
    await sleep(KEY_CACHE_SECONDS * 1000 + 200);
    await signIn('fay');
    expect((await tokensOf('fay')).refreshToken.keyVersion).toBe('2');

    // The operator's loop (docs/key-rotation.md): honour retryAfterSeconds, resume from nextCursor, until done.
    const calls: RewrapResult[] = [first];
    while (!calls.at(-1)!.done && calls.length < 20) {
      await sleep((calls.at(-1)!.retryAfterSeconds ?? 0) * 1000);
      calls.push(await callRewrap(calls.at(-1)!.nextCursor!));
    }
    const last = calls.at(-1)!;
    expect(last).toMatchObject({ done: true, nextCursor: null, retryAfterSeconds: null, keyVersion: '2', failed: 0 });
    expect(Date.now() - addedAt).toBeGreaterThanOrEqual((KEY_CACHE_SECONDS + SETTLE_MARGIN_SECONDS) * 1000);
    // The stale seal was caught before done.
    expect(calls.reduce((sum, call) => sum + call.rewrapped, 0)).toBe(early.length + 2);
    expect(await callRewrap()).toMatchObject({ rewrapped: 0, done: true });

    // Disable version 1 through the Secret Manager API.
    const client = createSecretManagerClient({ emulatorHost: sm.hostPort });
    await client.disableSecretVersion({ name: `${secret}/versions/1` });
    await client.close();

    const vault = freshVault();
    for (const sub of [...early, 'old', 'late', 'fay']) {
      const { refreshToken, accessToken } = await tokensOf(sub);
      expect([refreshToken.keyVersion, accessToken.keyVersion]).toEqual(['2', '2']);
      plaintexts.push(await vault.open(sub, 'refreshToken', refreshToken), await vault.open(sub, 'accessToken', accessToken));
    }
    // The old ciphertext really depends on version 1, which is now out of use.
    await expect(vault.open('ann', 'refreshToken', underV1.refreshToken)).rejects.toMatchObject({ code: 'key_unavailable', transient: false });
    // Sign-ins keep working after the old version is gone.
    await signIn('gus');
    expect((await tokensOf('gus')).refreshToken.keyVersion).toBe('2');
  });

  it('a worker run still succeeds afterwards, refreshing with a re-sealed refresh token', async () => {
    sandbox.drive.putFile('ann', { name: 'after-rotation.jpg', mimeType: 'image/jpeg', content: await testPhoto(64, 48) });
    // Force a refresh: the worker must open the refresh token rewrapTokens re-sealed.
    await db.collection('users').doc('ann').update({ accessTokenExpiresAt: Timestamp.fromMillis(0) });
    // A worker run that was still sealing with version 1 when the rotation settled writes its fresh
    // access token back after rewrapTokens passed the user: the cached token no longer opens, so it is refreshed.
    await db.collection('users').doc('ben').update({ accessToken: benUnderV1.accessToken, accessTokenExpiresAt: Timestamp.fromMillis(Date.now() + 3_600_000) });
    const refreshesBefore = sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0;
    const claimed = await claimEveryDueUser(db);
    expect(claimed.map((user) => user.userId)).toContain('ann');
    const env = sandboxEnv(sandbox, exchange.projectId, '');
    const deps = workerDepsFor({ db, vault: freshVault(), env, logger: createLogger({}, () => {}) });
    const result = await runBatch({ v: 1, users: claimed }, Date.now() + 60_000, { ...deps, owner: 'rotation-e2e' });
    expect(result.counts).toMatchObject({ failed: 0, reauth_required: 0 });
    expect(result.outcomes.find((outcome) => outcome.userId === 'ann')).toMatchObject({ status: 'done' });
    expect(result.outcomes.find((outcome) => outcome.userId === 'ben')).toMatchObject({ status: 'done' });
    expect((await tokensOf('ben')).accessToken.keyVersion).toBe('2');
    expect((sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0) - refreshesBefore).toBeGreaterThanOrEqual(2);
    expect(sandbox.drive.listFiles('ann').filter((file) => file.appProperties?.derivedFrom)).toHaveLength(1);
  });

  it('rewrapTokens logs counts, never a token', () => {
    const logs = rewrap.logs.join('\n');
    expect(logs).toContain('Re-sealed stored tokens');
    expect(plaintexts).toHaveLength(16);
    for (const token of plaintexts) expect(logs).not.toContain(token);
    expect(logs).not.toContain('"ciphertext"');
  });
});
