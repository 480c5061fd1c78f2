import type { Firestore } from '@google-cloud/firestore';
import type { GoogleOAuthConfig } from '../config/google-oauth-config';
import { interactiveRetryPolicy } from '../google/google-sign-in';
import type { OAuth2Client } from 'google-auth-library';
import type { PhotosConfig } from '../google-photos/photos-config';
import { type PickerAsUser, pickerApiForUser } from '../google-photos/picker-for-user';
import type { TokenVault } from '../tokens/vault';
import { requestAccess } from '../users/request-access';

export interface RequestPhotosParts {
  db: Firestore;
  collection: string;
  vault: TokenVault;
  /** An OAuth client with the client secret (createOAuthClient over `oauth`). */
  client: OAuth2Client;
  oauth: GoogleOAuthConfig;
  photos: PhotosConfig;
  now: () => Date;
}

/**
 * The app is waiting: Photos calls get the OAuth calls' timeout and short retries (the request's
 * own retries, like the exchange's), not the worker's minute-long ones.
 */
export function requestPhotos(parts: RequestPhotosParts): PickerAsUser {
  const retry = interactiveRetryPolicy(parts.oauth);
  const timeoutMs = Math.min(parts.oauth.httpTimeoutMs, parts.photos.timeoutMs);
  const photosRetry = { maxRetries: Math.min(retry.maxAttempts - 1, parts.photos.maxRetries), baseDelayMs: retry.baseDelayMs, maxRetryDelayMs: retry.maxDelayMs };
  return {
    tokens: (userId, record, signal) =>
      requestAccess(userId, record, { db: parts.db, collection: parts.collection, vault: parts.vault, oauth: parts.client, retry, signal, now: parts.now }),
    picker: (tokens) => pickerApiForUser(tokens, { pickerRootUrl: parts.photos.pickerRootUrl, timeoutMs, retry: photosRetry }),
  };
}
