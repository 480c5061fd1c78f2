import { FaultInjector, seededRandom } from '../../../sandbox/src/drive/faults';

describe('fault injection', () => {
  it('plays failNext exactly count times, then nothing', () => {
    const faults = new FaultInjector();
    faults.setUser('u', { failNext: { count: 2, status: 429, retryAfterSeconds: 3 } });
    const first = faults.nextFault('u', 'files.list')?.error;
    expect(first?.status).toBe(429);
    expect(first?.headers()).toEqual({ 'retry-after': '3' });
    expect(faults.nextFault('u', 'files.list')?.error.reason).toBe('rateLimitExceeded');
    expect(faults.nextFault('u', 'files.list')).toBeUndefined();
    expect(faults.nextFault('someone-else', 'files.list')).toBeUndefined();
  });

  it('maps each status to the reason Drive gives it', () => {
    const faults = new FaultInjector();
    faults.setUser('u', { failNext: { count: 1, status: 403 } });
    expect(faults.nextFault('u', 'files.list')?.error.body().error.errors[0]).toEqual({ domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' });
    faults.setUser('u', { failNext: { count: 1, status: 502 } });
    expect(faults.nextFault('u', 'files.get')).toMatchObject({ error: { status: 502, reason: 'backendError' }, afterApplying: false });
  });

  it('does not let a caller mutate the configuration it passed in', () => {
    const faults = new FaultInjector();
    const config = { failNext: { count: 1, status: 500 as const } };
    faults.setUser('u', config);
    faults.nextFault('u', 'files.list');
    expect(config.failNext.count).toBe(1);
  });

  it('draws rates from the seed: same seed, same faults; roughly the configured share', () => {
    const run = () => {
      const faults = new FaultInjector(7);
      faults.setDefaults({ rates: { backendError: 0.1, rateLimitExceeded: 0.2 } });
      return Array.from({ length: 2000 }, () => faults.nextFault('anyone', 'files.get')?.error.status ?? 200);
    };
    const first = run();
    expect(run()).toEqual(first);
    const share = (status: number) => first.filter((value) => value === status).length / first.length;
    expect(share(500)).toBeGreaterThan(0.07);
    expect(share(500)).toBeLessThan(0.13);
    expect(share(429)).toBeGreaterThan(0.17);
    expect(share(429)).toBeLessThan(0.23);
  });

  it('keeps a failNext for one method for that method, and says when it comes after applying the call', () => {
    const faults = new FaultInjector();
    faults.setUser('u', { failNext: { count: 1, status: 503, method: 'files.create', afterApplying: true } });
    expect(faults.nextFault('u', 'files.list')).toBeUndefined();
    expect(faults.nextFault('u', 'files.create')).toMatchObject({ error: { status: 503 }, afterApplying: true });
    expect(faults.nextFault('u', 'files.create')).toBeUndefined();
    expect(faults.searchLagFor('u')).toBe(0);
    faults.setUser('u', { searchLagMs: 1500 });
    expect([faults.searchLagFor('u'), faults.searchLagFor('other')]).toEqual([1500, 0]);
  });

  it('prefers a user latency over the default', () => {
    const faults = new FaultInjector();
    faults.setDefaults({ latencyMs: 50 });
    faults.setUser('slow', { latencyMs: 200 });
    expect([faults.latencyFor('slow'), faults.latencyFor('other'), faults.latencyFor(undefined)]).toEqual([200, 50, 50]);
  });

  it('refuses rates adding up to more than 1', () => {
    expect(() => new FaultInjector().setDefaults({ rates: { backendError: 0.6, userRateLimitExceeded: 0.6 } })).toThrow();
  });

  it('seededRandom stays in [0, 1)', () => {
    const random = seededRandom(1);
    const draws = Array.from({ length: 1000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});
