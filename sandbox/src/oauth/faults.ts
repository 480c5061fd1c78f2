import { type ServerResponse, STATUS_CODES } from 'node:http';
import { sendJson } from '../http';

/** Faults for one endpoint. `failNext` is deterministic (for tests); the rates are for soak runs. */
export interface EndpointFaults {
  /** Probability (0..1) of a 503. */
  status5xxRate?: number;
  /** Probability (0..1) of a 429. */
  rateLimitRate?: number;
  /** Sent as `Retry-After` with rate-driven 429/5xx answers. */
  retryAfterSeconds?: number;
  /** Accept the request and never answer (until the client gives up or the sandbox closes). */
  hang?: boolean;
  /** Added before every answer, faulty or not. */
  latencyMs?: number;
  /** The next `count` requests fail with `status` (429 or 5xx), then normal service resumes. */
  failNext?: { count: number; status: number; retryAfterSeconds?: number };
}

export interface FaultSettings {
  tokenEndpoint?: EndpointFaults;
}

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'hang' }
  | { kind: 'fail'; status: number; retryAfterSeconds: number | undefined };

/** Decides, request by request, whether an endpoint misbehaves. Randomness is injected for repeatable soaks. */
export class FaultInjector {
  private settings: FaultSettings = {};

  constructor(private readonly random: () => number) {}

  set(settings: FaultSettings): void {
    this.settings = structuredClone(settings);
  }

  current(): FaultSettings {
    return structuredClone(this.settings);
  }

  latencyMs(endpoint: keyof FaultSettings): number {
    return this.settings[endpoint]?.latencyMs ?? 0;
  }

  decide(endpoint: keyof FaultSettings): FaultDecision {
    const faults = this.settings[endpoint];
    if (!faults) return { kind: 'none' };
    const next = faults.failNext;
    if (next && next.count > 0) {
      next.count -= 1;
      return { kind: 'fail', status: next.status, retryAfterSeconds: next.retryAfterSeconds };
    }
    if (faults.hang) return { kind: 'hang' };
    // One draw for both rates so that they add up instead of shadowing each other.
    const draw = this.random();
    const serverErrorRate = faults.status5xxRate ?? 0;
    if (draw < serverErrorRate) return { kind: 'fail', status: 503, retryAfterSeconds: faults.retryAfterSeconds };
    if (draw < serverErrorRate + (faults.rateLimitRate ?? 0)) {
      return { kind: 'fail', status: 429, retryAfterSeconds: faults.retryAfterSeconds };
    }
    return { kind: 'none' };
  }

  clear(): void {
    this.settings = {};
  }
}

/** Google's OAuth endpoints answer overload and outages with the same `{error, error_description}` shape. */
export function sendFault(response: ServerResponse, status: number, retryAfterSeconds: number | undefined): void {
  const error = status === 429 ? 'rate_limit_exceeded' : 'internal_failure';
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  sendJson(response, status, { error, error_description: STATUS_CODES[status] ?? 'Error' }, headers);
}
