import type { HttpHandler } from '../http/types';
import { type ExchangeDeps, exchangeAuthCode } from './exchange-auth-code';
import { readExchangeRequest } from './exchange-request';

/** HTTP face of the exchange: validate, exchange, answer. Errors are mapped by the framework adapter. */
export function createExchangeHandler(deps: ExchangeDeps): HttpHandler {
  return async (request) => {
    const code = readExchangeRequest(request);
    const result = await exchangeAuthCode(code, deps);
    return { status: 200, body: result };
  };
}
