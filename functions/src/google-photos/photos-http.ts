import type { OAuth2Client } from 'google-auth-library';
import type { GaxiosOptions } from 'gaxios';
import { type DriveRetryPolicy, gaxiosRetryConfig } from '../drive/retry-policy';
import { GoogleApiCallError, googleApiCall, isGoogleApiCallError } from '../google/api-call';
import type { ApiFailure } from '../google/api-failure';

/** A Photos call (Picker or Library API) that failed after the client's own retries. */
export class PhotosCallError extends GoogleApiCallError {
  constructor(operation: string, failure: ApiFailure, cause: unknown) {
    super('Photos', operation, failure, cause);
    this.name = 'PhotosCallError';
  }
}

export function isPhotosCallError(value: unknown): value is PhotosCallError {
  return value instanceof PhotosCallError;
}

export interface PhotosRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  params?: Record<string, string | number>;
  /** JSON body, or raw bytes (uploads). */
  data?: unknown;
  headers?: Record<string, string>;
  /**
   * Safe to send again whatever the method: retried on transient failures like a GET. POSTs
   * that create something (sessions, albums, media items) leave it false: only the caller can
   * look before creating again.
   */
  repeatable?: boolean;
}

export type Download = { kind: 'bytes'; data: Buffer } | { kind: 'too_large' };

/**
 * The Photos calls of one user, through that user's auth client (which refreshes a refused access
 * token once, and refuses everything once the grant is revoked). Every call has the timeout and
 * the retry policy the Drive client has (drive/retry-policy.ts): transient failures (network,
 * 408, 429, 5xx) of repeatable calls are retried with capped exponential backoff and jitter,
 * never sooner than Retry-After.
 */
export interface PhotosHttp {
  json<T>(operation: string, request: PhotosRequest): Promise<T>;
  text(operation: string, request: PhotosRequest): Promise<string>;
  /** A GET of bytes (a picked item's `baseUrl=d`), refused past `maxBytes`. */
  bytes(operation: string, url: string, maxBytes: number): Promise<Download>;
}

export interface PhotosHttpOptions {
  auth: OAuth2Client;
  timeoutMs: number;
  retry: DriveRetryPolicy;
  /** Aborts every call still in flight, retries included (the worker's hard stop). */
  signal?: AbortSignal;
}

export function createPhotosHttp(options: PhotosHttpOptions): PhotosHttp {
  const send = <T>(operation: string, request: PhotosRequest, extra: Partial<GaxiosOptions>) =>
    googleApiCall(
      async () =>
        (
          await options.auth.request<T>({
            method: request.method,
            url: request.url,
            ...(request.params ? { params: request.params } : {}),
            ...(request.data === undefined ? {} : { data: request.data }),
            ...(request.headers ? { headers: request.headers } : {}),
            timeout: options.timeoutMs,
            retry: true,
            // GET and DELETE are retried anyway; `repeatable` only lets a POST be.
            retryConfig: gaxiosRetryConfig(options.retry, Math.random, request.repeatable === true),
            ...(options.signal ? { signal: options.signal } : {}),
            ...extra,
          })
        ).data,
      (failure, cause) => new PhotosCallError(operation, failure, cause),
    );
  return {
    json: (operation, request) => send(operation, request, { responseType: 'json' }),
    text: async (operation, request) => String(await send<string>(operation, request, { responseType: 'text' })),
    async bytes(operation, url, maxBytes) {
      try {
        const data = await send<ArrayBuffer>(operation, { method: 'GET', url }, { responseType: 'arraybuffer', maxContentLength: maxBytes });
        const bytes = Buffer.from(data);
        return bytes.length > maxBytes ? { kind: 'too_large' } : { kind: 'bytes', data: bytes };
      } catch (error) {
        // gaxios refuses an over-long body with the 200 response attached: the file, not Google, failed.
        const status = isGoogleApiCallError(error) ? error.failure.httpStatus : undefined;
        if (status !== undefined && status >= 200 && status < 300) return { kind: 'too_large' };
        throw error;
      }
    },
  };
}
