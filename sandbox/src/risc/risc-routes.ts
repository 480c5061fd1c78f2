import type { ServerResponse } from 'node:http';
import { SandboxAdminError } from '../admin/admin-error';
import { sendGoogleApiError } from '../google-errors';
import { type Route, type SandboxRequest, sendJson } from '../http';
import { publicJwk, type SigningKeyRing } from '../id-tokens/signing-keys';
import type { RiscAdmin } from './risc-admin';

/** How long receivers may cache the configuration and the keys. */
const MAX_AGE_SECONDS = 300;

/**
 * Google's side of Cross-Account Protection, as receivers see it:
 *   GET  /.well-known/risc-configuration        {issuer, jwks_uri, delivery_methods_supported}
 *   GET  /risc/v1/jwks                          {keys: [{kty, alg, use, kid, n, e}]}
 * and the admin API:
 *   POST /__admin/risc/mint-event               {event, sub?, ...} -> {token, jti}
 *   POST /__admin/risc/send-event               {receiverUrl, event, sub?, ...} -> {status, body, jti}
 *   POST /__admin/risc/rotate-signing-key       -> {kid}
 */
export function riscRoutes(admin: RiscAdmin, keys: SigningKeyRing): Route[] {
  const cache = { 'cache-control': `public, max-age=${MAX_AGE_SECONDS}` };
  return [
    {
      method: 'GET',
      path: /^\/\.well-known\/risc-configuration$/,
      handle: (_request, response) => sendJson(response, 200, admin.configuration(), cache),
    },
    {
      method: 'GET',
      path: /^\/risc\/v1\/jwks$/,
      handle: (_request, response) => sendJson(response, 200, { keys: keys.published.map(publicJwk) }, cache),
    },
    adminRoute('mint-event', (body) => admin.mintSecurityEvent(body as never)),
    adminRoute('send-event', (body) => admin.sendSecurityEvent(body as never)),
    adminRoute('rotate-signing-key', () => admin.rotateSigningKey()),
  ];
}

/** The admin methods validate their own input (zod), so the raw JSON is handed over as is. */
function adminRoute(name: string, run: (body: unknown) => Promise<unknown>): Route {
  return {
    method: 'POST',
    path: new RegExp(`^/__admin/risc/${name}$`),
    handle: async (request, response) => {
      try {
        sendJson(response, 200, await run(readJson(request)));
      } catch (error) {
        if (!(error instanceof SandboxAdminError)) throw error;
        sendAdminError(response, error);
      }
    },
  };
}

function readJson(request: SandboxRequest): unknown {
  if (request.body.length === 0) return {};
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new SandboxAdminError('invalid_argument', 'request body is not valid JSON');
  }
}

function sendAdminError(response: ServerResponse, error: SandboxAdminError): void {
  sendGoogleApiError(response, error.status, error.code, error.message);
}
