import type { ServerResponse } from 'node:http';
import type { IssuedAccessToken } from '../access-tokens';
import { delay } from '../delay';
import { type Route, type SandboxRequest, sendJson } from '../http';
import type { PhotosMethod } from './methods';
import { PhotosError, photosErrors, type RpcName } from './photos-error';
import type { PhotosState } from './photos-state';
import { ACCEPTED_SCOPES, mayAccess, type PhotosAccess } from './scopes';

/** What a Photos handler gets once the call is authenticated, authorised and past fault injection. */
export interface PhotosCall {
  readonly request: SandboxRequest;
  readonly grant: IssuedAccessToken;
  readonly state: PhotosState;
}

export type PhotosReply =
  | { readonly kind: 'json'; readonly body: unknown }
  | { readonly kind: 'text'; readonly body: string }
  | { readonly kind: 'bytes'; readonly body: Buffer; readonly contentType: string }
  /** A base URL the caller may not fetch: Google's media host answers a bare 403. */
  | { readonly kind: 'forbidden' };

export interface PhotosRouteSpec {
  readonly method: Route['method'];
  readonly path: RegExp;
  readonly photosMethod: PhotosMethod;
  readonly access: PhotosAccess;
  /** The API method's RPC name, for the ErrorInfo of auth failures. */
  readonly rpc: RpcName;
  /** `media`: a base-URL fetch, where every access failure is a bare 403 rather than a JSON 401/403. */
  readonly kind?: 'api' | 'media';
  handle(call: PhotosCall): PhotosReply | Promise<PhotosReply>;
}

/**
 * Wraps a Photos handler in what every call goes through, in Google's order: the Bearer token
 * (401), the method's scopes (403), quota and backend faults, then the method itself. Failures
 * leave in Google's JSON error shape, and no credential a client sent is ever echoed into one.
 */
export function photosRoute(state: PhotosState, spec: PhotosRouteSpec): Route {
  const closing = state.context.closing ?? new AbortController().signal;
  const media = spec.kind === 'media';
  return {
    method: spec.method,
    path: spec.path,
    handle: async (request, response) => {
      const check = state.context.accessTokens.check(request.headers.authorization);
      const sub = check.ok ? check.grant.sub : undefined;
      state.stats.call(spec.photosMethod, sub);
      await delay(state.faults.latencyMs(), closing);
      try {
        if (!check.ok) {
          if (media) return sendReply(response, { kind: 'forbidden' });
          throw check.reason === 'missing' ? photosErrors.credentialsMissing(spec.rpc) : photosErrors.invalidCredentials(spec.rpc, check.reason === 'expired');
        }
        if (!mayAccess(check.grant.scopes, spec.access)) {
          if (media) return sendReply(response, { kind: 'forbidden' });
          throw photosErrors.insufficientScopes(spec.rpc, ACCEPTED_SCOPES[spec.access]);
        }
        const fault = state.faults.nextFault(spec.photosMethod);
        if (fault) {
          state.stats.fault(sub);
          throw fault;
        }
        sendReply(response, await spec.handle({ request, grant: check.grant, state }));
      } catch (error) {
        sendPhotosError(response, asPhotosError(error, spec.photosMethod));
      }
    },
  };
}

function asPhotosError(error: unknown, method: PhotosMethod): PhotosError {
  if (error instanceof PhotosError) return error;
  // A sandbox bug, not a Photos behaviour: say so on the console (no request data), answer like Google's backend.
  console.error(`photos sandbox: unexpected failure in ${method}: ${error instanceof Error ? error.message : String(error)}`);
  return photosErrors.serverError(500);
}

function sendPhotosError(response: ServerResponse, error: PhotosError): void {
  sendJson(response, error.code, error.body(), error.headers());
}

const FORBIDDEN_PAGE = '<!DOCTYPE html><html lang=en><title>Error 403 (Forbidden)!!1</title><p><b>403.</b> <ins>That’s an error.</ins></p></html>';

function sendReply(response: ServerResponse, reply: PhotosReply): void {
  switch (reply.kind) {
    case 'json':
      sendJson(response, 200, reply.body);
      return;
    case 'text':
      send(response, 200, 'text/plain; charset=utf-8', Buffer.from(reply.body, 'utf8'));
      return;
    case 'bytes':
      send(response, 200, reply.contentType, reply.body);
      return;
    case 'forbidden':
      send(response, 403, 'text/html; charset=UTF-8', Buffer.from(FORBIDDEN_PAGE, 'utf8'));
      return;
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: Buffer): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': body.length });
  response.end(body);
}
