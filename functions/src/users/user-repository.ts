import { type DocumentReference, FieldValue, type Firestore, Timestamp } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error';
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
   */
  connect(input: ConnectUserInput): Promise<UserRecord>;
  get(userId: string): Promise<UserRecord | undefined>;
}

/**
 * `drawShard` gives a new user its due-index shard (functions/src/offline/due-index.ts); a user
 * who has one keeps it for good, so a sign-in never moves anyone between shards.
 */
export function createUserRepository(db: Firestore, collection: string, drawShard: () => number): UserRepository {
  const users = db.collection(collection);
  return {
    async connect(input) {
      const ref = users.doc(input.identity.sub);
      // A first sign-in (how a refresh token usually arrives) costs one write instead of a
      // transaction's read and commit: `create` only succeeds when the user is new.
      if (input.refreshToken) {
        const record = connectedRecord(input, undefined, drawShard);
        if (await createIfNew(ref, record)) return record;
      }
      return db.runTransaction(async (tx) => {
        const existing = (await tx.get(ref)).data() as UserRecord | undefined;
        const keepsStoredToken = existing?.status === 'active' && existing.refreshToken !== undefined;
        if (!input.refreshToken && !keepsStoredToken) {
          throw new AppError(
            'reconsent_required',
            'Google did not grant offline access. Sign in again asking for offline access with forced consent.',
          );
        }
        const record = connectedRecord(input, existing, drawShard);
        tx.set(
          ref,
          {
            ...record,
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
        return record;
      });
    },
    async get(userId) {
      return (await users.doc(userId).get()).data() as UserRecord | undefined;
    },
  };
}

/** False when the document already exists (gRPC ALREADY_EXISTS): the caller updates it instead. */
async function createIfNew(ref: DocumentReference, record: UserRecord): Promise<boolean> {
  try {
    await ref.create(record);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 6) return false;
    throw error;
  }
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
