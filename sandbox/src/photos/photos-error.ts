/**
 * The Photos APIs' error values in Google's newer JSON shape (`{"error": {code, message, status,
 * details?}}`, no `errors` array), so product code that branches on the status name or the HTTP
 * code behaves here as it will against photospicker.googleapis.com and photoslibrary.googleapis.com.
 * The builders below are the only place the wording lives; none of them echoes what a client sent.
 */
export type PhotosStatusName =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'UNKNOWN';

export interface ErrorInfoDetail {
  readonly '@type': 'type.googleapis.com/google.rpc.ErrorInfo';
  readonly reason: string;
  readonly domain: 'googleapis.com';
  readonly metadata: Readonly<Record<string, string>>;
}

export interface PhotosErrorBody {
  readonly error: { readonly code: number; readonly message: string; readonly status: PhotosStatusName; readonly details?: readonly ErrorInfoDetail[] };
}

export class PhotosError extends Error {
  constructor(
    readonly code: number,
    readonly status: PhotosStatusName,
    message: string,
    readonly options: { details?: readonly ErrorInfoDetail[]; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(message);
    this.name = 'PhotosError';
  }

  body(): PhotosErrorBody {
    const details = this.options.details;
    return { error: { code: this.code, message: this.message, status: this.status, ...(details ? { details } : {}) } };
  }

  headers(): Readonly<Record<string, string>> {
    return this.options.headers ?? {};
  }
}

/** Which Google service and RPC a call is, for the ErrorInfo Google attaches to auth failures. */
export interface RpcName {
  readonly service: string;
  readonly method: string;
}

const CHALLENGE = 'Bearer realm="https://accounts.google.com/"';

function errorInfo(reason: string, rpc: RpcName): ErrorInfoDetail {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: rpc.service, method: rpc.method } };
}

export const photosErrors = {
  credentialsMissing: (rpc: RpcName) =>
    new PhotosError(
      401,
      'UNAUTHENTICATED',
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      { details: [errorInfo('CREDENTIALS_MISSING', rpc)], headers: { 'www-authenticate': CHALLENGE } },
    ),

  invalidCredentials: (rpc: RpcName, expired: boolean) =>
    new PhotosError(
      401,
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      { details: [errorInfo(expired ? 'ACCESS_TOKEN_EXPIRED' : 'ACCESS_TOKEN_INVALID', rpc)], headers: { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` } },
    ),

  insufficientScopes: (rpc: RpcName, scopes: readonly string[]) =>
    new PhotosError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', {
      details: [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', rpc)],
      headers: { 'www-authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${scopes.join(' ')}"` },
    }),

  invalidArgument: (message = 'Request contains an invalid argument.') => new PhotosError(400, 'INVALID_ARGUMENT', message),

  failedPrecondition: (message = 'Precondition check failed.') => new PhotosError(400, 'FAILED_PRECONDITION', message),

  notFound: (message = 'Requested entity was not found.') => new PhotosError(404, 'NOT_FOUND', message),

  permissionDenied: (message = 'The caller does not have permission') => new PhotosError(403, 'PERMISSION_DENIED', message),

  resourceExhausted: (retryAfterSeconds: number | undefined) =>
    new PhotosError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', { headers: retryAfter(retryAfterSeconds) }),

  serverError: (code: number, retryAfterSeconds?: number) => {
    const { status, message } = SERVER_ERRORS[code] ?? { status: 'UNKNOWN' as const, message: 'Unknown error.' };
    return new PhotosError(code, status, message, { headers: retryAfter(retryAfterSeconds) });
  },
};

const SERVER_ERRORS: Readonly<Record<number, { status: PhotosStatusName; message: string }>> = {
  500: { status: 'INTERNAL', message: 'Internal error encountered.' },
  502: { status: 'UNAVAILABLE', message: 'The service is currently unavailable.' },
  503: { status: 'UNAVAILABLE', message: 'The service is currently unavailable.' },
  504: { status: 'DEADLINE_EXCEEDED', message: 'The request timed out. Please try again.' },
};

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}
