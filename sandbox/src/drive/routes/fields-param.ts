import { type FieldMask, parseFieldMask } from '../fields';
import type { ResourceName } from '../resource-schemas';

/**
 * What each method returns when the caller names no `fields`: Drive v3's defaults, which leave out
 * most of a file (parents, appProperties, size...). A client that forgets `fields` sees exactly
 * what it would see in production.
 */
export const DEFAULT_FIELDS = {
  File: 'kind,id,name,mimeType',
  FileList: 'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)',
  ChangeList: 'kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,file(kind,id,name,mimeType))',
  StartPageToken: 'kind,startPageToken',
} as const satisfies Partial<Record<ResourceName, string>>;

export function fieldsParam(url: URL, resource: keyof typeof DEFAULT_FIELDS): FieldMask {
  return parseFieldMask(url.searchParams.get('fields') ?? DEFAULT_FIELDS[resource], resource);
}
