import { randomBytes } from 'node:crypto';
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { loadGoogleOAuthConfig, loadKeySourceConfig, loadWorkerConfig } from '../../../functions/src/config';
import { loadDriveConfig } from '../../../functions/src/drive/drive-config';
import { createOAuthClient } from '../../../functions/src/google/oauth-client';
import { registeredJobs } from '../../../functions/src/jobs/registered-jobs';
import { createLogger } from '../../../functions/src/logging/logger';
import { claimDuePage } from '../../../functions/src/offline/dispatch/claim-due-users';
import { LeaseStore } from '../../../functions/src/offline/work/lease-store';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import type { RewrapResult } from '../../../functions/src/rotation/rewrap-tokens';
import { createTokenVault, type ConfiguredKeySource, keySourceFromConfig, type SealedToken, type TokenVault } from '../../../functions/src/tokens';
import { createSecretManagerClient } from '../../../functions/src/tokens/secret-manager-client';
import { type LocalSecretManager, startLocalSecretManager } from '../../../sandbox/src/secret-manager/server';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, sandboxEnv, startFunctionUnderTest } from '../../support/function-process';
import { testPhoto } from '../../support/images';
import { FULL_SCOPES, startTestSandbox } from '../../support/sandbox';

/**
 * Key rotation as an operator runs it, end to end: the real exchangeAuthCode and rewrapTokens
 * processes with TOKEN_KEY_SECRET on the local Secret Manager, a version added, rewrapTokens called
 * until done, the old version disabled through the gRPC API; every user's tokens still open and a
 * worker run still succeeds.
 */
describe('key rotation end to end (local Secret Manager)', () => {
  const secret = 'projects/rotation-e2e/secrets/token-key';
  let sm: LocalSecretManager;
  let sandbox: SandboxGoogle;
  let exchange: FunctionUnderTest;
  let rewrap: FunctionUnderTest;
  let db: Firestore;
  const keySources: ConfiguredKeySource[] = [];
  /** Every plaintext token seen, to prove none reaches a log. */
  const plaintexts: string[] = [];
  const keyEnv = () => ({
    TOKEN_KEY_FILE: '',
    TOKEN_KEY_SECRET: secret,
    SECRET_MANAGER_EMULATOR_HOST: sm.hostPort,
    // Rotation reaches new seals after this long; one second keeps the test quick.
    TOKEN_KEY_CACHE_SECONDS: '1',
  });

  beforeAll(async () => {
    sm = await startLocalSecretManager();
    sm.addVersion(secret, randomBytes(32));
    sandbox = await startTestSandbox();
    exchange = await startFunctionUnderTest('exchangeAuthCode', sandbox, keyEnv());
    rewrap = await startFunctionUnderTest('rewrapTokens', sandbox, { ...keyEnv(), GOOGLE_CLOUD_PROJECT: exchange.projectId, REWRAP_PAGE_SIZE: '2' });
    db = new Firestore({ projectId: exchange.projectId });
  });
  afterAll(async () => {
    await Promise.all(keySources.map((source) => source.close()));
    await rewrap?.stop();
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

  async function signIn(sub: string): Promise<void> {
    const { code } = sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: FULL_SCOPES, forceConsent: true });
    const response = await fetch(exchange.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify({ code }) });
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

  it('new seals use the added version, rewrapTokens moves the rest, and disabling the old version breaks nothing', async () => {
    const early = ['ann', 'ben', 'cat', 'dov', 'eve'];
    for (const sub of early) await signIn(sub);
    for (const sub of early) expect((await tokensOf(sub)).refreshToken.keyVersion).toBe('1');
    const underV1 = await tokensOf('ann');

    // infra/rotate-key.sh: a new version becomes `latest`; seals move to it once the key cache expires.
    expect(sm.addVersion(secret, randomBytes(32))).toBe('2');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await signIn('fay');
    expect((await tokensOf('fay')).refreshToken.keyVersion).toBe('2');
    await expect(freshVault().open('ann', 'refreshToken', underV1.refreshToken)).resolves.toMatch(/\S/);

    // The operator calls rewrapTokens until it says done (pages of 2 users; resumable by cursor).
    const calls: RewrapResult[] = [await callRewrap()];
    while (!calls.at(-1)!.done && calls.length < 20) calls.push(await callRewrap(calls.at(-1)!.nextCursor!));
    expect(calls.at(-1)).toMatchObject({ done: true, nextCursor: null, keyVersion: '2', failed: 0 });
    expect(calls.reduce((sum, call) => sum + call.rewrapped, 0)).toBe(early.length);
    expect(calls.reduce((sum, call) => sum + call.scanned, 0)).toBeGreaterThanOrEqual(6);
    expect(await callRewrap()).toMatchObject({ rewrapped: 0, done: true });

    // Disable version 1 through the Secret Manager API.
    const client = createSecretManagerClient({ emulatorHost: sm.hostPort });
    await client.disableSecretVersion({ name: `${secret}/versions/1` });
    await client.close();

    const vault = freshVault();
    for (const sub of [...early, 'fay']) {
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
    const refreshesBefore = sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0;
    const claimed = await claimDuePage(db, { collection: 'users', pageSize: 50, now: new Date(), leaseSeconds: 600, startAfter: undefined });
    expect(claimed.claimed.map((user) => user.userId)).toContain('ann');
    const env = sandboxEnv(sandbox, exchange.projectId, '');
    const result = await runBatch({ v: 1, users: claimed.claimed }, Date.now() + 60_000, {
      leases: new LeaseStore(db, 'users'),
      vault: freshVault(),
      oauth: createOAuthClient(loadGoogleOAuthConfig(env)),
      jobs: registeredJobs(),
      config: loadWorkerConfig({}),
      refreshRetry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 10 },
      drive: { ...loadDriveConfig(env), maxRetryDelayMs: 50 },
      owner: 'rotation-e2e',
      now: () => new Date(),
      random: Math.random,
      logger: createLogger({}, () => {}),
    });
    expect(result.counts).toMatchObject({ failed: 0, reauth_required: 0 });
    expect(result.outcomes.find((outcome) => outcome.userId === 'ann')).toMatchObject({ status: 'done' });
    expect((sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0) - refreshesBefore).toBeGreaterThanOrEqual(1);
    expect(sandbox.drive.listFiles('ann').filter((file) => file.appProperties?.derivedFrom)).toHaveLength(1);
  });

  it('rewrapTokens logs counts, never a token', () => {
    const logs = rewrap.logs.join('\n');
    expect(logs).toContain('Re-sealed stored tokens');
    expect(plaintexts).toHaveLength(12);
    for (const token of plaintexts) expect(logs).not.toContain(token);
    expect(logs).not.toContain('"ciphertext"');
  });
});
