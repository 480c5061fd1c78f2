/**
 * Every failure the product reports to a caller is an AppError with a stable code.
 * The code, not the message, is the contract: apps branch on it, so it never changes.
 * Messages are plain words for people and never carry a token, code or key.
 */
export const ERROR_CODES = [
  'method_not_allowed',
  'csrf_header_missing',
  'origin_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_request',
  'redirect_uri_not_allowed',
  'invalid_grant',
  'oauth_client_misconfigured',
  'upstream_unavailable',
  'id_token_missing',
  'invalid_id_token',
  'invalid_security_event',
  'app_check_failed',
  'insufficient_scope',
  'reconsent_required',
  'not_connected',
  'reauth_required',
  'no_photos_account',
  'too_many_sessions',
  'unauthenticated',
  'not_found',
  'key_unavailable',
  'key_misconfigured',
  'storage_unavailable',
  'deadline_exceeded',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorOptions {
  /** Extra, non-secret fields added to the error body (e.g. missingScopes). */
  details?: Record<string, unknown>;
  /** Seconds the caller should wait before retrying (503s). */
  retryAfterSeconds?: number;
  /** Allowed methods, for 405. */
  allow?: readonly string[];
  /** The underlying failure, kept for the operator's log; never sent to the caller. */
  cause?: unknown;
  /**
   * The operator was already alerted where the failure arose (once per instance, not per request):
   * the HTTP adapter then logs each answer at WARNING instead of raising another ERROR.
   */
  operatorAlerted?: boolean;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly allow: readonly string[] | undefined;
  readonly operatorAlerted: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.allow = options.allow;
    this.operatorAlerted = options.operatorAlerted ?? false;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
