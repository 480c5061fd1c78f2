import type { DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import { Timestamp } from '@google-cloud/firestore';
import { AppError } from '../../errors/app-error';
import type { StagedEvent, UserEvents } from '../../events/user-events';
import type { Logger } from '../../logging/logger';
import type { SealedToken, TokenField, TokenVault } from '../../tokens/vault';
import { isUnreadableToken, keyFailure } from '../../tokens/key-failure';
import { isVaultError } from '../../tokens/vault-error';
import type { UserRecord } from '../../users/user-record';
import type { PickerAsUser } from '../../google-photos/picker-for-user';
import { deletePhotoSessions } from '../../google-photos/session-store';
import { endPhotoSessionsAtGoogle } from './end-photo-sessions';
import type { RevokeErrorCode, RevokeToken } from './revoke-at-google';

export interface DisconnectDeps {
  db: Firestore;
  collection: string;
  vault: TokenVault;
  revoke: RevokeToken;
  /** Ends the user's open Picker sessions at Google before the grant is revoked. */
  photos: PickerAsUser;
  events: UserEvents;
  now: () => Date;
  logger: Logger;
}

export interface DisconnectResult {
  /** False when there was nothing to disconnect (never connected, or disconnected before). */
  changed: boolean;
  revokeError: RevokeErrorCode | undefined;
}

/** A sign-in racing the disconnect can store a new grant; we revoke that too, a bounded number of times. */
const MAX_ROUNDS = 3;

/**
 * "Revoke + delete": revokes the user's grant at Google, then replaces the user document with a
 * tombstone `{userId, status: "disconnected", disconnectedAt, updatedAt, createdAt, shard, revokeError?, eventSequence?}`.
 * Tokens, token identifiers, profile, email, scopes, job cursors, lease and dispatch all go.
 * Before the revoke, the user's open Google Photos Picker sessions are deleted at Google (best
 * effort); after the tombstone, the `photoSessions` subcollection and its `items` (picked file
 * names) are deleted too. `photoAlbums` stays: it holds only the id of the app-created album,
 * which a user who connects again keeps using.
 *
 * Why a tombstone rather than no document: a worker that held a lease when the user left finds
 * `status: "disconnected"` and no lease of its own, so LeaseStore refuses its writes (a deleted
 * document would turn them into NOT_FOUND failures logged as errors); a second disconnect and
 * `offlineStatus` can say "disconnected"; and a failed revoke stays on record for the operator.
 * It holds no personal data beyond the Google account id, and a new sign-in reuses it.
 *
 * The tombstone is written in a transaction that first checks no grant we have not revoked
 * appeared meanwhile (a concurrent sign-in); if one did, that one is revoked in another round.
 * The `disconnected` event is part of that transaction, and only when the status changes: a
 * second disconnect emits nothing.
 */
export async function disconnectUser(userId: string, deps: DisconnectDeps): Promise<DisconnectResult> {
  const ref = deps.db.collection(deps.collection).doc(userId);
  const handled = new Set<string>();
  let revokeError: RevokeErrorCode | undefined;
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const record = (await ref.get()).data() as UserRecord | undefined;
    if (round === 1 && record) await endPhotoSessionsAtGoogle(userId, record, deps);
    const pending = record && grantToRevoke(record, handled);
    if (pending) {
      // Every grant is revoked, whatever an earlier round's did; the first failure is the one recorded.
      const failed = await revokeStored(userId, pending, deps);
      revokeError ??= failed;
      handled.add(pending.sealed.ciphertext);
    }
    const { outcome, staged } = await deps.db.runTransaction((tx) => writeTombstone(tx, ref, handled, revokeError, deps));
    if (outcome !== 'new_grant') {
      // The event first: the disconnect has committed, and a slow or failed delete of the
      // session records (a retried disconnect deletes them again) must not hold it back.
      await deps.events.publish(staged);
      await deletePhotoSessions(deps.db, deps.collection, userId);
      return { changed: outcome === 'written', revokeError };
    }
  }
  throw new AppError('storage_unavailable', 'The account changed while disconnecting. Try again.', { retryAfterSeconds: 1 });
}

interface StoredGrant {
  field: TokenField;
  sealed: SealedToken;
}

/** The refresh token stands for the whole grant; an access token alone only when there is no refresh token. */
function grantToRevoke(record: UserRecord, handled: ReadonlySet<string>): StoredGrant | undefined {
  const stored: StoredGrant | undefined = record.refreshToken
    ? { field: 'refreshToken', sealed: record.refreshToken }
    : record.accessToken
      ? { field: 'accessToken', sealed: record.accessToken }
      : undefined;
  return stored && !handled.has(stored.sealed.ciphertext) ? stored : undefined;
}

/**
 * Opens and revokes one stored token. A key problem (Secret Manager unreachable: 503; a
 * misconfigured key: 500) stops the disconnect with nothing changed; a token that can never be
 * opened is deleted anyway.
 */
async function revokeStored(userId: string, grant: StoredGrant, deps: DisconnectDeps): Promise<RevokeErrorCode | undefined> {
  let token: string;
  try {
    token = await deps.vault.open(userId, grant.field, grant.sealed);
  } catch (error) {
    if (isVaultError(error) && !isUnreadableToken(error)) throw keyFailure(error);
    deps.logger.warn('A stored token could not be opened, so it was not revoked at Google; deleting it anyway', {
      userId,
      errorCode: 'token_unreadable',
    });
    return 'token_unreadable';
  }
  const outcome = await deps.revoke(token);
  if (outcome.kind !== 'failed') return undefined;
  deps.logger.warn("Google's revoke failed after retries; the stored tokens are deleted anyway", { userId, errorCode: outcome.code });
  return outcome.code;
}

type TombstoneOutcome = 'written' | 'unchanged' | 'new_grant';

async function writeTombstone(
  tx: Transaction,
  ref: DocumentReference,
  handled: ReadonlySet<string>,
  revokeError: RevokeErrorCode | undefined,
  deps: DisconnectDeps,
): Promise<{ outcome: TombstoneOutcome; staged?: StagedEvent | undefined }> {
  const current = (await tx.get(ref)).data() as UserRecord | undefined;
  if (!current) return { outcome: 'unchanged' };
  if (grantToRevoke(current, handled)) return { outcome: 'new_grant' };
  if (current.status === 'disconnected' && !current.refreshToken && !current.accessToken) return { outcome: 'unchanged' };
  const now = deps.now();
  const at = Timestamp.fromDate(now);
  const userId = current.userId ?? ref.id;
  const staged =
    current.status === 'disconnected'
      ? undefined
      : deps.events.stage(tx, current.eventSequence, { kind: 'disconnected', userId, status: 'disconnected', reason: 'user_request' }, now);
  tx.set(ref, {
    userId,
    status: 'disconnected',
    disconnectedAt: at,
    updatedAt: at,
    ...(current.createdAt ? { createdAt: current.createdAt } : {}),
    // Not personal data, and never changed: a user who signs in again keeps the same shard.
    ...(current.shard === undefined ? {} : { shard: current.shard }),
    ...(revokeError ? { revokeError } : {}),
    ...(current.eventSequence !== undefined ? { eventSequence: current.eventSequence } : {}),
    ...staged?.userFields,
  });
  return { outcome: 'written', staged };
}
