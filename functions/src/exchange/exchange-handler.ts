import type { AppCheckGate } from '../app-check/app-check-gate';
import type { HttpHandler } from '../http/types';
import { type ExchangeDeps, exchangeAuthCode } from './exchange-auth-code';
import { readExchangeRequest } from './exchange-request';

export interface ExchangeHandlerOptions {
  /** ALLOWED_REDIRECT_URIS: the redirect URIs a request may name (web clients). */
  allowedRedirectUris: readonly string[];
  appCheck?: AppCheckGate | undefined;
}

/**
 * HTTP face of the exchange: validate, exchange, answer. Errors are mapped by the framework adapter.
 * With App Check on, the token is checked after the cheap request checks and before the first
 * call to Google, so an unattested client costs us no code exchange.
 */
export function createExchangeHandler(deps: ExchangeDeps, options: ExchangeHandlerOptions): HttpHandler {
  return async (request) => {
    const { code, redirectUri } = readExchangeRequest(request, options.allowedRedirectUris);
    await options.appCheck?.(request);
    const result = await exchangeAuthCode(code, deps, { redirectUri, signal: request.signal });
    return { status: 200, body: result };
  };
}
