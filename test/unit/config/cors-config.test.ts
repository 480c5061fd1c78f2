import { ConfigError, loadCorsConfig } from '../../../functions/src/config';

describe('loadCorsConfig', () => {
  it('lists no origin by default: every request that carries an Origin is refused', () => {
    expect(loadCorsConfig({})).toEqual({ allowedOrigins: [] });
  });

  it('reads comma-separated origins, normalised as browsers send them', () => {
    expect(loadCorsConfig({ ALLOWED_ORIGINS: 'https://Web.Example.com, http://127.0.0.1:8080/,https://app.example.com:443' })).toEqual({
      allowedOrigins: ['https://web.example.com', 'http://127.0.0.1:8080', 'https://app.example.com'],
    });
  });

  it.each(['web.example.com', 'https://web.example.com/app', 'https://web.example.com?x=1', 'ftp://web.example.com', '*', 'null'])(
    'refuses %s, naming the variable',
    (value) => {
      expect(() => loadCorsConfig({ ALLOWED_ORIGINS: value })).toThrow(ConfigError);
      expect(() => loadCorsConfig({ ALLOWED_ORIGINS: value })).toThrow(/ALLOWED_ORIGINS/);
    },
  );
});
