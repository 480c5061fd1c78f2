import { randomBytes } from 'node:crypto';
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { loadKeySourceConfig } from '../../../functions/src/config';
import { createLogger } from '../../../functions/src/logging/logger';
import { claimEveryDueUser } from '../../support/dispatch';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import { createVaultAtStart } from '../../../functions/src/wiring/vault';
import { type LocalSecretManager, startLocalSecretManager } from '../../../sandbox/src/secret-manager/server';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, sandboxEnv, startFunctionUnderTest } from '../../support/function-process';
import { workerDepsFor } from '../../support/offline-harness';
import { FULL_SCOPES, startTestSandbox } from '../../support/sandbox';

const KEY_CACHE_SECONDS = 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LogLine {
  severity: string;
  message: string;
  errorCode?: string;
}

/**
 * A permanent key problem (a Secret Manager version that is not a 32-byte key) against a passing
 * one (Secret Manager unreachable), through the real functions on the local Secret Manager: the
 * first is `500 key_misconfigured`, reported at ERROR once per instance and never retried in a
 * loop; the second stays `503 key_unavailable` with Retry-After.
 */
describe('a misconfigured token key (local Secret Manager)', () => {
  const secret = 'projects/key-misconfigured/secrets/token-key';
  /** Every key written to Secret Manager, to prove none reaches a log line. */
  const keys: Buffer[] = [];
  let sm: LocalSecretManager;
  let sandbox: SandboxGoogle;
  let exchange: FunctionUnderTest;
  let rewrap: FunctionUnderTest;
  let disconnect: FunctionUnderTest;
  let db: Firestore;
  const keyEnv = () => ({
    TOKEN_KEY_FILE: '',
    TOKEN_KEY_SECRET: secret,
    SECRET_MANAGER_EMULATOR_HOST: sm.hostPort,
    TOKEN_KEY_CACHE_SECONDS: String(KEY_CACHE_SECONDS),
  });
  const workerLogs: string[] = [];
  let workerVault: ReturnType<typeof createVaultAtStart>;

  function addVersion(key: Buffer): string {
    keys.push(key);
    return sm.addVersion(secret, key);
  }

  beforeAll(async () => {
    sm = await startLocalSecretManager();
    addVersion(randomBytes(32));
    sandbox = await startTestSandbox();
    exchange = await startFunctionUnderTest('exchangeAuthCode', sandbox, keyEnv());
    rewrap = await startFunctionUnderTest('rewrapTokens', sandbox, { ...keyEnv(), GOOGLE_CLOUD_PROJECT: exchange.projectId });
    disconnect = await startFunctionUnderTest('disconnect', sandbox, { ...keyEnv(), GOOGLE_CLOUD_PROJECT: exchange.projectId });
    db = new Firestore({ projectId: exchange.projectId });
    // A worker instance, wired as runOfflineWork wires it, started while the key is still good.
    workerVault = createVaultAtStart(loadKeySourceConfig(keyEnv()), createLogger({ function: 'runOfflineWork' }, (line) => workerLogs.push(line)));
  });
  afterAll(async () => {
    await rewrap?.stop();
    await disconnect?.stop();
    await exchange?.stop();
    await sandbox?.close();
    await db?.terminate();
    await sm?.close();
  });

  async function signIn(sub: string, through: FunctionUnderTest = exchange, code = mint(sub)) {
    const response = await fetch(through.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify({ code }) });
    const body = (await response.json()) as { error?: { code: string; message: string } };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), code: body.error?.code, message: body.error?.message };
  }

  function mint(sub: string): string {
    return sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: FULL_SCOPES, forceConsent: true }).code;
  }

  const parsed = (lines: readonly string[]): LogLine[] =>
    lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  const errorsOf = (lines: readonly string[]) => parsed(lines).filter((line) => line.severity === 'ERROR');

  function expectNoKeyIn(lines: readonly string[]): void {
    const text = lines.join('\n');
    for (const key of keys) {
      for (const encoding of ['hex', 'base64', 'base64url', 'latin1'] as const) expect(text).not.toContain(key.toString(encoding));
    }
  }

  it('Secret Manager unreachable: still 503 key_unavailable with Retry-After, before the code is spent', async () => {
    for (const sub of ['before', 'leaver', 'forged']) expect((await signIn(sub)).status).toBe(200);
    await sleep(KEY_CACHE_SECONDS * 1000 + 100);
    // Every attempt of the next sign-in's key fetch fails (the key source retries 4 times).
    sm.failNext(4, { method: 'AccessSecretVersion' });
    const code = mint('during-outage');
    const exchangesBefore = sandbox.admin.stats().codeExchanges;
    const answer = await signIn('during-outage', exchange, code);
    expect(answer).toMatchObject({ status: 503, code: 'key_unavailable' });
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    // Google was not asked: the same code (and the refresh token a first consent brings) still works.
    expect(sandbox.admin.stats().codeExchanges).toBe(exchangesBefore);
    expect((await signIn('during-outage', exchange, code)).status).toBe(200);
    expect((await signIn('after-outage')).status).toBe(200);
  });

  it('a version that is not a 32-byte key: 500 key_misconfigured on every sign-in, logged at ERROR once, never the key', async () => {
    // 64 hex characters: a plausible operator mistake (`openssl rand -hex 32`), 64 bytes, not a key.
    addVersion(Buffer.from(randomBytes(32).toString('hex'), 'latin1'));
    await sleep(KEY_CACHE_SECONDS * 1000 + 100);
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await signIn(`misconfigured-${i}`));
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 500, code: 'key_misconfigured', retryAfter: null });
      expect(answer.message).toMatch(/operator/);
    }
    expect((await db.collection('users').doc('misconfigured-0').get()).exists).toBe(false);
    const reported = errorsOf(exchange.logs).filter((line) => line.errorCode === 'key_misconfigured');
    expect(reported).toHaveLength(1);
    expect(reported[0]!.message).toMatch(/32-byte/);
    expectNoKeyIn(exchange.logs);
  });

  it('an instance that starts with the misconfigured key keeps serving 500 key_misconfigured (it does not crash-loop), reporting once', async () => {
    const late = await startFunctionUnderTest('exchangeAuthCode', sandbox, { ...keyEnv(), GOOGLE_CLOUD_PROJECT: exchange.projectId });
    try {
      for (let i = 0; i < 3; i += 1) expect(await signIn(`late-${i}`, late)).toMatchObject({ status: 500, code: 'key_misconfigured' });
      expect(errorsOf(late.logs).filter((line) => line.errorCode === 'key_misconfigured')).toHaveLength(1);
      expectNoKeyIn(late.logs);
    } finally {
      await late.stop();
    }
  });

  it('disconnect still opens tokens under good versions, and answers 500 key_misconfigured for one that needs the bad version', async () => {
    const call = async (sub: string) => {
      const { idToken } = await sandbox.admin.mintIdToken({ claims: { sub } });
      const response = await fetch(disconnect.url, { method: 'POST', headers: { 'x-requested-with': 'test', authorization: `Bearer ${idToken}` } });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), code: ((await response.json()) as { error?: { code: string } }).error?.code };
    };
    expect(await call('leaver')).toMatchObject({ status: 200 });
    // A stored token that names the misconfigured version (2) can only be opened with it.
    const ref = db.collection('users').doc('forged');
    const stored = (await ref.get()).data()!;
    await ref.update({ accessToken: { ...stored.accessToken, keyVersion: '2' }, refreshToken: { ...stored.refreshToken, keyVersion: '2' } });
    for (let i = 0; i < 2; i += 1) expect(await call('forged')).toEqual({ status: 500, retryAfter: null, code: 'key_misconfigured' });
    expect((await ref.get()).data()).toMatchObject({ status: 'active', refreshToken: expect.any(Object) });
    await ref.update({ accessToken: stored.accessToken, refreshToken: stored.refreshToken });
    expect(errorsOf(disconnect.logs).filter((line) => line.errorCode === 'key_misconfigured')).toHaveLength(1);
    expectNoKeyIn(disconnect.logs);
  });

  it('rewrapTokens answers 500 key_misconfigured too, reporting once', async () => {
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(rewrap.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(500);
      expect(response.headers.get('retry-after')).toBeNull();
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('key_misconfigured');
    }
    expect(errorsOf(rewrap.logs).filter((line) => line.errorCode === 'key_misconfigured')).toHaveLength(1);
    expectNoKeyIn(rewrap.logs);
  });

  it('a worker run records key_misconfigured without asking Google, comes back after the interval, and reports once', async () => {
    const users = ['after-outage', 'before', 'during-outage', 'forged'];
    for (const sub of users) await db.collection('users').doc(sub).update({ accessTokenExpiresAt: Timestamp.fromMillis(0) });
    const refreshesBefore = sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0;
    const now = new Date();
    const claimed = await claimEveryDueUser(db, { now });
    expect(claimed.map((user) => user.userId).sort()).toEqual(users);
    const env = sandboxEnv(sandbox, exchange.projectId, '');
    const deps = workerDepsFor({ db, vault: workerVault, env, logger: createLogger({ function: 'runOfflineWork' }, (line) => workerLogs.push(line)) });
    const { config } = deps;
    const result = await runBatch({ v: 1, users: claimed }, Date.now() + 60_000, { ...deps, random: () => 0.5, owner: 'key-misconfigured' });
    expect([...result.outcomes].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual(users.map((userId) => ({ userId, status: 'failed', errorCode: 'key_misconfigured' })));
    // Google was not asked for a token that could not have been stored.
    expect((sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0) - refreshesBefore).toBe(0);
    for (const sub of users) {
      const doc = (await db.collection('users').doc(sub).get()).data()!;
      expect(doc.lastError).toBe('key_misconfigured');
      // Only an operator can fix it: the user comes back after the interval, not after a short backoff.
      expect((doc.nextRunAt as Timestamp).toMillis() - now.getTime()).toBeGreaterThanOrEqual(config.intervalSeconds * 900);
    }
    expect(errorsOf(workerLogs).filter((line) => line.errorCode === 'key_misconfigured')).toHaveLength(1);
    expectNoKeyIn(workerLogs);
  });

  it('a good version added afterwards heals every function within TOKEN_KEY_CACHE_SECONDS', async () => {
    addVersion(randomBytes(32));
    await sleep(KEY_CACHE_SECONDS * 1000 + 100);
    expect((await signIn('healed')).status).toBe(200);
    const response = await fetch(rewrap.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(200);
  });
});
