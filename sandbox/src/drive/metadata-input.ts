import { driveErrors } from './drive-error';
import { RESOURCE_FIELDS } from './resource-schemas';
import { parseRfc3339 } from './time';
import type { FilePatch, NewFile } from './user-drive';

/**
 * Turns a File metadata body (files.create / files.update, or the JSON part of a multipart upload)
 * into the store's input. Read-only fields are refused with Drive's 403 `fieldNotWritable`;
 * fields Drive would accept but the sandbox does not model are refused loudly (400) rather than
 * silently dropped, so a product that starts relying on one finds out here.
 */
type Metadata = Record<string, unknown>;

const CREATE_FIELDS = ['name', 'mimeType', 'parents', 'appProperties', 'trashed', 'createdTime', 'modifiedTime'];
const UPDATE_FIELDS = ['name', 'mimeType', 'appProperties', 'trashed', 'modifiedTime'];
/** Writable in Drive (not marked "Output only"), not modelled by the sandbox. */
const UNMODELLED_WRITABLE = [
  'description', 'starred', 'properties', 'originalFilename', 'folderColorRgb', 'contentHints', 'contentRestrictions',
  'copyRequiresWriterPermission', 'writersCanShare', 'viewedByMeTime', 'shortcutDetails', 'id',
  'clientEncryptionDetails', 'downloadRestrictions', 'inheritedPermissionsDisabled', 'labelInfo', 'linkShareMetadata',
];

export function parseMetadataJson(body: Buffer): Metadata {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw driveErrors.parseError();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw driveErrors.parseError();
  return parsed as Metadata;
}

export function newFileFromMetadata(metadata: Metadata): NewFile {
  checkFields(metadata, CREATE_FIELDS);
  return {
    name: optionalString(metadata, 'name'),
    mimeType: optionalString(metadata, 'mimeType'),
    parents: optionalStringArray(metadata, 'parents'),
    appProperties: optionalAppProperties(metadata),
    trashed: optionalBoolean(metadata, 'trashed'),
    createdTime: optionalTime(metadata, 'createdTime'),
    modifiedTime: optionalTime(metadata, 'modifiedTime'),
  };
}

export function patchFromMetadata(metadata: Metadata): FilePatch {
  checkFields(metadata, UPDATE_FIELDS);
  return {
    name: optionalString(metadata, 'name'),
    mimeType: optionalString(metadata, 'mimeType'),
    appProperties: optionalAppProperties(metadata),
    trashed: optionalBoolean(metadata, 'trashed'),
    modifiedTime: optionalTime(metadata, 'modifiedTime'),
  };
}

function checkFields(metadata: Metadata, supported: readonly string[]): void {
  for (const [field, value] of Object.entries(metadata)) {
    if (supported.includes(field)) continue;
    if (field === 'kind' && value === 'drive#file') continue;
    if (UNMODELLED_WRITABLE.includes(field)) throw driveErrors.badRequest(`The sandbox Drive does not model the field '${field}'.`);
    if (field in RESOURCE_FIELDS.File) throw driveErrors.fieldNotWritable();
    throw driveErrors.badRequest(`Invalid field in the request body: '${field}'.`);
  }
}

function invalidValue(field: string): never {
  throw driveErrors.badRequest(`Invalid value for field '${field}'.`);
}

function optionalString(metadata: Metadata, field: string): string | undefined {
  const value = metadata[field];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : invalidValue(field);
}

function optionalBoolean(metadata: Metadata, field: string): boolean | undefined {
  const value = metadata[field];
  if (value === undefined) return undefined;
  return typeof value === 'boolean' ? value : invalidValue(field);
}

function optionalStringArray(metadata: Metadata, field: string): string[] | undefined {
  const value = metadata[field];
  if (value === undefined) return undefined;
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : invalidValue(field);
}

function optionalTime(metadata: Metadata, field: string): number | undefined {
  const value = optionalString(metadata, field);
  if (value === undefined) return undefined;
  return parseRfc3339(value) ?? invalidValue(field);
}

function optionalAppProperties(metadata: Metadata): Record<string, string | null> | undefined {
  const value = metadata.appProperties;
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalidValue('appProperties');
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.every(([, entry]) => entry === null || typeof entry === 'string')) return invalidValue('appProperties');
  return Object.fromEntries(entries) as Record<string, string | null>;
}
