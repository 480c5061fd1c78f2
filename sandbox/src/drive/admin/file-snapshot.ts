import type { DriveSpace, StoredFile } from '../model';
import { rfc3339 } from '../time';

/** A file as tests, benches and the demo see it through the admin API: everything, typed. */
export interface DriveFileSnapshot {
  readonly id: string;
  readonly name: string;
  readonly mimeType: string;
  readonly space: DriveSpace;
  readonly parents: readonly string[];
  readonly appProperties: Readonly<Record<string, string>>;
  readonly trashed: boolean;
  readonly size: number;
  readonly md5Checksum: string;
  readonly createdTime: string;
  readonly modifiedTime: string;
  readonly version: string;
  /** Only when asked for. */
  readonly content?: Buffer;
}

export function snapshotOf(file: StoredFile, includeContent: boolean): DriveFileSnapshot {
  return {
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    space: file.space,
    parents: [...file.parents],
    appProperties: { ...file.appProperties },
    trashed: file.trashed,
    size: file.content.length,
    md5Checksum: file.md5Checksum,
    createdTime: rfc3339(file.createdTime),
    modifiedTime: rfc3339(file.modifiedTime),
    version: String(file.version),
    ...(includeContent ? { content: Buffer.from(file.content) } : {}),
  };
}
