import { createHash } from 'node:crypto';
import { type DocumentReference, type Firestore, Timestamp, type Transaction } from '@google-cloud/firestore';
import type { StagedEvent, UserEvents } from '../events/user-events';
import { refreshTokenIdFromEvent } from '../users/refresh-token-ids';
import type { UserRecord } from '../users/user-record';
import { effectOf, isStopEvent, lifecycleReasonOf, type StopEventName, userUpdateFor } from './event-effects';
import type { EventSubject, SecurityEvent } from './security-events';
import type { SecurityEventToken } from './verify-security-event-token';

/** Where received event ids are kept; `expireAt` is its TTL field (infra/firestore.indexes.json). */
export const RISC_EVENTS_COLLECTION = 'riscEvents';
/** Google redelivers for a limited time; a month of remembered ids covers it many times over. */
export const EVENT_RETENTION_DAYS = 30;
/** A refresh token is stored once; more matches than this would be a bug, not a user base. */
const MAX_TOKEN_MATCHES = 10;

export interface ApplyDeps {
  db: Firestore;
  usersCollection: string;
  events: UserEvents;
  now: () => Date;
}

export interface AppliedEvents {
  duplicate: boolean;
  /** Per event, in token order: how many user documents it changed. */
  changedUsers: number[];
  /** Per event: how many users it took from active to reauth_required (a user already stopped is not counted again). */
  stoppedUsers: number[];
}

/**
 * Applies a verified token's events in one Firestore transaction that also records its `jti`:
 * `riscEvents/{sha256(iss, jti)}` is created with `create()`, so of two deliveries of the same
 * event (Google redelivers, possibly concurrently) exactly one commits its effects; the other
 * sees the record and changes nothing. Effects and the record commit together or not at all, so
 * a failure half-way leaves nothing that would make Google's redelivery look like a duplicate.
 * A user whose offline access an event stops gets one `reauth_required` event in the same
 * transaction; a user already stopped (a repeated or second event) gets none.
 */
export async function applySecurityEvents(token: SecurityEventToken, events: readonly SecurityEvent[], deps: ApplyDeps): Promise<AppliedEvents> {
  const record = deps.db.collection(RISC_EVENTS_COLLECTION).doc(eventDocumentId(token));
  const { applied, staged } = await deps.db.runTransaction(async (tx) => {
    if ((await tx.get(record)).exists) return { applied: { duplicate: true, changedUsers: events.map(() => 0), stoppedUsers: events.map(() => 0) }, staged: [] };
    const targets = await Promise.all(events.map((event) => readTargets(tx, event, deps)));
    const now = deps.now();
    const receivedAt = Timestamp.fromDate(now);
    // One write per user document, even when several events of the token concern the same user.
    const updates = new Map<string, PendingUpdate>();
    const stoppedUsers = events.map(() => 0);
    const changedUsers = events.map((event, index) => {
      if (event.name === 'verification' || event.name === 'unknown') return 0;
      let changed = 0;
      for (const target of targets[index] ?? []) {
        const fields = userUpdateFor(target.user, { name: event.name, jti: token.jti, reason: event.reason, receivedAt });
        if (!fields) continue;
        const pending = updates.get(target.ref.path);
        const stops = pending?.stoppedBy === undefined && target.user.status === 'active' && isStopEvent(event.name) ? event.name : undefined;
        if (stops) stoppedUsers[index] = (stoppedUsers[index] ?? 0) + 1;
        updates.set(target.ref.path, { ...target, fields: { ...pending?.fields, ...fields }, stoppedBy: pending?.stoppedBy ?? stops });
        changed += 1;
      }
      return changed;
    });
    const staged: StagedEvent[] = [];
    for (const { ref, user, fields, stoppedBy } of updates.values()) {
      const event = stoppedBy && deps.events.stage(tx, user.eventSequence, { kind: 'reauth_required', userId: ref.id, status: 'reauth_required', reason: lifecycleReasonOf(stoppedBy) }, now);
      if (event) staged.push(event);
      tx.update(ref, { ...fields, ...event?.userFields });
    }
    tx.create(record, {
      jti: token.jti,
      issuer: token.issuer,
      events: events.map((event) => (event.name === 'unknown' ? event.uri : event.name)),
      changedUsers,
      ...(token.issuedAt ? { issuedAt: Timestamp.fromDate(token.issuedAt) } : {}),
      receivedAt,
      expireAt: Timestamp.fromMillis(receivedAt.toMillis() + EVENT_RETENTION_DAYS * 86_400_000),
    });
    return { applied: { duplicate: false, changedUsers, stoppedUsers }, staged };
  });
  await Promise.all(staged.map((event) => deps.events.publish(event)));
  return applied;
}

interface PendingUpdate extends Target {
  fields: Record<string, unknown>;
  /** The event that took this user from active to reauth_required, if one did. */
  stoppedBy: StopEventName | undefined;
}

/** The jti is chosen by the issuer: hashed, it is always a valid document id of fixed length. */
export function eventDocumentId(token: Pick<SecurityEventToken, 'issuer' | 'jti'>): string {
  return createHash('sha256').update(`${token.issuer}\n${token.jti}`, 'utf8').digest('hex');
}

interface Target {
  ref: DocumentReference;
  user: UserRecord;
}

async function readTargets(tx: Transaction, event: SecurityEvent, deps: ApplyDeps): Promise<Target[]> {
  if (event.name === 'verification' || event.name === 'unknown' || effectOf(event.name) === 'none') return [];
  return findUsers(tx, event.subject, deps);
}

/** Users are keyed by Google account id; a token subject is matched by its stored identifier. */
async function findUsers(tx: Transaction, subject: EventSubject, deps: ApplyDeps): Promise<Target[]> {
  const users = deps.db.collection(deps.usersCollection);
  if (subject.kind === 'account') {
    const snapshot = await tx.get(users.doc(subject.sub));
    return snapshot.exists ? [{ ref: snapshot.ref, user: snapshot.data() as UserRecord }] : [];
  }
  if (subject.kind === 'token') {
    const id = refreshTokenIdFromEvent(subject.alg, subject.token);
    if (!id) return [];
    const matches = await tx.get(users.where('refreshTokenIds', 'array-contains', id).limit(MAX_TOKEN_MATCHES));
    return matches.docs.map((doc) => ({ ref: doc.ref, user: doc.data() as UserRecord }));
  }
  return [];
}
