import { type Route, sendJson } from '../http';
import { publicJwk, type SigningKeyRing } from './signing-keys';

export interface CertsContext {
  readonly keys: SigningKeyRing;
  readonly now: () => number;
  /** How long verifiers may cache the keys (google-auth-library honours max-age). */
  readonly maxAgeSeconds: number;
}

/** Google's two views of the same keys: X.509 PEMs by kid (v1) and a JWK set (v3). */
export function certsRoutes(context: CertsContext): Route[] {
  const cacheHeaders = (): Record<string, string> => ({
    'cache-control': `public, max-age=${context.maxAgeSeconds}, must-revalidate, no-transform`,
    expires: new Date(context.now() + context.maxAgeSeconds * 1000).toUTCString(),
  });
  return [
    {
      method: 'GET',
      path: /^\/oauth2\/v1\/certs$/,
      handle: (_request, response) => {
        const pems = Object.fromEntries(context.keys.published.map((key) => [key.kid, key.certificatePem]));
        sendJson(response, 200, pems, cacheHeaders());
      },
    },
    {
      method: 'GET',
      path: /^\/oauth2\/v3\/certs$/,
      handle: (_request, response) => {
        sendJson(response, 200, { keys: context.keys.published.map(publicJwk) }, cacheHeaders());
      },
    },
  ];
}
