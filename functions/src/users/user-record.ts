import { Timestamp } from '@google-cloud/firestore';
import type { LastPhotoSession } from '../google-photos/session-store';
import type { SealedToken } from '../tokens/vault';

/**
 * One document per Google account, at `<USERS_COLLECTION>/<sub>`. Tokens are only ever stored
 * sealed by the vault; everything else is plain so operators can read it.
 */
export type UserStatus = 'active' | 'reauth_required' | 'disconnected';

export interface UserProfile {
  email: string | null;
  emailVerified: boolean | null;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  picture: string | null;
  locale: string | null;
}

export interface UserRecord {
  userId: string;
  email: string | null;
  profile: UserProfile;
  scopes: string[];
  status: UserStatus;
  refreshToken?: SealedToken;
  accessToken?: SealedToken;
  accessTokenExpiresAt?: Timestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  connectedAt: Timestamp;
  /** When the offline scheduler should next pick this user up. */
  nextRunAt: Timestamp;
  /**
   * The user's shard of the due index, drawn at first sign-in and never changed (absent only on
   * documents written before sharding, until `backfillShards` gives them one).
   */
  shard?: number;
  lastRunAt?: Timestamp;
  /** Stable code of the last failed run; cleared by a successful run or a new sign-in. */
  lastError?: string;
  /** Consecutive failed runs, for backoff. */
  attempts?: number;
  /** Set by the dispatcher when it hands the user to a worker; a message must match it to run. */
  dispatch?: { id: string; at: Timestamp };
  /** Held by the worker running this user; expires so a crashed worker never strands the user. */
  lease?: { owner: string; expiresAt: Timestamp };
  /**
   * Runs since the last one that completed its jobs that took the lease and never made their
   * final write (the worker was killed for memory or crashed, or the write failed): counted when
   * a run finds such a lease left behind, deleted by the final write of a run whose jobs all
   * returned (one that failed, stopped or never started keeps it). Jobs see it as
   * OfflineJobContext.unfinishedRuns.
   */
  unfinishedRuns?: number;
  /**
   * What the offline work waits for the user to do (a run failed with a code only they can end:
   * `drive_storage_full`); set by that failure, deleted by the next run whose jobs all return.
   * Its coming and going are the `work_paused` / `work_resumed` events.
   */
  waitingForUser?: string;
  /** Per offline job: its saved cursor and last result. */
  jobs?: Record<string, JobState>;
  /** The last run's counts, summed over the jobs (e.g. `{ enhanced: 3 }`). */
  lastSummary?: Record<string, number>;
  /** Identifiers of the stored refresh token (refresh-token-ids.ts), for RISC `token-revoked`. */
  refreshTokenIds?: string[];
  /** Set by `disconnect`; the document is then a tombstone (see lifecycle/disconnect). */
  disconnectedAt?: Timestamp;
  /** Why Google's revoke failed at disconnect (the local deletion happened anyway). */
  revokeError?: string;
  /** The last Cross-Account Protection event applied to this user. */
  lastSecurityEvent?: SecurityEventRecord;
  /** RISC `account-credential-change-required`: recorded, nothing else changes. */
  credentialChangeRequiredAt?: Timestamp;
  /** RISC `account-enabled`: recorded; a user whose tokens were deleted still signs in again. */
  accountEnabledAt?: Timestamp;
  /** The `sequence` of the user's last lifecycle event (events/); kept by the disconnect tombstone. */
  eventSequence?: number;
  /** What the last finished Google Photos Picker session did (google-photos/session-store.ts), for `offlineStatus`. */
  lastPhotoSession?: LastPhotoSession;
}

export interface SecurityEventRecord {
  /** Short event name, e.g. `tokens-revoked`. */
  type: string;
  jti: string;
  receivedAt: Timestamp;
  /** `account-disabled` carries one (`hijacking`, `bulk-account`). */
  reason?: string;
}

export interface JobState {
  cursor: unknown;
  summary: Record<string, number>;
  lastRunAt: Timestamp;
}

/**
 * Whether a worker's lease on the user still runs at `now`, so a run may be under way: the
 * worker's take skips such a user, and the dispatcher leaves it due rather than claim it. Read
 * defensively (a document written by hand may hold anything).
 */
export function leaseRunning(lease: UserRecord['lease'] | undefined, now: Date): boolean {
  return lease?.expiresAt instanceof Timestamp && lease.expiresAt.toMillis() > now.getTime();
}
