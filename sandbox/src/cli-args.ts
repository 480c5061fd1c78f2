import { parseArgs } from 'node:util';
import type { OAuthClientConfig } from './oauth/clients';

export const USAGE = `Usage: tsx sandbox/src/main.ts --client-id ID --client-secret SECRET [--port N] [--redirect-uri URI ...]
  --port N               port on 127.0.0.1 (0 or omitted: a free one)
  --client-id ID         the OAuth client the sandbox knows (the product's GOOGLE_OAUTH_CLIENT_ID)
  --client-secret SECRET its secret (the product's GOOGLE_OAUTH_CLIENT_SECRET)
  --redirect-uri URI     a registered redirect URI; repeatable (codes minted without one need none)
  --refresh-token-lifetime SECONDS  refresh tokens expire (604800 plays an app in "Testing")`;

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export interface SandboxCliOptions {
  port: number;
  client: OAuthClientConfig;
  refreshTokenLifetimeSeconds: number | undefined;
}

export function parseSandboxArgs(argv: readonly string[]): SandboxCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'refresh-token-lifetime': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const clientId = values['client-id'];
  const clientSecret = values['client-secret'];
  if (!clientId) throw new CliUsageError('--client-id is required');
  if (!clientSecret) throw new CliUsageError('--client-secret is required');
  const lifetime = values['refresh-token-lifetime'];
  return {
    port: wholeNumber('--port', values.port ?? '0', 65_535),
    client: { clientId, clientSecret, redirectUris: values['redirect-uri'] ?? [] },
    refreshTokenLifetimeSeconds: lifetime === undefined ? undefined : wholeNumber('--refresh-token-lifetime', lifetime, Number.MAX_SAFE_INTEGER),
  };
}

function wholeNumber(flag: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max) throw new CliUsageError(`${flag} must be a whole number from 0 to ${max}`);
  return value;
}
