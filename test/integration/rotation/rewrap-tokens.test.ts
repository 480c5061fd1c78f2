import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { createLogger } from '../../../functions/src/logging/logger';
import { decodeCursor, START_CURSOR, type RewrapCursor } from '../../../functions/src/rotation/rewrap-cursor';
import { type RewrapDeps, type RewrapResult, rewrapTokens } from '../../../functions/src/rotation/rewrap-tokens';
import { createTokenVault, type SealedToken, type TokenField, type TokenVault, VaultError } from '../../../functions/src/tokens';
import { emulatorFirestore } from '../../support/firestore';
import { StaticKeySource } from '../../unit/tokens/helpers/static-key-source';

/**
 * The rotation core against the Firestore emulator, with a real vault over in-memory key versions:
 * paging and resuming, concurrent writers, unreadable tokens, idempotency, and when "done" may be said.
 */
describe('rewrapTokens (core)', () => {
  let db: Firestore;
  let collection = 'users';
  let keys: StaticKeySource;
  let vault: TokenVault;
  const logs: string[] = [];
  let clockMs = Date.now();

  beforeAll(() => {
    db = emulatorFirestore('rewrap');
  });
  afterAll(() => db.terminate());

  beforeEach(() => {
    collection = `users-${Math.random().toString(36).slice(2, 8)}`;
    keys = new StaticKeySource(['1']);
    vault = createTokenVault(keys);
    logs.length = 0;
  });

  function deps(overrides: Partial<RewrapDeps> = {}): RewrapDeps {
    return {
      db,
      collection,
      vault,
      config: { pageSize: 3, budgetSeconds: 60, settleMarginSeconds: 0 },
      // Each reading of the clock moves it on by 1 s, so small budgets end after a known number of pages.
      now: () => new Date((clockMs += 1000)),
      logger: createLogger({}, (line) => logs.push(line)),
      ...overrides,
    };
  }

  /** Users as the exchange leaves them: both tokens sealed under the vault's current key. */
  async function connectUsers(count: number, prefix = 'user'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const id = `${prefix}-${String(i).padStart(3, '0')}`;
      ids.push(id);
      await db.collection(collection).doc(id).set({
        userId: id,
        status: 'active',
        refreshToken: await vault.seal(id, 'refreshToken', `refresh-of-${id}`),
        accessToken: await vault.seal(id, 'accessToken', `access-of-${id}`),
      });
    }
    return ids;
  }

  function rotate(to: string): void {
    keys.keys.set(to, Buffer.alloc(32, Number(to)));
    keys.currentVersion = to;
  }

  async function stored(id: string, field: TokenField): Promise<SealedToken> {
    return (await db.collection(collection).doc(id).get()).get(field) as SealedToken;
  }

  async function runToCompletion(d: RewrapDeps, maxCalls = 50, from: RewrapCursor = START_CURSOR): Promise<RewrapResult[]> {
    const calls: RewrapResult[] = [];
    let cursor = from;
    for (;;) {
      const result = await rewrapTokens(cursor, d);
      calls.push(result);
      if (result.done) return calls;
      if (calls.length >= maxCalls) throw new Error('rewrap did not finish');
      cursor = decodeCursor(result.nextCursor!)!;
    }
  }

  it('re-seals every stale token, page by page across calls when the budget runs out, and every token still opens', async () => {
    const ids = await connectUsers(10);
    rotate('2');
    // A budget of 1 s with a clock that moves 1 s per reading: one page per call.
    const calls = await runToCompletion(deps({ config: { pageSize: 3, budgetSeconds: 1, settleMarginSeconds: 0 } }));
    // The pass that re-sealed them cannot say done (a stale writer may have written behind it): a clean pass follows.
    expect(calls.map((c) => c.scanned)).toEqual([3, 3, 3, 1, 3, 3, 3, 1]);
    expect(calls.map((c) => c.done)).toEqual([false, false, false, false, false, false, false, true]);
    expect(calls.map((c) => c.rewrapped)).toEqual([3, 3, 3, 1, 0, 0, 0, 0]);
    expect(calls.slice(0, -1).map((c) => c.retryAfterSeconds)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(calls.at(-1)).toMatchObject({ keyVersion: '2', skipped: 0, failed: 0, nextCursor: null, retryAfterSeconds: null });
    for (const id of ids) {
      for (const field of ['refreshToken', 'accessToken'] as const) {
        const sealed = await stored(id, field);
        expect(sealed.keyVersion).toBe('2');
        await expect(vault.open(id, field, sealed)).resolves.toBe(`${field === 'refreshToken' ? 'refresh' : 'access'}-of-${id}`);
      }
    }
  });

  it('is idempotent: a second run finds nothing to do and writes nothing', async () => {
    const ids = await connectUsers(4);
    rotate('2');
    await runToCompletion(deps());
    const before = await Promise.all(ids.map(async (id) => (await db.collection(collection).doc(id).get()).updateTime?.toMillis()));
    const again = await runToCompletion(deps());
    expect(again).toEqual([expect.objectContaining({ scanned: 4, rewrapped: 0, skipped: 0, done: true })]);
    const after = await Promise.all(ids.map(async (id) => (await db.collection(collection).doc(id).get()).updateTime?.toMillis()));
    expect(after).toEqual(before);
  });

  it('never clobbers a concurrent write: the user is skipped, another pass picks it up, and the newer token survives', async () => {
    const ids = await connectUsers(5);
    rotate('2');
    const target = ids[2]!;
    let interfered = false;
    // A sign-in lands for `target` after rewrap read its page and before it wrote: it seals a new access token.
    const racingVault: TokenVault = {
      ...vault,
      open: async (userId, field, sealed) => {
        if (userId === target && !interfered) {
          interfered = true;
          await db.collection(collection).doc(target).update({ accessToken: await vault.seal(target, 'accessToken', 'from-a-new-sign-in') });
        }
        return vault.open(userId, field, sealed);
      },
    };
    const calls = await runToCompletion(deps({ vault: racingVault, config: { pageSize: 10, budgetSeconds: 60, settleMarginSeconds: 0 } }));
    expect(calls).toHaveLength(1);
    // Pass 1 re-seals 4 and skips the target, pass 2 re-seals the target's refresh token, pass 3 is clean.
    expect(calls[0]).toMatchObject({ skipped: 1, rewrapped: 5, done: true, scanned: 15 });
    expect(logs.some((line) => line.includes('starting another pass'))).toBe(true);
    await expect(vault.open(target, 'accessToken', await stored(target, 'accessToken'))).resolves.toBe('from-a-new-sign-in');
    expect((await stored(target, 'refreshToken')).keyVersion).toBe('2');
  });

  it('does not bring back tokens a disconnect deleted meanwhile', async () => {
    const [victim] = await connectUsers(1, 'leaving');
    rotate('2');
    const disconnectingVault: TokenVault = {
      ...vault,
      open: async (userId, field, sealed) => {
        await db.collection(collection).doc(userId).update({ status: 'disconnected', refreshToken: FieldValue.delete(), accessToken: FieldValue.delete() });
        return vault.open(userId, field, sealed);
      },
    };
    const [result] = await runToCompletion(deps({ vault: disconnectingVault }));
    expect(result).toMatchObject({ skipped: 1, rewrapped: 0, done: true });
    const doc = (await db.collection(collection).doc(victim!).get()).data();
    expect(doc).toMatchObject({ status: 'disconnected' });
    expect(doc?.refreshToken).toBeUndefined();
    expect(doc?.accessToken).toBeUndefined();
  });

  it('never re-seals a newer token under an older key', async () => {
    const [id] = await connectUsers(1);
    rotate('3');
    await db.collection(collection).doc(id!).update({ accessToken: await vault.seal(id!, 'accessToken', 'newer') });
    keys.currentVersion = '2';
    keys.keys.set('2', Buffer.alloc(32, 2));
    const [result] = await runToCompletion(deps());
    expect(result).toMatchObject({ keyVersion: '2', rewrapped: 1 });
    expect((await stored(id!, 'refreshToken')).keyVersion).toBe('2');
    expect((await stored(id!, 'accessToken')).keyVersion).toBe('3');
  });

  it('reports users whose tokens cannot be opened, by id and in the log, without stopping or leaking', async () => {
    const ids = await connectUsers(3);
    const swapped = await stored(ids[0]!, 'refreshToken');
    await db.collection(collection).doc(ids[1]!).update({ refreshToken: swapped });
    rotate('2');
    const [result] = await runToCompletion(deps());
    expect(result).toMatchObject({ rewrapped: 3, failed: 1, failedUserIds: [ids[1]], done: true });
    expect((await stored(ids[1]!, 'refreshToken')).keyVersion).toBe('1');
    expect((await stored(ids[1]!, 'accessToken')).keyVersion).toBe('2');
    const warning = logs.find((line) => line.includes('cannot be opened'));
    expect(warning).toContain(ids[1]);
    expect(warning).toContain('decrypt_failed');
    expect(logs.join('\n')).not.toMatch(/refresh-of-|access-of-/);
  });

  it('stops with the key error when a key may come back, keeping what it wrote', async () => {
    const ids = await connectUsers(4);
    rotate('2');
    let opens = 0;
    const failingVault: TokenVault = {
      ...vault,
      open: async (userId, field, sealed) => {
        opens += 1;
        if (opens > 4) throw new VaultError('key_unavailable', 'Secret Manager is down', { transient: true });
        return vault.open(userId, field, sealed);
      },
    };
    await expect(rewrapTokens(START_CURSOR, deps({ vault: failingVault }))).rejects.toMatchObject({ code: 'key_unavailable', transient: true });
    expect((await stored(ids[0]!, 'refreshToken')).keyVersion).toBe('2');
    expect((await stored(ids[1]!, 'accessToken')).keyVersion).toBe('2');
    const [resumed] = await runToCompletion(deps());
    expect(resumed).toMatchObject({ rewrapped: 2, done: true });
  });

  it('an empty collection is done at once once the version is settled', async () => {
    expect(await rewrapTokens(START_CURSOR, deps())).toEqual({
      keyVersion: '1',
      scanned: 0,
      rewrapped: 0,
      skipped: 0,
      failed: 0,
      failedUserIds: [],
      done: true,
      nextCursor: null,
      retryAfterSeconds: null,
    });
  });

  describe('a version younger than the key cache (some instance may still seal with an older one)', () => {
    it('re-seals what it can, answers not done with the seconds until the version is settled, and never done before', async () => {
      const ids = await connectUsers(4);
      rotate('2');
      keys.settledAt = new Date(clockMs + 30_000);
      const first = await rewrapTokens(START_CURSOR, deps());
      expect(first).toMatchObject({ keyVersion: '2', scanned: 4, rewrapped: 4, done: false });
      expect(first.retryAfterSeconds).toBeGreaterThan(20);
      expect(first.retryAfterSeconds).toBeLessThanOrEqual(30);
      for (const id of ids) expect((await stored(id, 'refreshToken')).keyVersion).toBe('2');
      // Calling again early changes nothing: still not done, with a shorter wait.
      const early = await rewrapTokens(decodeCursor(first.nextCursor!)!, deps());
      expect(early).toMatchObject({ scanned: 4, rewrapped: 0, done: false });
      expect(early.retryAfterSeconds).toBeLessThan(first.retryAfterSeconds!);
      clockMs = keys.settledAt.getTime();
      const settled = await rewrapTokens(decodeCursor(early.nextCursor!)!, deps());
      expect(settled).toMatchObject({ scanned: 4, rewrapped: 0, done: true, retryAfterSeconds: null });
    });

    it('waits the settle margin on top of the key cache: a seal made just before may still be on its way', async () => {
      await connectUsers(2);
      rotate('2');
      keys.settledAt = new Date(clockMs);
      const withMargin = deps({ config: { pageSize: 10, budgetSeconds: 60, settleMarginSeconds: 60 } });
      const first = await rewrapTokens(START_CURSOR, withMargin);
      expect(first).toMatchObject({ rewrapped: 2, done: false });
      // The version is as old as the key cache asks, yet the margin is still to run (the clock ticks per reading).
      expect(first.retryAfterSeconds).toBeGreaterThan(50);
      expect(first.retryAfterSeconds).toBeLessThanOrEqual(60);
      clockMs += 60_000;
      expect(await rewrapTokens(decodeCursor(first.nextCursor!)!, withMargin)).toMatchObject({ rewrapped: 0, done: true });
    });

    it('catches a token a stale instance sealed under the old version after the first pass went by', async () => {
      const ids = await connectUsers(5);
      rotate('2');
      keys.settledAt = new Date(clockMs + 30_000);
      const first = await rewrapTokens(START_CURSOR, deps());
      expect(first).toMatchObject({ rewrapped: 5, done: false });
      // An instance whose cached key is still version 1 stores a sign-in for a user the pass already re-sealed.
      const late = ids[1]!;
      await db.collection(collection).doc(late).update({ refreshToken: await vault.seal(late, 'refreshToken', 'from-a-stale-instance', { keyVersion: '1' }) });
      clockMs = keys.settledAt.getTime() + 1;
      const calls = [first, ...(await runToCompletion(deps(), 10, decodeCursor(first.nextCursor!)!))];
      expect(calls.at(-1)).toMatchObject({ done: true, keyVersion: '2' });
      expect(calls.reduce((sum, c) => sum + c.rewrapped, 0)).toBe(6);
      const caught = await stored(late, 'refreshToken');
      expect(caught.keyVersion).toBe('2');
      await expect(vault.open(late, 'refreshToken', caught)).resolves.toBe('from-a-stale-instance');
    });

    it('a pass begun while the version was young does not count, even if the version settles before it ends', async () => {
      await connectUsers(5);
      rotate('2');
      keys.settledAt = new Date(clockMs + 30_000);
      const onePagePerCall = deps({ config: { pageSize: 3, budgetSeconds: 1, settleMarginSeconds: 0 } });
      const first = await rewrapTokens(START_CURSOR, onePagePerCall);
      // Stopped by its budget in the middle of a pass: carry on at once.
      expect(first).toMatchObject({ scanned: 3, rewrapped: 3, done: false, retryAfterSeconds: 0 });
      clockMs = keys.settledAt.getTime() + 1;
      const calls = await runToCompletion(onePagePerCall, 10, decodeCursor(first.nextCursor!)!);
      // The rest of the young pass, then a whole settled pass before done.
      expect(calls.map((c) => [c.scanned, c.rewrapped, c.done])).toEqual([
        [2, 2, false],
        [3, 0, false],
        [2, 0, true],
      ]);
    });
  });

  it('a settled pass that re-sealed anything is followed by another: a stale write behind it is caught', async () => {
    const ids = await connectUsers(6);
    rotate('2');
    const onePagePerCall = deps({ config: { pageSize: 3, budgetSeconds: 1, settleMarginSeconds: 0 } });
    const first = await rewrapTokens(START_CURSOR, onePagePerCall);
    expect(first).toMatchObject({ scanned: 3, rewrapped: 3, done: false });
    // A write that was in flight from before the version settled lands behind the scan.
    await db.collection(collection).doc(ids[0]!).update({ accessToken: await vault.seal(ids[0]!, 'accessToken', 'in-flight', { keyVersion: '1' }) });
    const calls = [first, ...(await runToCompletion(onePagePerCall, 10, decodeCursor(first.nextCursor!)!))];
    expect(calls.at(-1)).toMatchObject({ done: true, rewrapped: 0 });
    expect(calls.reduce((sum, c) => sum + c.rewrapped, 0)).toBe(7);
    expect((await stored(ids[0]!, 'accessToken')).keyVersion).toBe('2');
  });

  it('reads the newest version on every call: a cursor from an earlier version starts a new pass from the first user', async () => {
    const ids = await connectUsers(6);
    rotate('2');
    const onePagePerCall = deps({ config: { pageSize: 3, budgetSeconds: 1, settleMarginSeconds: 0 } });
    const first = await rewrapTokens(START_CURSOR, onePagePerCall);
    expect(first).toMatchObject({ keyVersion: '2', rewrapped: 3 });
    rotate('3');
    const calls = await runToCompletion(onePagePerCall, 10, decodeCursor(first.nextCursor!)!);
    expect(calls[0]).toMatchObject({ keyVersion: '3', scanned: 3, rewrapped: 3 });
    expect(calls.at(-1)).toMatchObject({ keyVersion: '3', done: true });
    for (const id of ids) expect((await stored(id, 'refreshToken')).keyVersion).toBe('3');
    expect(logs.some((line) => line.includes('newest key version changed'))).toBe(true);
  });
});
