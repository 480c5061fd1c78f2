import { createHash } from 'node:crypto';
import { newAlbumId, newMediaItemId } from '../ids';

/** A media item the app created (`batchCreate`). Only the app that created it sees it (Library API since March 2025). */
export interface LibraryItem {
  readonly id: string;
  readonly sub: string;
  readonly clientId: string;
  readonly description: string;
  readonly filename: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly creationTime: number;
}

export interface LibraryAlbum {
  readonly id: string;
  readonly sub: string;
  readonly clientId: string;
  readonly title: string;
  /** Media item ids, in album order. */
  readonly itemIds: string[];
}

/** Google: "Each album can contain up to 20,000 media items." */
export const MAX_ALBUM_ITEMS = 20_000;

export type AlbumPlacement = { position: 'FIRST_IN_ALBUM' } | { position: 'LAST_IN_ALBUM' } | { position: 'AFTER_MEDIA_ITEM'; after: string };

/** App-created albums and media items of every user. */
export class LibraryStore {
  private readonly albums = new Map<string, LibraryAlbum>();
  private readonly items = new Map<string, LibraryItem>();

  constructor(private readonly now: () => number) {}

  createAlbum(sub: string, clientId: string, title: string): LibraryAlbum {
    const album: LibraryAlbum = { id: newAlbumId(), sub, clientId, title, itemIds: [] };
    this.albums.set(album.id, album);
    return album;
  }

  /** An album as one app of one user sees it: someone else's, or another app's, is invisible. */
  album(id: string, sub: string, clientId: string): LibraryAlbum | undefined {
    const album = this.albums.get(id);
    return album && album.sub === sub && album.clientId === clientId ? album : undefined;
  }

  /** Whether the album exists for this user at all (made by another app), for the 403 Google gives then. */
  albumOfOtherApp(id: string, sub: string, clientId: string): boolean {
    const album = this.albums.get(id);
    return album !== undefined && album.sub === sub && album.clientId !== clientId;
  }

  albumsOf(sub: string, clientId?: string): LibraryAlbum[] {
    return [...this.albums.values()].filter((album) => album.sub === sub && (clientId === undefined || album.clientId === clientId));
  }

  createItem(input: Omit<LibraryItem, 'id' | 'sha256' | 'creationTime'>): LibraryItem {
    const item: LibraryItem = {
      ...input,
      id: newMediaItemId(),
      sha256: createHash('sha256').update(input.bytes).digest('hex'),
      creationTime: this.now(),
    };
    this.items.set(item.id, item);
    return item;
  }

  addToAlbum(album: LibraryAlbum, itemIds: readonly string[], placement: AlbumPlacement): void {
    const at =
      placement.position === 'FIRST_IN_ALBUM'
        ? 0
        : placement.position === 'AFTER_MEDIA_ITEM'
          ? album.itemIds.indexOf(placement.after) + 1
          : album.itemIds.length;
    album.itemIds.splice(at, 0, ...itemIds);
  }

  item(id: string): LibraryItem | undefined {
    return this.items.get(id);
  }

  itemsOf(sub: string, clientId: string): LibraryItem[] {
    return [...this.items.values()].filter((item) => item.sub === sub && item.clientId === clientId);
  }

  itemsIn(album: LibraryAlbum): LibraryItem[] {
    return album.itemIds.map((id) => this.items.get(id)).filter((item): item is LibraryItem => item !== undefined);
  }

  clear(): void {
    this.albums.clear();
    this.items.clear();
  }
}
