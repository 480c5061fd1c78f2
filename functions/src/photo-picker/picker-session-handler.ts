import { requireBodyWithin, requireCsrfHeader, requireMethod } from '../http/request-guards';
import type { HttpHandler } from '../http/types';
import type { IdTokenVerifier } from '../google/verify-id-token';
import { authenticateUser } from '../lifecycle/authenticate';
import { type CreatePickerSessionDeps, createPickerSession } from './create-picker-session';

export interface PickerSessionHandlerDeps extends CreatePickerSessionDeps {
  verifyIdToken: IdTokenVerifier;
}

/**
 * `createPhotoPickerSession`: POST, `X-Requested-With`, `Authorization: Bearer <ID token>`; no body
 * needed. The same guards as `disconnect`, in the same order; then docs/api.md's table.
 */
export function createPickerSessionHandler(deps: PickerSessionHandlerDeps): HttpHandler {
  return async (request) => {
    requireMethod(request, ['POST']);
    requireCsrfHeader(request);
    requireBodyWithin(request);
    const identity = await authenticateUser(request, deps.verifyIdToken);
    return { status: 200, body: await createPickerSession(identity.sub, deps, request.signal) };
  };
}
