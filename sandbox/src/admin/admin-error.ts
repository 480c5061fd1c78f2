/** Why the admin API refused a request; stable codes, as tests and demo scripts branch on them. */
export type SandboxAdminErrorCode =
  | 'invalid_argument'
  | 'unknown_client'
  | 'redirect_uri_not_registered'
  | 'unknown_kid'
  | 'current_signing_key'
  | 'not_found'
  | 'session_not_found'
  | 'session_deleted'
  | 'session_expired'
  | 'session_already_picked'
  | 'too_many_items';

export class SandboxAdminError extends Error {
  constructor(
    readonly code: SandboxAdminErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxAdminError';
  }

  get status(): number {
    return this.code === 'not_found' || this.code === 'session_not_found' ? 404 : 400;
  }
}
