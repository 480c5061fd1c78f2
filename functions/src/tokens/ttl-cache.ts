/**
 * A small in-memory cache whose entries expire after a per-entry TTL on an injected clock, and
 * which coalesces concurrent misses: while a load for a key is in flight, every caller awaits that
 * same load, so a cold instance under load asks Secret Manager once, not once per request.
 * Failed loads are not cached; the next caller tries again.
 *
 * A loaded entry's TTL counts from when its load started, not when it ended: the value describes
 * the world as the source saw it during the load, so a slow answer must not live longer. Key
 * rotation relies on this: `TOKEN_KEY_CACHE_SECONDS` after a version is created, no instance
 * can still hold an older `latest`.
 */
export class TtlCache<Value> {
  private readonly entries = new Map<string, { value: Value; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<Value>>();

  constructor(private readonly now: () => number) {}

  async get(key: string, ttlMs: number, load: () => Promise<Value>): Promise<Value> {
    const entry = this.entries.get(key);
    if (entry && this.now() < entry.expiresAt) return entry.value;
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const startedAt = this.now();
    const loaded = load()
      .then((value) => {
        this.entries.set(key, { value, expiresAt: startedAt + ttlMs });
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, loaded);
    return loaded;
  }

  set(key: string, value: Value, ttlMs: number): void {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }
}
