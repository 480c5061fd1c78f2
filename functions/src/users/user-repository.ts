import { FieldValue, type Firestore, Timestamp, type WriteBatch } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error';
import type { UserChange } from '../events/user-event';
import type { UserEvents } from '../events/user-events';
import { sameScopes } from '../google/scopes';
import type { GoogleIdentity } from '../google/verify-id-token';
import type { SealedToken } from '../tokens/vault';
import type { UserProfile, UserRecord } from './user-record';

export interface ConnectUserInput {
  identity: GoogleIdentity;
  scopes: string[];
  /** Absent when Google returned none (not first consent): the stored one is kept. */
  refreshToken: SealedToken | undefined;
  accessToken: SealedToken;
  accessTokenExpiresAt: Date | undefined;
  /** Identifiers of `refreshToken` (refresh-token-ids.ts); stored with it for RISC `token-revoked`. */
  refreshTokenIds?: string[];
  now: Date;
}

export interface UserRepository {
  /**
   * Records a successful sign-in: a new user with one write, an existing one in a transaction, so
   * concurrent exchanges for the same user leave one consistent document. Throws
   * `reconsent_required` when there is no refresh token to keep: nothing is written then.
   * The user's event (connected, reconnected or scopes_changed; none when nothing changed) is
   * part of the same write, and published once it has committed.
   */
  connect(input: ConnectUserInput): Promise<UserRecord>;
  get(userId: string): Promise<UserRecord | undefined>;
}

export interface UserRepositoryDeps {
  /** Stages the lifecycle event of a sign-in in the same write, and publishes it after. */
  events: UserEvents;
  /**
   * A new user's due-index shard (functions/src/offline/due-index/due-index.ts); a user who has
   * one keeps it for good, so a sign-in never moves anyone between shards.
   */
  drawShard: () => number;
}

export function createUserRepository(db: Firestore, collection: string, { events, drawShard }: UserRepositoryDeps): UserRepository {
  const users = db.collection(collection);
  return {
    async connect(input) {
      const ref = users.doc(input.identity.sub);
      // A first sign-in (how a refresh token usually arrives) costs one commit instead of a
      // transaction's read and commit: `create` only succeeds when the user is new.
      if (input.refreshToken) {
        const record = connectedRecord(input, undefined, drawShard);
        const batch = db.batch();
        const staged = events.stage(batch, undefined, signInChange(undefined, record)!, input.now);
        batch.create(ref, { ...record, ...staged?.userFields });
        if (await commitIfNew(batch)) {
          await events.publish(staged);
          return record;
        }
      }
      const { record, staged } = await db.runTransaction(async (tx) => {
        const existing = (await tx.get(ref)).data() as UserRecord | undefined;
        const keepsStoredToken = existing?.status === 'active' && existing.refreshToken !== undefined;
        if (!input.refreshToken && !keepsStoredToken) {
          throw new AppError(
            'reconsent_required',
            'Google did not grant offline access. Sign in again asking for offline access with forced consent.',
          );
        }
        const record = connectedRecord(input, existing, drawShard);
        const change = signInChange(existing, record);
        const staged = change && events.stage(tx, existing?.eventSequence, change, input.now);
        tx.set(
          ref,
          {
            ...record,
            ...staged?.userFields,
            // A reconnect clears what went wrong before and never keeps a stale expiry beside a new token.
            lastError: FieldValue.delete(),
            ...(record.accessTokenExpiresAt ? {} : { accessTokenExpiresAt: FieldValue.delete() }),
            // A reconnect after a disconnect is a fresh start; a new token never keeps the old one's ids.
            disconnectedAt: FieldValue.delete(),
            revokeError: FieldValue.delete(),
            ...(input.refreshToken && !input.refreshTokenIds ? { refreshTokenIds: FieldValue.delete() } : {}),
          },
          { merge: true },
        );
        return { record, staged };
      });
      await events.publish(staged);
      return record;
    },
    async get(userId) {
      return (await users.doc(userId).get()).data() as UserRecord | undefined;
    },
  };
}

/** False when the user's document already exists (gRPC ALREADY_EXISTS): the caller updates it instead. */
async function commitIfNew(batch: WriteBatch): Promise<boolean> {
  try {
    await batch.commit();
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 6) return false;
    throw error;
  }
}

/** What a sign-in changes: a new user, a user back from reauth_required or disconnected, or another set of scopes. */
function signInChange(existing: UserRecord | undefined, record: UserRecord): UserChange | undefined {
  const scopes = record.scopes;
  const userId = record.userId;
  if (!existing) return { kind: 'connected', userId, status: 'active', reason: 'sign_in', scopes };
  if (existing.status !== 'active') return { kind: 'reconnected', userId, status: 'active', reason: 'sign_in', scopes };
  if (!sameScopes(existing.scopes ?? [], scopes)) return { kind: 'scopes_changed', userId, status: 'active', reason: 'sign_in', scopes };
  return undefined;
}

function connectedRecord(input: ConnectUserInput, existing: UserRecord | undefined, drawShard: () => number): UserRecord {
  const now = Timestamp.fromDate(input.now);
  const refreshToken = input.refreshToken ?? existing?.refreshToken;
  return {
    userId: input.identity.sub,
    shard: existing?.shard ?? drawShard(),
    email: input.identity.email ?? null,
    profile: profileOf(input.identity),
    scopes: input.scopes,
    status: 'active',
    ...(refreshToken ? { refreshToken } : {}),
    ...(input.refreshToken && input.refreshTokenIds ? { refreshTokenIds: input.refreshTokenIds } : {}),
    accessToken: input.accessToken,
    ...(input.accessTokenExpiresAt ? { accessTokenExpiresAt: Timestamp.fromDate(input.accessTokenExpiresAt) } : {}),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    connectedAt: now,
    nextRunAt: now,
  };
}

function profileOf(identity: GoogleIdentity): UserProfile {
  return {
    email: identity.email ?? null,
    emailVerified: identity.emailVerified ?? null,
    name: identity.name ?? null,
    givenName: identity.givenName ?? null,
    familyName: identity.familyName ?? null,
    picture: identity.picture ?? null,
    locale: identity.locale ?? null,
  };
}
