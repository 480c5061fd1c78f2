/**
 * The field names of the Drive resources the sandbox serves, as Drive v3 declares them, so a
 * `fields` selection naming anything else is refused the way Drive refuses it.
 * test/integration/sandbox-drive/drive-conformance.test.ts holds these tables against the
 * `Schema$*` interfaces that `@googleapis/drive` generates from Drive's discovery document.
 *
 * A field is a leaf, a map (any sub-key may be selected), an inline object (sub-fields are not
 * checked), or a reference to another resource (or an array of them).
 */
export type ResourceName = 'File' | 'FileList' | 'Change' | 'ChangeList' | 'StartPageToken' | 'About' | 'User';

export type FieldKind = 'leaf' | 'map' | 'object' | { readonly ref: ResourceName };

type Table = Readonly<Record<string, FieldKind>>;

const leaves = (...names: string[]): Table => Object.fromEntries(names.map((name) => [name, 'leaf' as const]));

const FILE: Table = {
  ...leaves(
    'copyRequiresWriterPermission', 'createdTime', 'description', 'driveId', 'explicitlyTrashed', 'fileExtension',
    'folderColorRgb', 'fullFileExtension', 'hasAugmentedPermissions', 'hasThumbnail', 'headRevisionId', 'iconLink', 'id',
    'inheritedPermissionsDisabled', 'isAppAuthorized', 'kind', 'md5Checksum', 'mimeType', 'modifiedByMe',
    'modifiedByMeTime', 'modifiedTime', 'name', 'originalFilename', 'ownedByMe', 'parents', 'permissionIds',
    'quotaBytesUsed', 'resourceKey', 'sha1Checksum', 'sha256Checksum', 'shared', 'sharedWithMeTime', 'size', 'spaces',
    'starred', 'teamDriveId', 'thumbnailLink', 'thumbnailVersion', 'trashed', 'trashedTime', 'version', 'viewedByMe',
    'viewedByMeTime', 'viewersCanCopyContent', 'webContentLink', 'webViewLink', 'writersCanShare',
  ),
  appProperties: 'map',
  properties: 'map',
  exportLinks: 'map',
  capabilities: 'object',
  clientEncryptionDetails: 'object',
  contentHints: 'object',
  contentRestrictions: 'object',
  downloadRestrictions: 'object',
  imageMediaMetadata: 'object',
  labelInfo: 'object',
  linkShareMetadata: 'object',
  permissions: 'object',
  shortcutDetails: 'object',
  videoMediaMetadata: 'object',
  lastModifyingUser: { ref: 'User' },
  owners: { ref: 'User' },
  sharingUser: { ref: 'User' },
  trashingUser: { ref: 'User' },
};

export const RESOURCE_FIELDS: Readonly<Record<ResourceName, Table>> = {
  File: FILE,
  FileList: { ...leaves('incompleteSearch', 'kind', 'nextPageToken'), files: { ref: 'File' } },
  Change: {
    ...leaves('changeType', 'driveId', 'fileId', 'kind', 'removed', 'teamDriveId', 'time', 'type'),
    drive: 'object',
    teamDrive: 'object',
    file: { ref: 'File' },
  },
  ChangeList: { ...leaves('kind', 'newStartPageToken', 'nextPageToken'), changes: { ref: 'Change' } },
  StartPageToken: leaves('kind', 'startPageToken'),
  About: {
    ...leaves('appInstalled', 'canCreateDrives', 'canCreateTeamDrives', 'folderColorPalette', 'kind', 'maxUploadSize'),
    driveThemes: 'object',
    teamDriveThemes: 'object',
    exportFormats: 'map',
    importFormats: 'map',
    maxImportSizes: 'map',
    storageQuota: 'object',
    user: { ref: 'User' },
  },
  User: leaves('displayName', 'emailAddress', 'kind', 'me', 'permissionId', 'photoLink'),
};
