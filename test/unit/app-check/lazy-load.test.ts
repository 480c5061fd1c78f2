import { modulesLoadedByEntry } from '../../support/entry-modules';

/** The App Check verifier (the module that imports `jose`), loaded once the compiled exchange entry is ready. */
const VERIFIER = /app-check-verifier|node_modules\/jose\//;

/** App Check is optional: an exchange without it must not pay for loading the JWT library. */
describe('App Check stays off the cold path', () => {
  it('the exchange does not load jose when App Check is off', () => {
    expect(modulesLoadedByEntry('exchange-auth-code', VERIFIER)).toBe(0);
  });

  it('and loads it at start when App Check is on (the check can see it)', () => {
    // The key-set URL is unreachable on purpose: the prefetch fails quietly, requests would retry it.
    expect(modulesLoadedByEntry('exchange-auth-code', VERIFIER, { REQUIRE_APP_CHECK: 'true', APP_CHECK_PROJECT_NUMBER: '1', APP_CHECK_JWKS_URL: 'http://127.0.0.1:9/v1/jwks' })).toBeGreaterThan(0);
  });
});
