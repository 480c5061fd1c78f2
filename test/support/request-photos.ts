import type { Firestore } from '@google-cloud/firestore';
import { loadGoogleOAuthConfig } from '../../functions/src/config';
import { createOAuthClient } from '../../functions/src/google/oauth-client';
import { loadPhotosConfig } from '../../functions/src/google-photos/photos-config';
import type { PickerAsUser } from '../../functions/src/google-photos/picker-for-user';
import type { TokenVault } from '../../functions/src/tokens/vault';
import { requestPhotos } from '../../functions/src/wiring/request-photos';

/** The Picker API as a user, wired as the HTTP functions wire it, over a test's Firestore, vault and environment. */
export function requestPhotosFor(parts: { db: Firestore; vault: TokenVault; env: NodeJS.ProcessEnv }): PickerAsUser {
  const oauth = loadGoogleOAuthConfig(parts.env);
  return requestPhotos({
    db: parts.db,
    collection: 'users',
    vault: parts.vault,
    client: createOAuthClient(oauth),
    oauth,
    photos: loadPhotosConfig(parts.env),
    now: () => new Date(),
  });
}
