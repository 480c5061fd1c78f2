import type { SecretScanner } from './secrets';
import type { SoakState } from './soak-state';

export interface Violation {
  check: string;
  detail: string;
}

export interface SoakCohorts {
  active: readonly string[];
  /** Every user whose grant Google revoked... */
  revoked: readonly string[];
  /** ...and those of them whose cached access token was still fresh when it happened. */
  revokedLive: readonly string[];
}

/** Each active user's photos each have exactly one enhanced result, and no result lacks its photo. */
export function checkPhotos(state: SoakState, cohorts: SoakCohorts): Violation[] {
  const violations: Violation[] = [];
  for (const sub of cohorts.active) {
    const files = state.files(sub);
    const results = files.filter((f) => f.appProperties?.derivedFrom);
    const sources = files.filter((f) => !f.appProperties?.derivedFrom);
    for (const source of sources) {
      const count = results.filter((r) => r.appProperties?.derivedFrom === source.id).length;
      if (count !== 1) violations.push({ check: 'photos', detail: `${sub}: photo ${source.id} has ${count} enhanced results (${describeUser(state, sub)})` });
    }
    for (const result of results) {
      if (!sources.some((s) => s.id === result.appProperties?.derivedFrom)) violations.push({ check: 'photos', detail: `${sub}: result ${result.id} has no source photo` });
    }
  }
  return violations;
}

/** Transient faults never cost a user the grant: everyone not revoked is still active. */
export function checkActiveUsers(state: SoakState, cohorts: SoakCohorts): Violation[] {
  return cohorts.active
    .filter((sub) => state.users.get(sub)?.status !== 'active')
    .map((sub) => ({ check: 'active users', detail: `${sub} is ${state.users.get(sub)?.status ?? 'missing'}` }));
}

/**
 * Every user whose grant Google revoked is reauth_required with no token left, and nothing was done
 * for them after it (the revocation came before their first run), however the worker learnt of it.
 */
export function checkRevokedUsers(state: SoakState, cohorts: SoakCohorts): Violation[] {
  const violations: Violation[] = [];
  for (const sub of cohorts.revoked) {
    const user = state.users.get(sub);
    const how = cohorts.revokedLive.includes(sub) ? 'revoked with a fresh access token' : 'revoked before a refresh';
    if (user?.status !== 'reauth_required') violations.push({ check: 'revoked users', detail: `${sub} (${how}) is ${user?.status ?? 'missing'}, not reauth_required` });
    if (user?.refreshToken || user?.accessToken) violations.push({ check: 'revoked users', detail: `${sub} (${how}) still has a stored token` });
    const results = state.files(sub).filter((f) => f.appProperties?.derivedFrom).length;
    if (results > 0) violations.push({ check: 'revoked users', detail: `${sub} (${how}) got ${results} enhanced result(s) after the revocation` });
  }
  return violations;
}

/** No lease outlives its expiry: a crashed worker's lease is always taken over or released. */
export function checkLeases(state: SoakState): Violation[] {
  const violations: Violation[] = [];
  for (const [sub, user] of state.users) {
    const expiresAt = user.lease?.expiresAt?.toMillis();
    if (expiresAt !== undefined && expiresAt <= state.at) {
      violations.push({ check: 'leases', detail: `${sub}: lease held by ${user.lease?.owner} expired ${Math.round((state.at - expiresAt) / 1000)} s ago` });
    }
  }
  return violations;
}

export function checkFirestoreForPlaintext(state: SoakState, scanner: SecretScanner): Violation[] {
  return state.documents.flatMap((doc) => scanner.leaks(doc.json).map((leak) => ({ check: 'plaintext in Firestore', detail: `${doc.path} holds ${leak}` })));
}

export function checkLogs(lines: readonly { fn: string; line: string }[], scanner: SecretScanner): Violation[] {
  return lines.flatMap(({ fn, line }, index) => scanner.leaks(line).map((leak) => ({ check: 'token in logs', detail: `${fn} log line ${index} holds ${leak}` })));
}

/** What must hold before the soak stops waiting: the parts of the final check that take time to converge. */
export function unsettled(state: SoakState, cohorts: SoakCohorts): Violation[] {
  return [...checkPhotos(state, cohorts), ...checkRevokedUsers(state, cohorts), ...checkLeases(state)];
}

/** The user's scheduling state, to tell a slow convergence from a stuck one. */
function describeUser(state: SoakState, sub: string): string {
  const user = state.users.get(sub);
  if (!user) return 'no user document';
  const inSeconds = (ms: number | undefined): string => (ms === undefined ? '-' : `${Math.round((ms - state.at) / 1000)} s`);
  const summary = (user as { lastSummary?: Record<string, number> }).lastSummary;
  return [
    `status ${user.status}`,
    `lastError ${user.lastError ?? '-'}`,
    `attempts ${user.attempts ?? 0}`,
    `next run in ${inSeconds(user.nextRunAt?.toMillis())}`,
    `last run ${inSeconds(user.lastRunAt?.toMillis())}`,
    `lease ${user.lease ? `expires in ${inSeconds(user.lease.expiresAt.toMillis())}` : '-'}`,
    `dispatch ${user.dispatch ? inSeconds(user.dispatch.at.toMillis()) : '-'}`,
    `last summary ${JSON.stringify(summary ?? {})}`,
  ].join(', ');
}
