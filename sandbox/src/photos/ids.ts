import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Identifiers shaped like Google Photos': Picker session ids are UUIDs; media item and album ids
 * are long URL-safe strings; upload tokens and base-URL keys are longer still. All unguessable.
 */
function urlSafe(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export const newSessionId = (): string => randomUUID();
export const newMediaItemId = (): string => `AF1Qip${urlSafe(30)}`;
export const newAlbumId = (): string => `AF1QipA${urlSafe(30)}`;
export const newUploadToken = (): string => `CAIS${urlSafe(90)}`;
export const newBaseUrlKey = (): string => urlSafe(48);
