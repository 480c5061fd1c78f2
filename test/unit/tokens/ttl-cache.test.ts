import { TtlCache } from '../../../functions/src/tokens/ttl-cache';

describe('TtlCache', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('serves a value until its TTL passes, then loads again', async () => {
    const cache = new TtlCache<number>(clock);
    let loads = 0;
    const load = async () => ++loads;
    await expect(cache.get('k', 1_000, load)).resolves.toBe(1);
    now += 999;
    await expect(cache.get('k', 1_000, load)).resolves.toBe(1);
    now += 1;
    await expect(cache.get('k', 1_000, load)).resolves.toBe(2);
  });

  it('counts an entry\'s TTL from when its load started: a slow answer does not live longer', async () => {
    const cache = new TtlCache<number>(clock);
    let loads = 0;
    const slowLoad = async () => {
      now += 400; // the source answered as of the start; the answer arrives 400 ms later
      return ++loads;
    };
    const startedAt = now;
    await expect(cache.get('k', 1_000, slowLoad)).resolves.toBe(1);
    now = startedAt + 999;
    await expect(cache.get('k', 1_000, slowLoad)).resolves.toBe(1);
    now = startedAt + 1_000;
    await expect(cache.get('k', 1_000, slowLoad)).resolves.toBe(2);
  });

  it('coalesces concurrent misses into one load', async () => {
    const cache = new TtlCache<string>(clock);
    let loads = 0;
    let release: (value: string) => void = () => {};
    const load = () => {
      loads += 1;
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    };
    const waiting = Array.from({ length: 20 }, () => cache.get('k', 1_000, load));
    release('v');
    await expect(Promise.all(waiting)).resolves.toEqual(Array(20).fill('v'));
    expect(loads).toBe(1);
  });

  it('does not cache a failure: the next caller loads again', async () => {
    const cache = new TtlCache<string>(clock);
    let attempt = 0;
    const load = async () => {
      attempt += 1;
      if (attempt === 1) throw new Error('down');
      return 'ok';
    };
    const first = await Promise.allSettled([cache.get('k', 1_000, load), cache.get('k', 1_000, load)]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(cache.get('k', 1_000, load)).resolves.toBe('ok');
    expect(attempt).toBe(2);
  });

  it('keeps keys apart and honours set()', async () => {
    const cache = new TtlCache<string>(clock);
    cache.set('a', 'preset', 500);
    await expect(cache.get('a', 500, async () => 'loaded')).resolves.toBe('preset');
    await expect(cache.get('b', 500, async () => 'loaded')).resolves.toBe('loaded');
  });
});
