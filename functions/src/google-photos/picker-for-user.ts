import type { DriveRetryPolicy } from '../drive/retry-policy';
import { UserAuthClient } from '../google/user-auth-client';
import { createPhotosHttp } from './photos-http';
import { createPickerApi, type PickerApi } from './picker-api';
import type { UserRecord } from '../users/user-record';

/** Where one user's access token comes from: the cached one, and a fresh one when Google refuses it. */
export interface AccessTokenSource {
  current(): Promise<string>;
  refresh(): Promise<string>;
}

/** How an HTTP function (no worker lease) calls the Picker API as a user: their tokens, and a client over them. */
export interface PickerAsUser {
  /** `signal`: the request's deadline; a token refresh starts no retry after it. */
  tokens: (userId: string, record: UserRecord, signal?: AbortSignal) => AccessTokenSource;
  picker: (tokens: AccessTokenSource) => Promise<PickerApi>;
}

export interface PickerClientOptions {
  pickerRootUrl: string;
  timeoutMs: number;
  retry: DriveRetryPolicy;
}

/** A PickerApi calling as one user: a 401 refreshes the token once (UserAuthClient). */
export async function pickerApiForUser(tokens: AccessTokenSource, options: PickerClientOptions): Promise<PickerApi> {
  const auth = new UserAuthClient(await tokens.current(), () => tokens.refresh(), options.timeoutMs);
  return createPickerApi(createPhotosHttp({ auth, timeoutMs: options.timeoutMs, retry: options.retry }), options.pickerRootUrl);
}
