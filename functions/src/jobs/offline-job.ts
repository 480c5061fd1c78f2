import type { drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import type { Logger } from '../logging/logger';

/**
 * The seam between the worker and the Drive work it does for a user while they are offline.
 * The worker leases the user, builds an authorised Drive client, calls `run`, and stores the
 * returned cursor and summary. A job never touches Firestore or tokens; all it keeps between runs
 * is its cursor. To add your own work, implement this interface and register it in
 * `registered-jobs.ts`.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a job saves between runs: small, JSON-serialisable, and storable in Firestore (no `undefined`). */
export type JobCursor = { [key: string]: JsonValue };

export interface OfflineJobContext {
  user: { id: string; email?: string };
  /** Authorised for this user, with timeouts and retries (functions/src/drive/drive-client.ts). */
  drive: drive_v3.Drive;
  /**
   * The same user's credentials for Google APIs other than Drive (`auth.request(...)`): refreshes a
   * refused access token once, and refuses every call once the grant is revoked.
   */
  auth: OAuth2Client;
  /** What this job returned last run; undefined on the first run. Validate it: it is stored data. */
  cursor: JobCursor | undefined;
  logger: Logger;
  /** Epoch ms. Start no new work after it; return a cursor that resumes where it stopped. */
  deadline: number;
  /**
   * Aborted at the invocation's hard stop, some seconds after `deadline`, so that work still in
   * flight then (a large download, an upload) cannot outlast the function's timeout. `drive` has
   * it already; pass it to Google calls the job makes itself (`createPhotosHttp({ signal })`).
   * The worker records such a run as stopped at its deadline, with the job's `resumeCursor`.
   */
  signal: AbortSignal;
  now: () => number;
  /**
   * How many runs of this user since its last completed one ended without finishing (the worker
   * was killed for memory or crashed: UserRecord.unfinishedRuns); 0 normally. A job whose work can
   * take the process down (decoding an image) counts its attempts before starting them while this
   * is above 0, so one poisonous file cannot crash every run for ever.
   */
  unfinishedRuns: number;
}

export interface OfflineJobResult {
  cursor: JobCursor;
  /** Counts for the user's record and the operator, e.g. `{ enhanced: 3 }`. */
  summary: Record<string, number>;
  /** False: stopped at the deadline with work pending, so schedule the user again soon. */
  done: boolean;
  /**
   * Run the user again within this many seconds, sooner than the regular interval: the Photos job
   * asks for the Picker session's polling interval while the user is still picking.
   */
  runAgainInSeconds?: number;
}

export interface OfflineJob {
  /** Stable: the worker keys the saved cursor by it. */
  readonly name: string;
  /** OAuth scopes the job needs; a user who did not grant them all is not given to the job. */
  readonly requiredScopes: readonly string[];
  /** Throws OfflineJobError for upstream failures; anything else is a bug (`job_failed`). */
  run(context: OfflineJobContext): Promise<OfflineJobResult>;
}
