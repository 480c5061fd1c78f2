import type { AppCheckGate } from '../app-check/app-check-gate';
import type { HttpHandler } from '../http/types';
import { type ExchangeDeps, exchangeAuthCode } from './exchange-auth-code';
import { readExchangeRequest } from './exchange-request';

/**
 * HTTP face of the exchange: validate, exchange, answer. Errors are mapped by the framework adapter.
 * With App Check on, the token is checked after the cheap request checks and before the first
 * call to Google, so an unattested client costs us no code exchange.
 */
export function createExchangeHandler(deps: ExchangeDeps, appCheck?: AppCheckGate): HttpHandler {
  return async (request) => {
    const code = readExchangeRequest(request);
    await appCheck?.(request);
    const result = await exchangeAuthCode(code, deps);
    return { status: 200, body: result };
  };
}
