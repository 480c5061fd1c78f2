import { SandboxAdminError } from '../admin/admin-error';
import { sendGoogleApiError } from '../google-errors';
import { type Route, sendJson } from '../http';
import type { AppCheckIssuer } from './app-check-issuer';
import type { MintAppCheckTokenInput } from './app-check-schemas';

export const APP_CHECK_JWKS_PATH = '/v1/jwks';

/**
 * `GET /v1/jwks` (Firebase's public key set, path as at firebaseappcheck.googleapis.com) and the
 * admin operation `POST /__admin/mint-app-check-token` for demos and scripts.
 */
export function appCheckRoutes(issuer: AppCheckIssuer, maxAgeSeconds: number): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/jwks$/,
      handle: async (_request, response) => sendJson(response, 200, await issuer.jwks(), { 'cache-control': `public, max-age=${maxAgeSeconds}` }),
    },
    {
      method: 'POST',
      path: /^\/__admin\/mint-app-check-token$/,
      handle: async (request, response) => {
        try {
          sendJson(response, 200, await issuer.mint(readJson(request.body) as MintAppCheckTokenInput));
        } catch (error) {
          if (!(error instanceof SandboxAdminError)) throw error;
          sendGoogleApiError(response, error.status, error.code, error.message);
        }
      },
    },
  ];
}

function readJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new SandboxAdminError('invalid_argument', 'request body is not valid JSON');
  }
}
