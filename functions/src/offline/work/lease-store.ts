import { FieldValue, type Firestore, Timestamp } from '@google-cloud/firestore';
import type { UserChange } from '../../events/user-event';
import type { OutboxWrites, StagedEvent, UserEvents } from '../../events/user-events';
import { sameRefreshToken } from '../../users/refresh-token-ids';
import { leaseRunning, type UserRecord } from '../../users/user-record';

export type SkipReason = 'missing' | 'inactive' | 'stale_dispatch' | 'lease_held' | 'lost_race' | 'grant_replaced';

export interface Lease {
  readonly userId: string;
  readonly owner: string;
  readonly record: UserRecord;
  /** Update time of our last write: later writes are conditioned on nobody else writing since. */
  lastWriteTime: Timestamp;
  /** The `nextRunAt` taking the lease wrote (its expiry); another value means someone else moved it. */
  readonly leasedUntil: Timestamp;
  /** Runs since the user's last completed one that never made their final write (UserRecord.unfinishedRuns; 0 normally). */
  readonly unfinishedRuns: number;
}

export type LeaseOutcome = { kind: 'leased'; lease: Lease } | { kind: 'skipped'; reason: SkipReason };

/**
 * The lifecycle events a run's final write makes, judged on the user's document as that write
 * finds it (undefined or none: no event). Most runs change nothing and pass none.
 */
export type RunChange = (current: UserRecord) => UserChange | readonly UserChange[] | undefined;

/** Several changes one final write may make (a refresh's new scopes and the work pausing, say), in this order. */
export function runChanges(...changes: readonly (RunChange | undefined)[]): RunChange | undefined {
  const present = changes.filter((change): change is RunChange => change !== undefined);
  if (present.length <= 1) return present[0];
  return (current) => present.flatMap((change) => changesOf(change, current));
}

function changesOf(change: RunChange, current: UserRecord): readonly UserChange[] {
  const made = change(current);
  if (made === undefined) return [];
  return Array.isArray(made) ? made : [made as UserChange];
}

/** Reads and conditional writes a take tries before skipping a user someone keeps writing. */
const TAKE_ATTEMPTS = 3;
const LOST_RACE = Symbol('lost race');

export interface TakeLeaseInput {
  userId: string;
  dispatchId: string;
  owner: string;
  now: Date;
  leaseSeconds: number;
}

/**
 * The user-document operations of a worker run, each one read or one conditional write
 * (optimistic concurrency on the document's update time instead of transactions, so a run costs
 * one read and two writes). A write that loses a race is detected, never silently applied.
 */
export class LeaseStore {
  constructor(
    private readonly db: Firestore,
    private readonly collection: string,
    private readonly events: UserEvents,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Claims the user for this run if the message is the current dispatch and nobody holds the user.
   * A write in between that leaves both so (a key rotation's rewrap, the shard backfill, a sign-in)
   * is not a reason to skip: the user's `nextRunAt` still holds the dispatcher's claim, so a skip
   * would delay them by the claim's whole lease. The take reads again and retries, at most
   * TAKE_ATTEMPTS times; only then, or when the write in between did change who runs, it skips.
   */
  async take(input: TakeLeaseInput): Promise<LeaseOutcome> {
    let outcome: LeaseOutcome | typeof LOST_RACE = LOST_RACE;
    for (let attempt = 0; attempt < TAKE_ATTEMPTS && outcome === LOST_RACE; attempt += 1) outcome = await this.tryTake(input);
    return outcome === LOST_RACE ? { kind: 'skipped', reason: 'lost_race' } : outcome;
  }

  private async tryTake(input: TakeLeaseInput): Promise<LeaseOutcome | typeof LOST_RACE> {
    const ref = this.db.collection(this.collection).doc(input.userId);
    const snapshot = await ref.get();
    const record = snapshot.data() as UserRecord | undefined;
    if (!record || !snapshot.updateTime) return { kind: 'skipped', reason: 'missing' };
    if (record.status !== 'active') return { kind: 'skipped', reason: 'inactive' };
    if (record.dispatch?.id !== input.dispatchId) return { kind: 'skipped', reason: 'stale_dispatch' };
    if (leaseRunning(record.lease, input.now)) return { kind: 'skipped', reason: 'lease_held' };
    const expiresAt = Timestamp.fromMillis(input.now.getTime() + input.leaseSeconds * 1000);
    // A lease still there (expired: checked above) is a run that never made its final write; the
    // count stays until a run completes its jobs (run-user.ts deletes it then).
    const unfinishedRuns = (record.unfinishedRuns ?? 0) + (record.lease ? 1 : 0);
    try {
      const result = await ref.update(
        // nextRunAt moves with the lease: if this worker dies, the user is due again when the lease ends.
        { lease: { owner: input.owner, expiresAt }, nextRunAt: expiresAt, ...(record.lease ? { unfinishedRuns } : {}) },
        { lastUpdateTime: snapshot.updateTime },
      );
      return { kind: 'leased', lease: { userId: input.userId, owner: input.owner, record, lastWriteTime: result.writeTime, leasedUntil: expiresAt, unfinishedRuns } };
    } catch (error) {
      if (isPreconditionFailure(error)) return LOST_RACE;
      throw error;
    }
  }

  /**
   * Writes fields while still holding the lease. Conditioned on our own last write; if someone
   * else wrote in between (a sign-in, say), re-reads and applies only if we still hold the lease.
   * Returns false when the lease was lost (the write is then not applied).
   */
  async write(lease: Lease, fields: Record<string, unknown>): Promise<boolean | 'grant_replaced'> {
    const ref = this.db.collection(this.collection).doc(lease.userId);
    try {
      lease.lastWriteTime = (await ref.update(fields, { lastUpdateTime: lease.lastWriteTime })).writeTime;
      return true;
    } catch (error) {
      if (!isPreconditionFailure(error)) throw error;
    }
    return this.db.runTransaction(async (tx) => {
      const current = (await tx.get(ref)).data() as UserRecord | undefined;
      // A user who disconnected mid-run must not get tokens written back.
      if (current?.lease?.owner !== lease.owner || current.status !== 'active') return false;
      if (grantReplaced(fields, current, lease)) {
        tx.update(ref, releaseOnly(fields));
        return 'grant_replaced' as const;
      }
      tx.update(ref, overConcurrentWrites(fields, current, lease));
      return true;
    });
  }

  /**
   * Ends the run: the fields plus releasing the lease and the dispatch, so a redelivered message
   * is a no-op. With a `change`, its event's outbox entry is part of the same write, then published.
   * 'grant_replaced': the fields dropped the refresh token this run held, but a sign-in stored
   * another one meanwhile; only the lease and the dispatch were released (forRefusedGrant).
   */
  async finish(lease: Lease, fields: Record<string, unknown>, change?: RunChange): Promise<boolean | 'grant_replaced'> {
    const final = { ...fields, lease: FieldValue.delete(), dispatch: FieldValue.delete() };
    if (!change) return this.write(lease, final);
    const written = await this.writeWithEvent(lease, final, change);
    if (!written) return false;
    // In order: a consumer sees the sequence numbers rise.
    for (const event of written.events) await this.events.publish(event);
    return written.replaced ? 'grant_replaced' : true;
  }

  /**
   * `write`, with the event: a batch of the same conditional update plus the outbox entry, or the
   * same fallback transaction. The change is judged on the document the write applies to.
   */
  private async writeWithEvent(lease: Lease, fields: Record<string, unknown>, change: RunChange): Promise<{ events: StagedEvent[]; replaced?: true } | undefined> {
    const ref = this.db.collection(this.collection).doc(lease.userId);
    try {
      const batch = this.db.batch();
      const events = this.stage(batch, lease.record, change);
      batch.update(ref, { ...fields, ...sequenceOf(events) }, { lastUpdateTime: lease.lastWriteTime });
      const results = await batch.commit();
      // The user's update is the batch's last write.
      lease.lastWriteTime = results[results.length - 1]!.writeTime;
      return { events };
    } catch (error) {
      if (!isPreconditionFailure(error)) throw error;
    }
    return this.db.runTransaction(async (tx) => {
      const current = (await tx.get(ref)).data() as UserRecord | undefined;
      if (current?.lease?.owner !== lease.owner || current.status !== 'active') return undefined;
      if (grantReplaced(fields, current, lease)) {
        tx.update(ref, releaseOnly(fields));
        return { events: [], replaced: true as const };
      }
      const events = this.stage(tx, current, change);
      tx.update(ref, { ...overConcurrentWrites(fields, current, lease), ...sequenceOf(events) });
      return { events };
    });
  }

  /** Each change's outbox entry, numbered on from the user's last event. */
  private stage(writes: OutboxWrites, current: UserRecord, change: RunChange): StagedEvent[] {
    const staged: StagedEvent[] = [];
    let sequence = current.eventSequence;
    for (const userChange of changesOf(change, current)) {
      const event = this.events.stage(writes, sequence, userChange, this.now());
      if (event === undefined) continue;
      staged.push(event);
      sequence = event.userFields.eventSequence;
    }
    return staged;
  }
}

/** The user's event counter after the staged events (nothing when there are none). */
function sequenceOf(events: readonly StagedEvent[]): Partial<StagedEvent['userFields']> {
  return events.length === 0 ? {} : events[events.length - 1]!.userFields;
}

/** The run's fields, less what writes made while we held the lease have a newer say on (the two rules below). */
function overConcurrentWrites(fields: Record<string, unknown>, current: UserRecord, lease: Lease): Record<string, unknown> {
  return keepEarlierRun(keepNewerSignIn(fields, current, lease), current, lease);
}

/**
 * A write made while we held the lease may have asked for an earlier run than ours (a Picker
 * session created mid-run moves `nextRunAt` to its polling interval): that request is kept.
 */
function keepEarlierRun(fields: Record<string, unknown>, current: UserRecord, lease: Lease): Record<string, unknown> {
  const ours = fields.nextRunAt;
  const theirs = current.nextRunAt;
  if (!(ours instanceof Timestamp) || !(theirs instanceof Timestamp) || theirs.isEqual(lease.leasedUntil)) return fields;
  return theirs.toMillis() < ours.toMillis() ? { ...fields, nextRunAt: theirs } : fields;
}

/** What a sign-in stores of the grant: a run's writes from the grant it started with must not overwrite them. */
const SIGN_IN_FIELDS: ReadonlySet<string> = new Set(['accessToken', 'accessTokenExpiresAt', 'refreshToken', 'refreshTokenIds', 'scopes']);

/**
 * The user signed in again while we held the lease (the exchange leaves the lease be), and this is
 * not the run's verdict on the grant itself (reauth_required, which grantReplaced judges).
 */
function signedInSince(fields: Record<string, unknown>, current: UserRecord, lease: Lease): boolean {
  return fields.status === undefined && signedInAgain(lease.record, current);
}

/** The user signed in again between the two reads of their document (the exchange sets `connectedAt`). */
export function signedInAgain(before: UserRecord, current: UserRecord): boolean {
  const ours = before.connectedAt;
  const theirs = current.connectedAt;
  return ours instanceof Timestamp && theirs instanceof Timestamp && !theirs.isEqual(ours);
}

/**
 * After a sign-in mid-run, the run's tokens and scopes (refreshed from the grant it started with)
 * are dropped from its writes: the sign-in's are newer, and may carry scopes the old grant lacks.
 * The rest (cursors, summary, the next run) is the run's to record.
 */
function keepNewerSignIn(fields: Record<string, unknown>, current: UserRecord, lease: Lease): Record<string, unknown> {
  if (!signedInSince(fields, current, lease)) return fields;
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !SIGN_IN_FIELDS.has(key)));
}

/**
 * The run's fields drop the refresh token (Google refused the grant: invalid_grant), but the one
 * stored now is another grant's: a sign-in mid-run (after the user revoked and came back) stored
 * it, and the refusal says nothing about it (sameRefreshToken: a key rotation's re-seal is the same token).
 */
function grantReplaced(fields: Record<string, unknown>, current: UserRecord, lease: Lease): boolean {
  if (!(fields.refreshToken instanceof FieldValue && fields.refreshToken.isEqual(FieldValue.delete()))) return false;
  return !sameRefreshToken(lease.record, current);
}

/** Of a final write, only letting go of the user: its lease, its dispatch, and (a completed run's) the count of unfinished runs. */
const RELEASE_FIELDS = new Set(['lease', 'dispatch', 'unfinishedRuns']);
function releaseOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => RELEASE_FIELDS.has(key)));
}

function isPreconditionFailure(error: unknown): boolean {
  // gRPC FAILED_PRECONDITION (9); the emulator and production both use it for lastUpdateTime mismatches.
  return (error as { code?: unknown }).code === 9;
}
