import { createHash } from 'node:crypto';
import { ChangeLog } from './change-log';
import { driveErrors } from './drive-error';
import { newFileId, newFolderId } from './ids';
import { type DriveSpace, FOLDER_MIME_TYPE, type StoredFile } from './model';
import { applyAppPropertiesPatch } from './app-properties';
import { assertStorageFor, DEFAULT_STORAGE_LIMIT, type StorageLimit } from './storage-quota';

export interface NewFile {
  name?: string;
  mimeType?: string;
  /** As the client sent them: aliases ("appDataFolder", "root") are resolved here. */
  parents?: readonly string[];
  appProperties?: Readonly<Record<string, string | null>>;
  trashed?: boolean;
  createdTime?: number;
  modifiedTime?: number;
  content?: Buffer;
  abusive?: boolean;
}

export interface FilePatch {
  name?: string;
  mimeType?: string;
  appProperties?: Readonly<Record<string, string | null>>;
  trashed?: boolean;
  modifiedTime?: number;
  content?: Buffer;
}

/** A special folder: the user's app data folder and My Drive root. */
export interface SpecialFolder {
  readonly id: string;
  /**
   * The names Drive accepts in its place (as a fileId, in `parents`, in `q`). The app data folder
   * has two: v3's `appDataFolder` and v2's `appfolder`, which Google's own server-side sample uses.
   */
  readonly aliases: readonly string[];
  readonly space: DriveSpace;
  readonly name: string;
  readonly createdTime: number;
}

export interface CreateOptions {
  /** The admin API seeds files past the storage limit: that is how tests fill a user's Drive. */
  readonly ignoreStorageLimit?: boolean;
}

const DEFAULT_NAME = 'Untitled';
const DEFAULT_MIME_TYPE = 'application/octet-stream';

/**
 * One user's Drive: their files, the two special folders, the change feed and the storage limit.
 * Every mutation goes through here so the change log can never miss one, nor the limit a byte.
 */
export class UserDrive {
  readonly appDataFolder: SpecialFolder;
  readonly root: SpecialFolder;
  readonly changes = new ChangeLog();
  /** Set through the admin API; forgotten with the Drive on reset. */
  storageLimit: StorageLimit = DEFAULT_STORAGE_LIMIT;
  private readonly files = new Map<string, StoredFile>();
  private nextSeq = 1;
  private nextVersion = 1;

  constructor(
    readonly sub: string,
    private readonly now: () => number,
  ) {
    const createdTime = now();
    this.appDataFolder = { id: newFolderId(), aliases: ['appDataFolder', 'appfolder'], space: 'appDataFolder', name: 'Application Data', createdTime };
    this.root = { id: newFolderId(), aliases: ['root'], space: 'drive', name: 'My Drive', createdTime };
  }

  get(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  all(): StoredFile[] {
    return [...this.files.values()];
  }

  /** What about.get reports as `storageQuota.usage`: every file's content, trash included, as Drive counts it. */
  usageBytes(): number {
    let usage = 0;
    for (const file of this.files.values()) usage += file.content.length;
    return usage;
  }

  /** The special folder an id or alias names, if any. */
  specialFolder(idOrAlias: string): SpecialFolder | undefined {
    return [this.appDataFolder, this.root].find((folder) => folder.id === idOrAlias || folder.aliases.includes(idOrAlias));
  }

  /** Resolves a folder alias to the id Drive reports in `parents`; other ids pass through. */
  resolveFolderId(idOrAlias: string): string {
    return this.specialFolder(idOrAlias)?.id ?? idOrAlias;
  }

  /** The space a file placed under `parentId` lives in; undefined when it is not a folder of this user. */
  spaceUnder(parentId: string): DriveSpace | undefined {
    const special = this.specialFolder(parentId);
    if (special) return special.space;
    const folder = this.files.get(parentId);
    return folder?.mimeType === FOLDER_MIME_TYPE ? folder.space : undefined;
  }

  /** Where a new file with these parents would go; refuses unknown folders and several parents. */
  placementOf(parents: readonly string[] | undefined): { parentId: string; space: DriveSpace } {
    const parentId = this.resolveSingleParent(parents);
    const space = this.spaceUnder(parentId);
    if (space === undefined) throw driveErrors.fileNotFound(parentId);
    return { parentId, space };
  }

  create(input: NewFile, options: CreateOptions = {}): StoredFile {
    const { parentId, space } = this.placementOf(input.parents);
    const content = input.content ?? Buffer.alloc(0);
    if (!options.ignoreStorageLimit) this.assertRoomFor(content.length, true);
    const time = this.now();
    const file: StoredFile = {
      id: newFileId(),
      seq: this.nextSeq++,
      space,
      name: input.name ?? DEFAULT_NAME,
      mimeType: input.mimeType ?? DEFAULT_MIME_TYPE,
      parents: [parentId],
      appProperties: applyAppPropertiesPatch({}, input.appProperties ?? {}),
      trashed: input.trashed ?? false,
      trashedTime: input.trashed ? time : undefined,
      content,
      abusive: input.abusive ?? false,
      md5Checksum: md5(content),
      createdTime: input.createdTime ?? time,
      modifiedTime: input.modifiedTime ?? time,
      version: this.nextVersion++,
    };
    this.files.set(file.id, file);
    this.changes.record(file.id, file.space, false, time);
    return file;
  }

  update(fileId: string, patch: FilePatch): StoredFile {
    const file = this.files.get(fileId);
    if (!file) throw driveErrors.fileNotFound(fileId);
    if (patch.content) this.assertRoomFor(patch.content.length - file.content.length, false);
    const time = this.now();
    if (patch.appProperties) file.appProperties = applyAppPropertiesPatch(file.appProperties, patch.appProperties);
    if (patch.name !== undefined) file.name = patch.name;
    if (patch.mimeType !== undefined) file.mimeType = patch.mimeType;
    if (patch.trashed !== undefined && patch.trashed !== file.trashed) {
      file.trashed = patch.trashed;
      file.trashedTime = patch.trashed ? time : undefined;
    }
    if (patch.content) {
      file.content = patch.content;
      file.md5Checksum = md5(patch.content);
    }
    file.modifiedTime = patch.modifiedTime ?? time;
    file.version = this.nextVersion++;
    this.changes.record(file.id, file.space, false, time);
    return file;
  }

  /** Permanent deletion; a folder takes its contents with it, as in Drive. */
  delete(fileId: string): void {
    const file = this.files.get(fileId);
    if (!file) throw driveErrors.fileNotFound(fileId);
    for (const child of this.all().filter((candidate) => candidate.parents.includes(fileId))) this.delete(child.id);
    this.files.delete(fileId);
    this.changes.record(fileId, file.space, true, this.now());
  }

  /** Before anything is stored or recorded, so a refused write leaves no trace. */
  private assertRoomFor(addedBytes: number, newFile: boolean): void {
    assertStorageFor(this.storageLimit, this.usageBytes(), { addedBytes, newFile });
  }

  /** Drive has allowed one parent per file since 2020; none means My Drive. */
  private resolveSingleParent(parents: readonly string[] | undefined): string {
    if (!parents || parents.length === 0) return this.root.id;
    if (parents.length > 1) throw driveErrors.badRequest('A file can only have one parent.');
    return this.resolveFolderId(parents[0] as string);
  }
}

function md5(content: Buffer): string {
  return createHash('md5').update(content).digest('hex');
}
