/** One HTTP request as the fuzzer sends it, raw enough to carry any bytes and any (valid) header. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A one-line description for failure reports (bodies shortened: they may be 100 KB of brackets). */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body.length > 160 ? `${JSON.stringify(request.body.subarray(0, 160).toString('latin1'))}... (${request.body.length} bytes)` : JSON.stringify(request.body.toString('latin1'));
  return `${request.method} ${request.path} headers=${JSON.stringify(request.headers)} body=${body}`;
}
