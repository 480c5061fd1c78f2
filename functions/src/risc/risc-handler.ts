import { AppError } from '../errors/app-error';
import { requireBodyWithin, requireMethod } from '../http/request-guards';
import type { HttpHandler } from '../http/types';
import type { Logger } from '../logging/logger';
import { storageFailure } from '../users/storage-failure';
import { type ApplyDeps, type AppliedEvents, applySecurityEvents } from './apply-security-events';
import { isStopEvent, lifecycleReasonOf } from './event-effects';
import type { RiscDiscovery } from './risc-discovery';
import { readSecurityEvents, type SecurityEvent } from './security-events';
import { type SecurityEventToken, verifySecurityEventToken } from './verify-security-event-token';

export interface RiscHandlerDeps extends ApplyDeps {
  discovery: RiscDiscovery;
  audiences: readonly string[];
  logger: Logger;
}

/**
 * `riscReceiver`: Google's Cross-Account Protection pushes one Security Event Token per POST
 * (RFC 8935: the body is the JWT, `Content-Type: application/secevent+jwt`). Unauthenticated at
 * the HTTP level, as Google requires; the token's signature is the authentication. The content
 * type is not checked: only a token that verifies is acted on. Answers 202 with no body once the
 * event is recorded (or was already), so Google stops delivering it.
 */
export function createRiscHandler(deps: RiscHandlerDeps): HttpHandler {
  return async (request) => {
    requireMethod(request, ['POST']);
    requireBodyWithin(request);
    const token = await verifySecurityEventToken(request.rawBody, deps.discovery, deps.audiences);
    const events = readSecurityEvents(token.events);
    const applied = await applySecurityEvents(token, events, deps).catch((error: unknown) => {
      throw error instanceof AppError ? error : storageFailure(error);
    });
    logEvents(token, events, applied, deps.logger);
    return { status: 202, body: undefined };
  };
}

function logEvents(token: SecurityEventToken, events: readonly SecurityEvent[], applied: AppliedEvents, logger: Logger): void {
  const log = logger.child({ jti: token.jti });
  if (applied.duplicate) {
    log.info('Security event already received; ignored');
    return;
  }
  events.forEach((event, index) => {
    const changedUsers = applied.changedUsers[index] ?? 0;
    if (event.name === 'verification') log.info('RISC verification event received', { state: event.state ?? null });
    else if (event.name === 'unknown') log.warn('Security event of an unknown type; acknowledged and ignored', { eventType: event.uri });
    else {
      // reauthReason: this event took a user from active to reauth_required (the metric of
      // infra/monitoring/ counts these lines); a second event for a user already stopped has none.
      const reauth = (applied.stoppedUsers[index] ?? 0) > 0 && isStopEvent(event.name) ? { reauthReason: lifecycleReasonOf(event.name) } : {};
      log.info('Security event applied', { eventType: event.name, subject: event.subject.kind, changedUsers, ...(event.reason ? { reason: event.reason } : {}), ...reauth });
    }
  });
}
