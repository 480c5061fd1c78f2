import { DEFAULT_RISC_CONFIG_URL, loadRiscConfig } from '../../../functions/src/risc/risc-config';

describe('loadRiscConfig', () => {
  it("defaults to Google's configuration and accepts every client id of ours as audience", () => {
    expect(loadRiscConfig({ GOOGLE_OAUTH_CLIENT_ID: 'web', ALLOWED_AUDIENCES: 'web,other', ALLOWED_AUTHORIZED_PARTIES: 'ios' })).toEqual({
      configUrl: DEFAULT_RISC_CONFIG_URL,
      audiences: ['web', 'other', 'ios'],
      cacheSeconds: 3600,
      httpTimeoutMs: 10_000,
    });
    expect(DEFAULT_RISC_CONFIG_URL).toBe('https://accounts.google.com/.well-known/risc-configuration');
  });

  it('names a bad RISC_CONFIG_URL or RISC_CACHE_SECONDS', () => {
    expect(() => loadRiscConfig({ GOOGLE_OAUTH_CLIENT_ID: 'web', RISC_CONFIG_URL: 'nope' })).toThrow(/RISC_CONFIG_URL/);
    expect(() => loadRiscConfig({ GOOGLE_OAUTH_CLIENT_ID: 'web', RISC_CACHE_SECONDS: '0' })).toThrow(/RISC_CACHE_SECONDS/);
  });
});
