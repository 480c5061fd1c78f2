import { sendGoogleApiError } from '../google-errors';
import { type Route, type SandboxRequest, sendJson } from '../http';
import type { SandboxAdmin, SandboxFaultSettings } from './admin-api';
import { SandboxAdminError } from './admin-error';
import { kidSchema, lifetimeSchema, parseAdminInput, photosSessionSchema, userSchema } from './admin-schemas';

type Operation = (body: unknown, query: URLSearchParams) => unknown;

/**
 * The admin API over HTTP, for demos and scripts: `POST /__admin/<operation>` with a JSON body,
 * `GET` for the read-only ones. Each entry calls the in-process `SandboxAdmin` method of the same name.
 */
function operations(admin: SandboxAdmin): Record<string, { method: 'GET' | 'POST'; run: Operation }> {
  // The casts below hand raw JSON to admin methods that validate their own input with zod.
  const user = (body: unknown) => parseAdminInput(userSchema, body);
  const session = (body: unknown) => parseAdminInput(photosSessionSchema, body);
  return {
    'mint-code': { method: 'POST', run: (body) => admin.mintCode(body as Parameters<SandboxAdmin['mintCode']>[0]) },
    'revoke-grant': { method: 'POST', run: (body) => admin.revokeGrant(user(body).sub, user(body).clientId) },
    'expire-access-tokens': { method: 'POST', run: (body) => admin.expireAccessTokens(user(body).sub) },
    'set-access-token-lifetime': { method: 'POST', run: (body) => admin.setAccessTokenLifetime(parseAdminInput(lifetimeSchema, body).seconds) },
    'expire-refresh-tokens': { method: 'POST', run: (body) => admin.expireRefreshTokens(user(body).sub, user(body).clientId) },
    'rotate-refresh-token-on-next-refresh': {
      method: 'POST',
      run: (body) => admin.rotateRefreshTokenOnNextRefresh(user(body).sub, user(body).clientId),
    },
    'rotate-signing-key': { method: 'POST', run: () => admin.rotateSigningKey() },
    'drop-signing-key': { method: 'POST', run: (body) => admin.dropSigningKey(parseAdminInput(kidSchema, body).kid) },
    'signing-keys': { method: 'GET', run: () => admin.signingKeys() },
    'set-faults': { method: 'POST', run: (body) => admin.setFaults(body as SandboxFaultSettings) },
    faults: { method: 'GET', run: () => admin.faults() },
    grants: { method: 'GET', run: (_body, query) => admin.grants(query.get('sub') ?? '') },
    stats: { method: 'GET', run: () => admin.stats() },
    reset: { method: 'POST', run: () => admin.reset() },
    'mint-id-token': { method: 'POST', run: (body) => admin.mintIdToken(body as Parameters<SandboxAdmin['mintIdToken']>[0]) },
    'photos-pick': { method: 'POST', run: (body) => admin.photosPick(body as Parameters<SandboxAdmin['photosPick']>[0]) },
    'photos-expire-session': { method: 'POST', run: (body) => admin.photosExpireSession(session(body).sessionId) },
    'photos-set-session-timing': {
      method: 'POST',
      run: (body) => admin.photosSetSessionTiming(body as Parameters<SandboxAdmin['photosSetSessionTiming']>[0]),
    },
    'photos-sessions': { method: 'GET', run: (_body, query) => admin.photosSessions(query.get('sub') ?? '') },
    'photos-albums': { method: 'GET', run: (_body, query) => admin.photosAlbums(query.get('sub') ?? '') },
  };
}

export function adminRoutes(admin: SandboxAdmin): Route[] {
  return Object.entries(operations(admin)).map(([name, operation]) => ({
    method: operation.method,
    path: new RegExp(`^/__admin/${name}$`),
    handle: async (request, response) => {
      try {
        const result = await operation.run(readJsonBody(request), request.url.searchParams);
        sendJson(response, 200, result ?? {});
      } catch (error) {
        if (!(error instanceof SandboxAdminError)) throw error;
        sendGoogleApiError(response, error.status, error.code, error.message);
      }
    },
  }));
}

function readJsonBody(request: SandboxRequest): unknown {
  if (request.body.length === 0) return {};
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new SandboxAdminError('invalid_argument', 'request body is not valid JSON');
  }
}
