import { newMediaItemId, newSessionId } from '../ids';

export type MediaType = 'PHOTO' | 'VIDEO';

/** One item the user picked: what Google Photos holds about it, bytes included. */
export interface PickedItem {
  readonly id: string;
  readonly createTime: number;
  readonly type: MediaType;
  readonly filename: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
}

export interface PickingSession {
  readonly id: string;
  readonly sub: string;
  readonly createdAt: number;
  expireAt: number;
  readonly pollIntervalMs: number;
  /** Only when the app set `pickingConfig.maxItemCount`. */
  readonly maxItemCount?: number;
  mediaItemsSet: boolean;
  deleted: boolean;
  items: PickedItem[];
}

/** Google's documented default when the app sets no `maxItemCount`. */
export const DEFAULT_MAX_ITEM_COUNT = 2000;

export interface SessionTiming {
  pollIntervalMs: number;
  timeoutInMs: number;
}

/** 5 s between polls and a 30-minute picking window, Google-like values; the admin API may change both. */
export const DEFAULT_SESSION_TIMING: Readonly<SessionTiming> = { pollIntervalMs: 5_000, timeoutInMs: 30 * 60_000 };

export type SessionLookup = { ok: true; session: PickingSession } | { ok: false; reason: 'not_found' | 'expired' };

/** Every Picker session of every user. Deleted sessions are kept (flagged) so tests can see that the app deleted them. */
export class SessionStore {
  private readonly sessions = new Map<string, PickingSession>();
  private timing: SessionTiming = { ...DEFAULT_SESSION_TIMING };

  constructor(private readonly now: () => number) {}

  setTiming(timing: Partial<SessionTiming>): void {
    this.timing = { ...this.timing, ...timing };
  }

  create(sub: string, maxItemCount: number | undefined): PickingSession {
    const createdAt = this.now();
    const session: PickingSession = {
      id: newSessionId(),
      sub,
      createdAt,
      expireAt: createdAt + this.timing.timeoutInMs,
      pollIntervalMs: this.timing.pollIntervalMs,
      ...(maxItemCount === undefined ? {} : { maxItemCount }),
      mediaItemsSet: false,
      deleted: false,
      items: [],
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** A session as its owner sees it: someone else's, or a deleted one, does not exist; a lapsed one has expired. */
  lookup(sub: string, id: string): SessionLookup {
    const session = this.sessions.get(id);
    if (!session || session.sub !== sub || session.deleted) return { ok: false, reason: 'not_found' };
    if (this.isExpired(session)) return { ok: false, reason: 'expired' };
    return { ok: true, session };
  }

  /** Any session by id, whoever owns it (the admin API). */
  find(id: string): PickingSession | undefined {
    return this.sessions.get(id);
  }

  isExpired(session: PickingSession): boolean {
    return session.expireAt <= this.now();
  }

  /** Plays the user tapping Done: the items become the session's, with fresh persistent ids. */
  pick(session: PickingSession, items: readonly Omit<PickedItem, 'id' | 'createTime'>[]): PickedItem[] {
    const createTime = this.now();
    session.items = items.map((item) => ({ ...item, id: newMediaItemId(), createTime }));
    session.mediaItemsSet = true;
    return session.items;
  }

  ofUser(sub: string): PickingSession[] {
    return [...this.sessions.values()].filter((session) => session.sub === sub);
  }

  clear(): void {
    this.sessions.clear();
    this.timing = { ...DEFAULT_SESSION_TIMING };
  }
}
