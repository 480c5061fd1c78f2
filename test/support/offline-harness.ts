import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { loadGoogleOAuthConfig, loadWorkerConfig } from '../../functions/src/config';
import { loadDriveConfig } from '../../functions/src/drive/drive-config';
import { USER_EVENTS_OFF, type UserEvents } from '../../functions/src/events/user-events';
import { exchangeAuthCode } from '../../functions/src/exchange/exchange-auth-code';
import { createGoogleSignIn } from '../../functions/src/google/google-sign-in';
import { createOAuthClient } from '../../functions/src/google/oauth-client';
import { loadPhotosConfig } from '../../functions/src/google-photos/photos-config';
import { registeredJobs } from '../../functions/src/jobs/registered-jobs';
import { createLogger, type Logger } from '../../functions/src/logging/logger';
import { DEFAULT_DUE_SHARDS } from '../../functions/src/config/due-index-config';
import { drawShard } from '../../functions/src/offline/due-index/due-index';
import { LeaseStore } from '../../functions/src/offline/work/lease-store';
import { type BatchResult, runBatch } from '../../functions/src/offline/work/run-batch';
import type { RunUserDeps } from '../../functions/src/offline/work/run-user';
import { fileKeySource } from '../../functions/src/tokens/file-key-source';
import { createTokenVault, type TokenVault } from '../../functions/src/tokens/vault';
import { createUserRepository } from '../../functions/src/users/user-repository';
import type { UserRecord } from '../../functions/src/users/user-record';
import type { SandboxGoogle } from '../../sandbox/src/server';
import { emulatorFirestore, emulatorProjectId } from './firestore';
import { newKeyFile, sandboxEnv } from './function-process';
import { testPhoto } from './images';
import { FULL_SCOPES, startTestSandbox } from './sandbox';

/**
 * Everything an offline-work test needs, all real: the sandbox Google (OAuth + Drive), a Firestore
 * emulator project, a key file, users connected through the real exchange, and worker deps wired as
 * the `runOfflineWork` entry wires them.
 */
export interface OfflineHarness {
  sandbox: SandboxGoogle;
  db: Firestore;
  /** The emulator project `db` uses: a function process given it shares the harness's data. */
  projectId: string;
  vault: TokenVault;
  env: NodeJS.ProcessEnv;
  logs: string[];
  /** Signs `sub` in through the real exchange (FULL_SCOPES unless told) and puts `photos` in their Drive. */
  connect(sub: string, photos?: number, scopes?: readonly string[]): Promise<void>;
  workerDeps(overrides?: Partial<RunUserDeps>): Omit<RunUserDeps, 'owner'>;
  user(sub: string): Promise<UserRecord>;
  close(): Promise<void>;
}

/** Worker deps as the `runOfflineWork` entry wires them, over the given Firestore, vault and environment, with quick retries. */
export function workerDepsFor(parts: { db: Firestore; vault: TokenVault; env: NodeJS.ProcessEnv; logger: Logger; events?: UserEvents }): Omit<RunUserDeps, 'owner'> {
  return {
    leases: new LeaseStore(parts.db, 'users', parts.events ?? USER_EVENTS_OFF),
    vault: parts.vault,
    oauth: createOAuthClient(loadGoogleOAuthConfig(parts.env)),
    jobs: registeredJobs({ db: parts.db, usersCollection: 'users', events: parts.events ?? USER_EVENTS_OFF, photos: loadPhotosConfig(parts.env) }),
    config: loadWorkerConfig(parts.env),
    refreshRetry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 20 },
    drive: { ...loadDriveConfig(parts.env), maxRetryDelayMs: 50 },
    now: () => new Date(),
    random: Math.random,
    logger: parts.logger,
  };
}

/** `eventsOn`: the lifecycle events the exchange and the worker emit, over the harness's Firestore (default: off). */
export async function startOfflineHarness(
  label: string,
  envOverrides: NodeJS.ProcessEnv = {},
  eventsOn: (db: Firestore) => UserEvents = () => USER_EVENTS_OFF,
): Promise<OfflineHarness> {
  const sandbox = await startTestSandbox();
  const projectId = emulatorProjectId(label);
  const db = emulatorFirestore(label, projectId);
  const keyFile = newKeyFile();
  const vault = createTokenVault(fileKeySource(keyFile));
  const env = { ...sandboxEnv(sandbox, 'unused', keyFile), ...envOverrides };
  const oauthConfig = loadGoogleOAuthConfig(env);
  const logs: string[] = [];
  const logger = createLogger({}, (line) => logs.push(line));
  const events = eventsOn(db);
  const users = createUserRepository(db, 'users', { events, drawShard: () => drawShard(DEFAULT_DUE_SHARDS, Math.random) });
  const exchangeDeps = { google: createGoogleSignIn(oauthConfig), users, vault, requiredScopes: oauthConfig.requiredScopes, now: () => new Date() };

  return {
    sandbox,
    db,
    projectId,
    vault,
    env,
    logs,
    async connect(sub, photos = 0, scopes = FULL_SCOPES) {
      const { code } = sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: [...scopes], forceConsent: true });
      await exchangeAuthCode(code, exchangeDeps);
      for (let i = 0; i < photos; i += 1) {
        sandbox.drive.putFile(sub, { name: `photo-${i}.jpg`, mimeType: 'image/jpeg', content: await testPhoto(64, 48, { seed: i }) });
      }
    },
    workerDeps(overrides = {}) {
      return { ...workerDepsFor({ db, vault, env, logger, events }), ...overrides };
    },
    async user(sub) {
      return (await db.collection('users').doc(sub).get()).data() as UserRecord;
    },
    async close() {
      await sandbox.close();
      await db.terminate();
    },
  };
}

/**
 * One worker run of a user whose cached access token has expired (so the run refreshes first, and
 * its final write carries a new token), dispatched for it alone, with the given deps (jobs, vault).
 */
export async function runWithExpiredToken(h: OfflineHarness, userId: string, overrides: Partial<RunUserDeps> = {}): Promise<BatchResult> {
  const dispatchId = `dispatch-${userId}`;
  await h.db.collection('users').doc(userId).update({ accessTokenExpiresAt: Timestamp.fromMillis(0), dispatch: { id: dispatchId, at: Timestamp.now() } });
  return runBatch({ v: 1, users: [{ userId, dispatchId }] }, Date.now() + 60_000, { ...h.workerDeps(overrides), owner: `worker-${userId}` });
}
