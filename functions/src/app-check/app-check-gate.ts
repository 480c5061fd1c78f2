import { AppError } from '../errors/app-error';
import type { HttpRequest } from '../http/types';
import type { AppCheckVerifier } from './app-check-verifier';

/** Rejects a request that does not carry a valid App Check token; resolves otherwise. */
export type AppCheckGate = (request: HttpRequest) => Promise<void>;

export const APP_CHECK_HEADER = 'x-firebase-appcheck';

/** The gate over a verifier that may still be loading (it is imported lazily: see app-check-from-config). */
export function appCheckGate(verifier: Promise<AppCheckVerifier>): AppCheckGate {
  return async (request) => {
    const token = request.headers[APP_CHECK_HEADER]?.trim();
    if (!token) throw new AppError('app_check_failed', 'The X-Firebase-AppCheck header is required.');
    await (await verifier)(token);
  };
}
