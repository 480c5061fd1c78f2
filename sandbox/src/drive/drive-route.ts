import type { ServerResponse } from 'node:http';
import type { IssuedAccessToken } from '../access-tokens';
import { delay } from '../delay';
import { type Route, type SandboxRequest, sendJson } from '../http';
import { DriveError, driveErrors, isDriveError } from './drive-error';
import type { DriveState } from './drive-state';
import type { DriveSpace } from './model';
import { type MethodAccess, mayCallMethod, visibleSpaces } from './scopes';
import type { DriveMethod } from './stats';
import type { UserDrive } from './user-drive';

/** What a Drive handler gets once the call is authenticated, authorised and past fault injection. */
export interface DriveCall {
  readonly request: SandboxRequest;
  readonly grant: IssuedAccessToken;
  readonly drive: UserDrive;
  /** The spaces this token may see. */
  readonly visible: ReadonlySet<DriveSpace>;
  readonly state: DriveState;
}

export type DriveReply =
  | { readonly kind: 'json'; readonly body: unknown; readonly status?: number; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'bytes'; readonly body: Buffer; readonly contentType: string; readonly status?: number; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'empty'; readonly status: number; readonly headers?: Readonly<Record<string, string>> };

export interface DriveRouteSpec {
  readonly method: Route['method'];
  readonly path: RegExp;
  readonly driveMethod: DriveMethod;
  readonly access: MethodAccess;
  handle(call: DriveCall): DriveReply | Promise<DriveReply>;
}

/**
 * Wraps a Drive handler in what every real Drive call goes through, in Google's order: the Bearer
 * token (401), the method's scopes (403), quota and backend faults, then the method itself. Any
 * failure leaves in Drive's error shape, and no credential a client sent is ever echoed into one.
 */
export function driveRoute(state: DriveState, spec: DriveRouteSpec): Route {
  // Injected latency waits at most until the server closes (zero latency costs nothing at all).
  const closing = state.context.closing ?? new AbortController().signal;
  return {
    method: spec.method,
    path: spec.path,
    handle: async (request, response) => {
      const check = state.context.accessTokens.check(request.headers.authorization);
      if (!check.ok) {
        await delay(state.faults.latencyFor(undefined), closing);
        sendDriveError(response, check.reason === 'missing' ? driveErrors.loginRequired() : driveErrors.invalidCredentials());
        return;
      }
      const { grant } = check;
      state.stats.call(grant.sub, spec.driveMethod);
      await delay(state.faults.latencyFor(grant.sub), closing);
      try {
        if (!mayCallMethod(grant.scopes, spec.access)) throw driveErrors.insufficientScopes();
        const fault = state.faults.nextFault(grant.sub, spec.driveMethod);
        if (fault) state.stats.fault(grant.sub);
        if (fault && !fault.afterApplying) throw fault.error;
        const call: DriveCall = { request, grant, drive: state.driveOf(grant.sub), visible: visibleSpaces(grant.scopes), state };
        const reply = await spec.handle(call);
        if (fault) throw fault.error;
        sendReply(response, reply);
      } catch (error) {
        sendDriveError(response, asDriveError(error, spec.driveMethod));
      }
    },
  };
}

function asDriveError(error: unknown, method: DriveMethod): DriveError {
  if (isDriveError(error)) return error;
  // A sandbox bug, not a Drive behaviour: say so on the console (no request data), answer like Drive's backend.
  console.error(`drive sandbox: unexpected failure in ${method}: ${error instanceof Error ? error.message : String(error)}`);
  return driveErrors.backendError();
}

export function sendDriveError(response: ServerResponse, error: DriveError): void {
  sendJson(response, error.status, error.body(), error.headers());
}

function sendReply(response: ServerResponse, reply: DriveReply): void {
  switch (reply.kind) {
    case 'json':
      sendJson(response, reply.status ?? 200, reply.body, reply.headers);
      return;
    case 'bytes':
      response.writeHead(reply.status ?? 200, { ...reply.headers, 'content-type': reply.contentType, 'content-length': reply.body.length });
      response.end(reply.body);
      return;
    case 'empty':
      response.writeHead(reply.status, { ...reply.headers, 'content-length': 0 });
      response.end();
      return;
  }
}
