import type { LogFields } from './logger';

/**
 * Cloud Logging's trace fields for a request (https://cloud.google.com/logging/docs/structured-logging):
 * from the W3C `traceparent` header, or from `X-Cloud-Trace-Context` when that is the only one.
 * A malformed header gives no fields at all: it is never parsed in part nor echoed.
 */
export const TRACE_FIELD = 'logging.googleapis.com/trace';
export const SPAN_FIELD = 'logging.googleapis.com/spanId';
export const SAMPLED_FIELD = 'logging.googleapis.com/trace_sampled';

interface Trace {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

// version-traceid-parentid-flags (https://www.w3.org/TR/trace-context/#traceparent-header). Version
// 00 has exactly these four parts; a later version may append more after a dash. ff is invalid.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
// TRACE_ID/SPAN_ID;o=OPTIONS, the span id in decimal (a 64-bit unsigned integer).
const CLOUD_TRACE = /^([0-9a-f]{32})\/(\d{1,20})(?:;o=([01]))?$/;
const ZEROS = /^0+$/;
const MAX_SPAN = 2n ** 64n - 1n;

export function parseTraceparent(header: string): Trace | undefined {
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ZEROS.test(traceId) || ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

export function parseCloudTraceContext(header: string): Trace | undefined {
  const match = CLOUD_TRACE.exec(header.trim());
  if (!match) return undefined;
  const [, traceId, decimalSpan, option] = match as unknown as [string, string, string, string | undefined];
  const span = BigInt(decimalSpan);
  if (ZEROS.test(traceId) || span === 0n || span > MAX_SPAN) return undefined;
  return { traceId, spanId: span.toString(16).padStart(16, '0'), sampled: option === '1' };
}

/** The trace fields for a request's log lines; none without a project or a well-formed header. */
export function traceFields(headers: Record<string, string | undefined>, projectId: string | undefined): LogFields {
  if (!projectId) return {};
  const traceparent = headers.traceparent;
  const cloud = headers['x-cloud-trace-context'];
  const trace = traceparent !== undefined ? parseTraceparent(traceparent) : cloud !== undefined ? parseCloudTraceContext(cloud) : undefined;
  if (!trace) return {};
  return {
    [TRACE_FIELD]: `projects/${projectId}/traces/${trace.traceId}`,
    [SPAN_FIELD]: trace.spanId,
    [SAMPLED_FIELD]: trace.sampled,
  };
}
