const AUTH = 'https://www.googleapis.com/auth/';

export const PICKER_SCOPE = `${AUTH}photospicker.mediaitems.readonly`;
export const LIBRARY_APPEND_SCOPE = `${AUTH}photoslibrary.appendonly`;
export const LIBRARY_READ_APP_CREATED_SCOPE = `${AUTH}photoslibrary.readonly.appcreateddata`;
export const LIBRARY_EDIT_APP_CREATED_SCOPE = `${AUTH}photoslibrary.edit.appcreateddata`;

/**
 * The scopes each kind of call accepts, as Google's reference lists them since 31 March 2025:
 * the Picker needs its own scope; uploads, albums.create and batchCreate need appendonly (the
 * edit scope covers changing app-created items, not creating them); reads of app-created data
 * take the readonly or the edit app-created-data scope.
 */
export type PhotosAccess = 'picker' | 'append' | 'read';

export const ACCEPTED_SCOPES: Readonly<Record<PhotosAccess, readonly string[]>> = {
  picker: [PICKER_SCOPE],
  append: [LIBRARY_APPEND_SCOPE],
  read: [LIBRARY_READ_APP_CREATED_SCOPE, LIBRARY_EDIT_APP_CREATED_SCOPE],
};

export function mayAccess(granted: readonly string[], access: PhotosAccess): boolean {
  return ACCEPTED_SCOPES[access].some((scope) => granted.includes(scope));
}
