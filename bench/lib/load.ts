import autocannon from 'autocannon';
import { round } from './stats';

/** One request of a load run, built just before it is sent (sign-in codes work once). */
export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  /** Lets the caller tell answers apart, e.g. valid and malformed requests. */
  tag?: string;
}

export interface LoadStats {
  concurrency: number;
  requests: number;
  ok: number;
  /** Non-2xx answers plus connection errors and timeouts. */
  errors: number;
  durationS: number;
  /** Successful answers per second over the whole run. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers by status code, per request tag. */
  statusesByTag: Record<string, Record<string, number>>;
}

/**
 * Runs `amount` requests with `concurrency` connections (autocannon, no pipelining). Each request
 * comes from `next`; autocannon calls it once per request sent, plus once per connection at start.
 */
export async function runLoad(url: string, concurrency: number, amount: number, next: () => LoadRequest): Promise<LoadStats> {
  const statusesByTag: Record<string, Record<string, number>> = {};
  // autocannon ends an `amount` run on its once-a-second tick, so its own duration is rounded up
  // to whole seconds: time the run from the first request to the last answer instead.
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  const result = await autocannon({
    url,
    connections: concurrency,
    amount,
    timeout: 30,
    requests: [
      {
        setupRequest: (request, context) => {
          const built = next();
          (context as { tag?: string }).tag = built.tag ?? 'all';
          return { ...request, method: built.method, headers: built.headers, body: built.body };
        },
        onResponse: (status, _body, context) => {
          lastAnswerAt = performance.now();
          const byStatus = (statusesByTag[(context as { tag?: string }).tag ?? 'all'] ??= {});
          byStatus[status] = (byStatus[status] ?? 0) + 1;
        },
      },
    ],
  });
  const ok = result['2xx'];
  const durationS = (lastAnswerAt - startedAt) / 1000;
  return {
    concurrency,
    requests: result.requests.total,
    ok,
    errors: result.non2xx + result.errors + result.timeouts,
    durationS: round(durationS),
    rps: round(ok / durationS),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statusesByTag,
  };
}
