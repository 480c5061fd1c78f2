import type { Firestore } from '@google-cloud/firestore';
import { missingScopes } from '../../google/scopes';
import type { UserRecord, UserStatus } from '../../users/user-record';

/** What the app reads to decide what to show: `not_connected` when this server never stored a grant. */
export interface OfflineStatus {
  status: UserStatus | 'not_connected';
  scopes: string[];
  /** REQUIRED_SCOPES the stored grant lacks (all of them when there is no grant). */
  missingScopes: string[];
  /** ISO 8601, or null before the first offline run. */
  lastRunAt: string | null;
  /** Stable code of what last went wrong (a failed run, or why offline access stopped), or null. */
  lastError: string | null;
}

export interface OfflineStatusDeps {
  db: Firestore;
  collection: string;
  requiredScopes: readonly string[];
}

/** One document read; nothing secret leaves it (tokens and their identifiers are never read out). */
export async function readOfflineStatus(userId: string, deps: OfflineStatusDeps): Promise<OfflineStatus> {
  const record = (await deps.db.collection(deps.collection).doc(userId).get()).data() as UserRecord | undefined;
  const scopes = record && record.status !== 'disconnected' && Array.isArray(record.scopes) ? record.scopes : [];
  return {
    status: record?.status ?? 'not_connected',
    scopes,
    missingScopes: missingScopes(deps.requiredScopes, scopes),
    lastRunAt: record?.lastRunAt ? record.lastRunAt.toDate().toISOString() : null,
    lastError: typeof record?.lastError === 'string' ? record.lastError : null,
  };
}
