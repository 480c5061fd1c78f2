import type { ServerResponse } from 'node:http';
import { sendJson } from '../http';

/** The `error` values Google's token and revoke endpoints answer with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'redirect_uri_mismatch'
  | 'unsupported_grant_type'
  | 'invalid_token';

const STATUS: Readonly<Record<OAuthErrorCode, number>> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  redirect_uri_mismatch: 400,
  unsupported_grant_type: 400,
  invalid_token: 400,
};

/** A refusal in Google's words; the description never quotes the token or code it refused. */
export class OAuthError extends Error {
  readonly status: number;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
    this.status = STATUS[code];
  }
}

export function sendOAuthError(response: ServerResponse, error: OAuthError): void {
  sendJson(response, error.status, { error: error.code, error_description: error.description }, { 'cache-control': 'no-store' });
}
