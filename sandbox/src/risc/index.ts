import type { Route } from '../http';
import { createRiscAdmin, type RiscAdmin, type RiscContext } from './risc-admin';
import { riscRoutes } from './risc-routes';

export type { RiscAdmin, RiscConfiguration, RiscContext, Delivery, SendSecurityEventInput } from './risc-admin';
export type { SecurityEventInput } from './security-event';
export { RISC_EVENT_TYPES, type RiscEventName } from './event-types';
export { tokenIdentifier, type TokenIdentifierAlg } from './token-identifier';

/** Cross-Account Protection for the sandbox: the RISC configuration, its key set, and signed events on demand. */
export interface RiscSandbox {
  readonly routes: Route[];
  readonly admin: RiscAdmin;
}

export function createRiscSandbox(context: RiscContext): RiscSandbox {
  const admin = createRiscAdmin(context);
  return { routes: riscRoutes(admin, context.keys), admin };
}
