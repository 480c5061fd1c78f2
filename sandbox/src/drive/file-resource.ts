import { isGoogleAppsType, FOLDER_MIME_TYPE, type StoredFile } from './model';
import type { SpecialFolder } from './user-drive';
import { rfc3339 } from './time';

export type JsonObject = Record<string, unknown>;

/**
 * A file as Drive's `File` resource with every field the sandbox knows (what `fields=*` returns).
 * int64 values are strings, times RFC 3339, empty appProperties omitted: all as Drive sends them.
 */
export function fileResource(file: StoredFile): JsonObject {
  const resource: JsonObject = {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    parents: [...file.parents],
    spaces: [file.space],
    starred: false,
    trashed: file.trashed,
    explicitlyTrashed: file.trashed,
    createdTime: rfc3339(file.createdTime),
    modifiedTime: rfc3339(file.modifiedTime),
    version: String(file.version),
    ownedByMe: true,
  };
  if (file.trashedTime !== undefined) resource.trashedTime = rfc3339(file.trashedTime);
  if (Object.keys(file.appProperties).length > 0) resource.appProperties = { ...file.appProperties };
  if (!isGoogleAppsType(file.mimeType)) {
    resource.size = String(file.content.length);
    resource.md5Checksum = file.md5Checksum;
    resource.quotaBytesUsed = String(file.content.length);
  } else {
    resource.quotaBytesUsed = '0';
  }
  return resource;
}

/** The app data folder or My Drive root, as `files.get('appDataFolder')` shows it. */
export function specialFolderResource(folder: SpecialFolder): JsonObject {
  return {
    kind: 'drive#file',
    id: folder.id,
    name: folder.name,
    mimeType: FOLDER_MIME_TYPE,
    spaces: [folder.space],
    starred: false,
    trashed: false,
    explicitlyTrashed: false,
    createdTime: rfc3339(folder.createdTime),
    modifiedTime: rfc3339(folder.createdTime),
    version: '1',
    ownedByMe: true,
    quotaBytesUsed: '0',
  };
}
