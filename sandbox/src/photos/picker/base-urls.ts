import { newBaseUrlKey } from '../ids';
import type { PickedItem, PickingSession } from './sessions';

/** Google: "Base URLs, lasting for 60 minutes, are used to access the raw bytes of media items". */
export const BASE_URL_LIFETIME_MS = 60 * 60_000;

/** Where base URLs live on the sandbox (Google: a googleusercontent.com host). */
export const MEDIA_PATH_PREFIX = '/photospicker-media';

interface MintedBaseUrl {
  readonly session: PickingSession;
  readonly item: PickedItem;
  readonly expiresAt: number;
}

/**
 * Base URLs of picked items. Each mediaItems.list mints new ones, valid 60 minutes from that call,
 * for the session's owner only; a fetch needs that user's Bearer token with the Picker scope. They
 * also end with the session (its `expireTime` is when access to the picked items ends) and when
 * the app deletes it: Google says to delete a session once the bytes are fetched.
 */
export class BaseUrlRegistry {
  private readonly urls = new Map<string, MintedBaseUrl>();

  constructor(private readonly now: () => number) {}

  mint(origin: string, session: PickingSession, item: PickedItem): string {
    const key = newBaseUrlKey();
    this.urls.set(key, { session, item, expiresAt: this.now() + BASE_URL_LIFETIME_MS });
    return `${origin}${MEDIA_PATH_PREFIX}/${key}`;
  }

  /** The item behind a key, if the URL is still valid and `sub` is the user it was minted for. */
  resolve(key: string, sub: string): PickedItem | undefined {
    const minted = this.urls.get(key);
    if (!minted || minted.session.sub !== sub || minted.session.deleted) return undefined;
    const now = this.now();
    return minted.expiresAt > now && minted.session.expireAt > now ? minted.item : undefined;
  }

  clear(): void {
    this.urls.clear();
  }

  /** Drops lapsed URLs (called once per list, so memory stays bounded by the live ones). */
  forgetExpired(): void {
    const now = this.now();
    for (const [key, minted] of this.urls) if (minted.expiresAt <= now) this.urls.delete(key);
  }
}
