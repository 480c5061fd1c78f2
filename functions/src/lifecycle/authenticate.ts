import { AppError } from '../errors/app-error';
import type { GoogleIdentity, IdTokenVerifier } from '../google/verify-id-token';
import type { HttpRequest } from '../http/types';

/** Google ID tokens are about 1 KB; anything far larger is not one and is not worth parsing. */
export const MAX_ID_TOKEN_LENGTH = 4096;
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The user behind a request: `Authorization: Bearer <Google ID token>`, as the app gets it from
 * Google Sign-In. No header, another scheme or an empty token: 401 `unauthenticated` (the app
 * forgot to sign in). A token that is not a well-formed JWT, or fails verification: 401
 * `invalid_id_token` (sign in again to get a fresh one; ID tokens last an hour).
 */
export async function authenticateUser(request: HttpRequest, verify: IdTokenVerifier): Promise<GoogleIdentity> {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization?.trim() ?? '');
  const token = match?.[1];
  if (!token) throw new AppError('unauthenticated', "Send the user's Google ID token as Authorization: Bearer <token>.");
  if (token.length > MAX_ID_TOKEN_LENGTH || !COMPACT_JWT.test(token)) {
    throw new AppError('invalid_id_token', 'The bearer token is not a Google ID token.');
  }
  return verify(token, request.signal);
}
