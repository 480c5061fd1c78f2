import { Firestore } from '@google-cloud/firestore';
import { startLocalScheduler } from '../../scripts/lib/local-scheduler';
import { seededRandom } from '../../sandbox/src/seeded-random';
import { fileKeySource } from '../../functions/src/tokens/file-key-source';
import { createTokenVault } from '../../functions/src/tokens/vault';
import { testPhoto } from '../../test/support/images';
import { startTestSandbox, TEST_CLIENT } from '../../test/support/sandbox';
import { useEmulators } from '../lib/emulators';
import { sleep } from '../lib/http-probe';
import { startOfflineStack } from '../suites/offline/offline-stack';
import { signInUsers } from '../suites/offline/sign-in-users';
import { killSchedule, runKills, startFaults } from './chaos';
import { type PushCounter, startPushCounter } from './push-counter';
import { SecretScanner } from './secrets';
import {
  checkActiveUsers,
  checkFirestoreForPlaintext,
  checkLeases,
  checkLogs,
  checkPhotos,
  checkRevokedUsers,
  type SoakCohorts,
  unsettled,
  type Violation,
} from './soak-checks';
import type { SoakConfig } from './soak-config';
import { readSoakState } from './soak-state';

export interface SoakReport {
  config: SoakConfig;
  violations: Violation[];
  stats: {
    seconds: number;
    settledAfterSeconds: number | undefined;
    kills: number;
    messages: number;
    /** Pub/Sub push deliveries to the worker, and the distinct messages among them (the rest are redeliveries). */
    deliveries: number;
    distinctMessages: number;
    /** Messages the worker finished more than once (delivered again while or after it ran them). */
    finishedTwice: number;
    outcomes: { done: number; failed: number; skipped: number; reauthRequired: number };
    faultsInjected: number;
    tokenRefreshes: number;
    logLines: number;
    documentsScanned: number;
  };
}

/**
 * The fault-tolerance soak: the offline pipeline as deployed (exchange, dispatcher, one worker,
 * Pub/Sub push with a short ack deadline, a scheduler tick) under a misbehaving Google, a few users
 * whose grant Google revokes, and a worker that is SIGKILLed and restarted. Then it waits for the
 * system to settle (faults still on) and checks what must always hold; violations are returned,
 * never thrown, so the caller prints them all.
 */
export async function runSoak(config: SoakConfig, log: (line: string) => void): Promise<SoakReport> {
  const started = Date.now();
  const random = seededRandom(config.seed);
  const emulators = await useEmulators();
  const sandbox = await startTestSandbox({ random: seededRandom(config.seed + 1) });
  const lines: { fn: string; line: string }[] = [];
  let pushes: PushCounter | undefined;
  const stack = await startOfflineStack(sandbox, {
    env: config.productEnv,
    ackDeadlineSeconds: config.ackDeadlineSeconds,
    countFirestoreOps: false,
    onOutput: (fn, line) => lines.push({ fn, line }),
    pushEndpoint: async (workerPort) => (pushes = await startPushCounter(workerPort)).url,
  });
  const db = new Firestore({ projectId: stack.projectId });
  const vault = createTokenVault(fileKeySource(stack.keyFile));
  const scanner = new SecretScanner();
  scanner.add(TEST_CLIENT.clientSecret);
  let scheduler: { stop(): void } | undefined;
  let faults: { stop(): void } | undefined;
  try {
    const subs = Array.from({ length: config.users }, (_, i) => `soak-${i}`);
    const cohorts = chooseCohorts(subs, config, random);
    // The live-revoked users keep Google's hour-long first access token, so their first run reuses it.
    await signInUsers(sandbox, stack.exchange.url, cohorts.revokedLive, 16);
    sandbox.admin.setAccessTokenLifetime(config.accessTokenLifetimeSeconds);
    await signInUsers(sandbox, stack.exchange.url, subs.filter((sub) => !cohorts.revokedLive.includes(sub)), 16);
    await scanner.learnStoredTokens(db, vault, subs);
    const photo = await testPhoto(64, 48, { seed: config.seed });
    for (const sub of subs) for (let p = 0; p < config.photosPerUser; p += 1) sandbox.drive.putFile(sub, { name: `photo-${p}.jpg`, mimeType: 'image/jpeg', content: photo });
    for (const sub of cohorts.revoked) sandbox.admin.revokeGrant(sub);
    log(`${config.users} users signed in; ${cohorts.revoked.length} grants revoked (${cohorts.revokedLive.length} with a fresh access token); chaos for ${config.chaosSeconds} s`);

    faults = startFaults(sandbox, config, random);
    scheduler = startLocalScheduler(stack.dispatcher.url, config.schedulerTickSeconds, () => undefined);
    const lateUploads = sleep((config.chaosSeconds * 1000) / 2).then(() => {
      const late = cohorts.active.filter(() => random() < config.lateUploadShare);
      for (const sub of late) sandbox.drive.putFile(sub, { name: 'late.jpg', mimeType: 'image/jpeg', content: photo });
      log(`${late.length} users put a new photo mid-chaos`);
    });
    const kills = await runKills(killSchedule(config, random), stack, random, log);
    await Promise.all([lateUploads, sleep(Math.max(0, started + config.chaosSeconds * 1000 - Date.now()))]);

    const settledAfterSeconds = await waitUntilSettled(db, sandbox, cohorts, config, log);
    scheduler.stop();
    await sleep(1_500); // let a tick or delivery already under way finish before the final reading
    faults.stop();
    const state = await readSoakState(db, sandbox, true);
    await scanner.learnStoredTokens(db, vault, cohorts.active);
    const violations = [
      ...checkPhotos(state, cohorts),
      ...checkActiveUsers(state, cohorts),
      ...checkRevokedUsers(state, cohorts),
      ...checkLeases(state),
      ...checkFirestoreForPlaintext(state, scanner),
      ...checkLogs(lines, scanner),
    ];
    const totals = stack.batches.current();
    const oauth = sandbox.admin.stats();
    const driveFaults = Object.values(sandbox.drive.allStats()).reduce((sum, s) => sum + s.injectedFaults, 0);
    return {
      config,
      violations,
      stats: {
        seconds: Math.round((Date.now() - started) / 1000),
        settledAfterSeconds,
        kills,
        messages: totals.messages,
        deliveries: pushes?.deliveries().total ?? 0,
        distinctMessages: pushes?.deliveries().distinctMessages ?? 0,
        finishedTwice: totals.redelivered,
        outcomes: { done: totals.done, failed: totals.failed, skipped: totals.skipped, reauthRequired: totals.reauthRequired },
        faultsInjected: oauth.faultsInjected + driveFaults,
        tokenRefreshes: oauth.refreshes,
        logLines: lines.length,
        documentsScanned: state.documents.length,
      },
    };
  } finally {
    scheduler?.stop();
    faults?.stop();
    await stack.stop();
    await pushes?.close();
    await db.terminate();
    await sandbox.close();
    await emulators.stop();
  }
}

/** At least one user revoked with a fresh access token and one revoked before a refresh; the rest stay active. */
function chooseCohorts(subs: readonly string[], config: SoakConfig, random: () => number): SoakCohorts {
  const perKind = revokedPerKind(config);
  const shuffled = [...subs];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const revoked = new Set(shuffled.slice(0, 2 * perKind));
  return { active: subs.filter((sub) => !revoked.has(sub)), revoked: [...revoked], revokedLive: shuffled.slice(0, perKind) };
}

/** Users revoked with a fresh access token, and as many again revoked before a refresh. */
export function revokedPerKind(config: SoakConfig): number {
  return Math.max(1, Math.round((config.users * config.revokedShare) / 2));
}

/** Polls until nothing is left to converge (photos, revoked users, leases); undefined if the time ran out. */
async function waitUntilSettled(db: Firestore, sandbox: Parameters<typeof readSoakState>[1], cohorts: SoakCohorts, config: SoakConfig, log: (line: string) => void) {
  const started = Date.now();
  for (;;) {
    const open = unsettled(await readSoakState(db, sandbox, false), cohorts);
    const elapsed = (Date.now() - started) / 1000;
    if (open.length === 0) {
      log(`settled ${elapsed.toFixed(1)} s after the chaos`);
      return Math.round(elapsed * 10) / 10;
    }
    if (elapsed > config.settleSeconds) {
      log(`not settled after ${config.settleSeconds} s: ${open.length} open item(s)`);
      return undefined;
    }
    if (Math.floor(elapsed) % 5 === 0) log(`settling: ${open.length} open, e.g. ${open[0]?.detail ?? ''}`);
    await sleep(1_000);
  }
}
