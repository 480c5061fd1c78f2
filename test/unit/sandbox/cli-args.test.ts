import { CliUsageError, parseSandboxArgs } from '../../../sandbox/src/cli-args';

describe('parseSandboxArgs', () => {
  it('reads the client, repeated redirect URIs, port and refresh-token lifetime', () => {
    expect(
      parseSandboxArgs([
        '--port', '8089',
        '--client-id', 'id',
        '--client-secret', 'secret',
        '--redirect-uri', 'https://a.example/cb',
        '--redirect-uri', 'postmessage',
        '--refresh-token-lifetime', '604800',
      ]),
    ).toEqual({
      port: 8089,
      client: { clientId: 'id', clientSecret: 'secret', redirectUris: ['https://a.example/cb', 'postmessage'] },
      refreshTokenLifetimeSeconds: 604800,
    });
  });

  it('defaults to a free port, no redirect URIs and non-expiring refresh tokens', () => {
    expect(parseSandboxArgs(['--client-id', 'id', '--client-secret', 's'])).toEqual({
      port: 0,
      client: { clientId: 'id', clientSecret: 's', redirectUris: [] },
      refreshTokenLifetimeSeconds: undefined,
    });
  });

  it.each([
    [['--client-secret', 's'], /--client-id is required/],
    [['--client-id', 'id'], /--client-secret is required/],
    [['--client-id', 'id', '--client-secret', 's', '--port', '70000'], /--port must be a whole number/],
    [['--client-id', 'id', '--client-secret', 's', '--port', '-1'], /--port/],
    [['--client-id', 'id', '--client-secret', 's', '--colour', 'blue'], /colour/],
  ])('refuses %j', (args, message) => {
    expect(() => parseSandboxArgs(args)).toThrow(CliUsageError);
    expect(() => parseSandboxArgs(args)).toThrow(message);
  });
});
