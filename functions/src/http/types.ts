/**
 * The product's own view of an HTTP exchange, independent of the framework serving it:
 * handlers take an HttpRequest and return an HttpReply, so they are plain functions to test.
 */
export interface HttpRequest {
  readonly method: string;
  /** Header names in lower case; repeated headers joined as Node joins them. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Exact bytes received, or empty. */
  readonly rawBody: Buffer;
  /**
   * Fires when the request has been answered at its deadline (`503 deadline_exceeded`, shortly
   * before the function's timeout: answer-deadline.ts): work still going on for it should start
   * no more retries. None when no deadline is configured.
   */
  readonly signal?: AbortSignal;
  /** `performance.now()` when the request arrived, before its body was read. */
  readonly receivedAt?: number;
}

export interface HttpReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpReply>;
