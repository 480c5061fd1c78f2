/**
 * Drive's error values, in the exact JSON shape Google sends, so product code that branches on
 * `error.errors[0].reason` or the status behaves here as it will in production. Every failure a
 * Drive route reports is one of these; the builders below are the only place their wording lives.
 */
export interface DriveErrorItem {
  readonly domain: string;
  readonly reason: string;
  readonly message: string;
  readonly location?: string;
  readonly locationType?: string;
}

export interface DriveErrorBody {
  readonly error: {
    readonly code: number;
    readonly message: string;
    readonly errors: readonly DriveErrorItem[];
    readonly status?: string;
  };
}

export class DriveError extends Error {
  constructor(
    readonly status: number,
    readonly item: DriveErrorItem,
    readonly options: { topMessage?: string; grpcStatus?: string; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(options.topMessage ?? item.message);
    this.name = 'DriveError';
  }

  get reason(): string {
    return this.item.reason;
  }

  body(): DriveErrorBody {
    const status = this.options.grpcStatus;
    return {
      error: {
        code: this.status,
        message: this.message,
        errors: [this.item],
        ...(status === undefined ? {} : { status }),
      },
    };
  }

  headers(): Readonly<Record<string, string>> {
    return this.options.headers ?? {};
  }
}

export function isDriveError(value: unknown): value is DriveError {
  return value instanceof DriveError;
}

const AUTH_MESSAGE =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** Google answers 401s with this challenge; clients may read it. */
const AUTH_CHALLENGE = { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' };

export const driveErrors = {
  loginRequired: () =>
    new DriveError(
      401,
      { domain: 'global', reason: 'required', message: 'Login Required', locationType: 'header', location: 'Authorization' },
      {
        topMessage:
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        grpcStatus: 'UNAUTHENTICATED',
        headers: AUTH_CHALLENGE,
      },
    ),

  invalidCredentials: () =>
    new DriveError(
      401,
      { domain: 'global', reason: 'authError', message: 'Invalid Credentials', locationType: 'header', location: 'Authorization' },
      { topMessage: AUTH_MESSAGE, grpcStatus: 'UNAUTHENTICATED', headers: AUTH_CHALLENGE },
    ),

  insufficientScopes: (message = 'Insufficient Permission') =>
    new DriveError(
      403,
      { domain: 'global', reason: 'insufficientPermissions', message },
      { topMessage: 'Request had insufficient authentication scopes.', grpcStatus: 'PERMISSION_DENIED' },
    ),

  fileNotFound: (fileId: string) => {
    const message = `File not found: ${fileId}.`;
    return new DriveError(404, { domain: 'global', reason: 'notFound', message, locationType: 'parameter', location: 'fileId' });
  },

  notFound: (message: string) => new DriveError(404, { domain: 'global', reason: 'notFound', message }),

  invalidParameter: (location: string, message = 'Invalid Value') =>
    new DriveError(400, { domain: 'global', reason: 'invalidParameter', message, locationType: 'parameter', location }),

  /** A `q` Drive cannot read: reason `invalid`, not `invalidParameter` (as Drive answers it). */
  invalidQuery: () =>
    new DriveError(400, { domain: 'global', reason: 'invalid', message: 'Invalid Value', locationType: 'parameter', location: 'q' }),

  requiredParameter: (location: string, message = 'Required parameter: ' + location) =>
    new DriveError(400, { domain: 'global', reason: 'required', message, locationType: 'parameter', location }),

  badRequest: (message: string) => new DriveError(400, { domain: 'global', reason: 'badRequest', message }),

  parseError: () => new DriveError(400, { domain: 'global', reason: 'parseError', message: 'Parse Error' }),

  fieldNotWritable: () =>
    new DriveError(403, {
      domain: 'global',
      reason: 'fieldNotWritable',
      message: 'The resource body includes fields which are not directly writable.',
    }),

  fileNotDownloadable: () =>
    new DriveError(403, {
      domain: 'global',
      reason: 'fileNotDownloadable',
      message: 'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
      locationType: 'parameter',
      location: 'alt',
    }),

  /** alt=media of a file Drive flagged as malware or spam, without `acknowledgeAbuse=true`. */
  cannotDownloadAbusiveFile: () =>
    new DriveError(403, {
      domain: 'global',
      reason: 'cannotDownloadAbusiveFile',
      message: 'This file has been identified as malware or spam and cannot be downloaded.',
    }),

  /** A download Range that starts past the end; Content-Range says the size. */
  rangeNotSatisfiable: (size: number) =>
    new DriveError(
      416,
      { domain: 'global', reason: 'requestedRangeNotSatisfiable', message: 'Request range not satisfiable' },
      { headers: { 'content-range': `bytes */${size}` } },
    ),

  /** A write past the user's storage limit (see storage-quota.ts); not retryable until space is freed. */
  storageQuotaExceeded: () =>
    new DriveError(403, {
      domain: 'usageLimits',
      reason: 'storageQuotaExceeded',
      message: "The user's Drive storage quota has been exceeded.",
    }),

  userRateLimitExceeded: (retryAfterSeconds?: number) =>
    new DriveError(
      403,
      { domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' },
      { headers: retryAfterHeader(retryAfterSeconds) },
    ),

  rateLimitExceeded: (retryAfterSeconds?: number) =>
    new DriveError(
      429,
      { domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' },
      { headers: retryAfterHeader(retryAfterSeconds) },
    ),

  backendError: (status = 500, retryAfterSeconds?: number) =>
    new DriveError(
      status,
      { domain: 'global', reason: 'backendError', message: 'Backend Error' },
      { headers: retryAfterHeader(retryAfterSeconds) },
    ),
};

function retryAfterHeader(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}
