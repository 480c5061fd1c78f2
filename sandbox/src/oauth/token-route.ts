import type { ServerResponse } from 'node:http';
import { delay } from '../delay';
import { type Route, type SandboxRequest, sendJson } from '../http';
import { exchangeAuthorizationCode } from './authorization-code-grant';
import { sendFault } from './faults';
import { readForm, requireParam } from './form';
import type { OAuthContext } from './oauth-context';
import { OAuthError, sendOAuthError } from './oauth-error';
import { refreshAccessToken } from './refresh-token-grant';
import type { TokenResponseBody } from './token-response';

type Form = { ok: true; form: URLSearchParams } | { ok: false; error: OAuthError };

/** `POST /token`, Google's `https://oauth2.googleapis.com/token`. */
export function tokenRoute(context: OAuthContext): Route {
  return {
    method: 'POST',
    path: /^\/token$/,
    handle: async (request, response) => {
      const parsed = parseForm(request);
      // Counted before any fault, so a client's retries are visible in the stats.
      context.stats.tokenRequest(parsed.ok ? parsed.form.get('grant_type') : null);
      await delay(context.faults.latencyMs('tokenEndpoint'), context.closing);
      if (context.closing.aborted) return;
      if (injectFault(context, response)) return;
      try {
        if (!parsed.ok) throw parsed.error;
        sendJson(response, 200, grant(context, request, parsed.form), { 'cache-control': 'no-store', pragma: 'no-cache' });
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        sendOAuthError(response, error);
      }
    },
  };
}

function parseForm(request: SandboxRequest): Form {
  try {
    return { ok: true, form: readForm(request) };
  } catch (error) {
    if (error instanceof OAuthError) return { ok: false, error };
    throw error;
  }
}

/** Answers with an injected fault when one is due; true if the request is taken care of. */
function injectFault(context: OAuthContext, response: ServerResponse): boolean {
  const fault = context.faults.decide('tokenEndpoint');
  if (fault.kind === 'none') return false;
  context.stats.count('faultsInjected');
  // A hang leaves the response open; the client's timeout or the sandbox's close ends it.
  if (fault.kind === 'fail') sendFault(response, fault.status, fault.retryAfterSeconds);
  return true;
}

function grant(context: OAuthContext, request: SandboxRequest, form: URLSearchParams): TokenResponseBody {
  const grantType = requireParam(form, 'grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    throw new OAuthError('unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  }
  const client = context.clients.authenticate(request.headers, form);
  return grantType === 'authorization_code'
    ? exchangeAuthorizationCode(context, client, form)
    : refreshAccessToken(context, client, form);
}
