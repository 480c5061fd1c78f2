import { status } from '@grpc/grpc-js';

/** What to do to one incoming call instead of serving it. */
export type Fault = { kind: 'fail'; code: status } | { kind: 'hang' } | { kind: 'corrupt' };

/**
 * Test-controlled misbehaviour: the next N calls (of any method, or of one method) fail with a
 * status such as UNAVAILABLE, hang until the client's deadline, or answer with a payload damaged
 * after its checksum was computed. Queued faults apply in order.
 */
export class FaultInjector {
  private readonly queue: { fault: Fault; method: string | undefined }[] = [];

  failNext(count: number, options: { code?: status; method?: string } = {}): void {
    this.enqueue(count, { kind: 'fail', code: options.code ?? status.UNAVAILABLE }, options.method);
  }

  hangNext(count: number, options: { method?: string } = {}): void {
    this.enqueue(count, { kind: 'hang' }, options.method);
  }

  corruptNext(count: number, options: { method?: string } = {}): void {
    this.enqueue(count, { kind: 'corrupt' }, options.method);
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault for this call, if any, consuming it. */
  take(method: string): Fault | undefined {
    const index = this.queue.findIndex((entry) => entry.method === undefined || entry.method === method);
    if (index < 0) return undefined;
    return this.queue.splice(index, 1)[0]?.fault;
  }

  private enqueue(count: number, fault: Fault, method: string | undefined): void {
    for (let i = 0; i < count; i += 1) this.queue.push({ fault, method });
  }
}
