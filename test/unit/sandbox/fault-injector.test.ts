import { FaultInjector } from '../../../sandbox/src/oauth/faults';

describe('FaultInjector', () => {
  it('serves failNext first, counting down, before hang and rates apply', () => {
    const faults = new FaultInjector(() => 0);
    faults.set({ tokenEndpoint: { failNext: { count: 2, status: 500 }, hang: true } });
    expect(faults.decide('tokenEndpoint')).toEqual({ kind: 'fail', status: 500, retryAfterSeconds: undefined });
    expect(faults.decide('tokenEndpoint')).toEqual({ kind: 'fail', status: 500, retryAfterSeconds: undefined });
    expect(faults.decide('tokenEndpoint')).toEqual({ kind: 'hang' });
  });

  it('adds the two rates on one draw, so neither shadows the other', () => {
    let draw = 0;
    const faults = new FaultInjector(() => draw);
    faults.set({ tokenEndpoint: { status5xxRate: 0.25, rateLimitRate: 0.25, retryAfterSeconds: 4 } });
    const kinds = [0.1, 0.3, 0.6].map((value) => {
      draw = value;
      const decision = faults.decide('tokenEndpoint');
      return decision.kind === 'fail' ? decision.status : decision.kind;
    });
    expect(kinds).toEqual([503, 429, 'none']);
  });

  it('does not let callers mutate its settings through what they passed or read', () => {
    const faults = new FaultInjector(() => 1);
    const settings = { tokenEndpoint: { failNext: { count: 1, status: 503 } } };
    faults.set(settings);
    settings.tokenEndpoint.failNext.count = 9;
    faults.decide('tokenEndpoint');
    expect(faults.current().tokenEndpoint?.failNext?.count).toBe(0);
    expect(faults.latencyMs('tokenEndpoint')).toBe(0);
  });

  it('does nothing when no faults are set', () => {
    expect(new FaultInjector(() => 0).decide('tokenEndpoint')).toEqual({ kind: 'none' });
  });
});
