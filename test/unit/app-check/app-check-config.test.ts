import { DEFAULT_APP_CHECK_JWKS_URL, loadAppCheckConfig } from '../../../functions/src/config';

describe('App Check configuration', () => {
  it('is off unless REQUIRE_APP_CHECK says otherwise', () => {
    expect(loadAppCheckConfig({})).toEqual({ required: false });
    expect(loadAppCheckConfig({ REQUIRE_APP_CHECK: 'false', APP_CHECK_PROJECT_NUMBER: '1' })).toEqual({ required: false });
  });

  it("when on, needs the project number and defaults to Firebase's key set", () => {
    expect(() => loadAppCheckConfig({ REQUIRE_APP_CHECK: 'true' })).toThrow(/APP_CHECK_PROJECT_NUMBER is required when REQUIRE_APP_CHECK is true/);
    expect(loadAppCheckConfig({ REQUIRE_APP_CHECK: '1', APP_CHECK_PROJECT_NUMBER: '123456789012' })).toEqual({
      required: true,
      jwksUrl: DEFAULT_APP_CHECK_JWKS_URL,
      projectNumber: '123456789012',
      httpTimeoutMs: 10_000,
    });
    expect(DEFAULT_APP_CHECK_JWKS_URL).toBe('https://firebaseappcheck.googleapis.com/v1/jwks');
  });

  it('names the variable of a bad value', () => {
    expect(() => loadAppCheckConfig({ REQUIRE_APP_CHECK: 'yes' })).toThrow(/REQUIRE_APP_CHECK must be true or false/);
    expect(() => loadAppCheckConfig({ REQUIRE_APP_CHECK: 'true', APP_CHECK_PROJECT_NUMBER: 'my-project' })).toThrow(/APP_CHECK_PROJECT_NUMBER must be the Firebase project number/);
    expect(() => loadAppCheckConfig({ REQUIRE_APP_CHECK: 'true', APP_CHECK_PROJECT_NUMBER: '1', APP_CHECK_JWKS_URL: 'not a url' })).toThrow(/APP_CHECK_JWKS_URL/);
  });
});
