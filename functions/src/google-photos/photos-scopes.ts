/**
 * The Google Photos scopes since March 31, 2025 (developers.google.com/photos/support/updates):
 * the Picker reads what the user picks; the Library API only appends, and reads back only what
 * this app created.
 */
export const PHOTOS_PICKER_SCOPE = 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly';
export const PHOTOS_APPEND_SCOPE = 'https://www.googleapis.com/auth/photoslibrary.appendonly';
export const PHOTOS_READ_APP_CREATED_SCOPE = 'https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata';

/**
 * What the Photos story needs: pick, upload into an app-created album, and read that album back
 * (to find what a run that died after `batchCreate` made, so nothing is made twice).
 */
export const PHOTOS_SCOPES: readonly string[] = [PHOTOS_PICKER_SCOPE, PHOTOS_APPEND_SCOPE, PHOTOS_READ_APP_CREATED_SCOPE];
