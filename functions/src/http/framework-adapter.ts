import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { AppError, isAppError } from '../errors/app-error';
import { loadLoggingConfig } from '../config/logging-config';
import { loadRequestTimeoutConfig } from '../config/request-timeout-config';
import { withLogContext } from '../logging/log-context';
import { describeError, errorReport, type Logger } from '../logging/logger';
import { traceFields } from '../logging/trace-context';
import { withAnswerDeadline } from './answer-deadline';
import { errorReply } from './error-reply';
import type { HttpHandler, HttpReply, HttpRequest } from './types';
import { installBodyReader } from './body-reader';
import { corsAware, type CorsPolicy } from './cors';
import { send } from './send-reply';

export interface HttpFunctionOptions {
  /** Set for the functions a web page calls: which origins may, and the function's method (docs/api.md, CORS). */
  cors?: CorsPolicy;
  /** Logs one `Request answered` line per request, with its status and stable answer code (`ok` for 2xx): the exchange's metric. */
  logAnswers?: boolean;
  /** The project in the lines' trace field; default GOOGLE_CLOUD_PROJECT. */
  traceProject?: string | undefined;
  /** The function's timeout, which its answer must beat (answer-deadline.ts); default REQUEST_TIMEOUT_SECONDS, unset: none. */
  timeoutSeconds?: number | undefined;
}

/**
 * Adapts a product HttpHandler to functions-framework: the one place where thrown errors become
 * HTTP answers. AppErrors map through `errorReply`; anything else is a bug, logged for the
 * operator (name and stack frames for Error Reporting, never the message, which may quote a
 * secret) and answered 500. Every line logged while serving a request carries its trace. A request
 * still at work shortly before the function's timeout is answered 503 (answer-deadline.ts).
 */
export function toHttpFunction(handler: HttpHandler, logger: Logger, options: HttpFunctionOptions = {}): HttpFunction {
  const traceProject = 'traceProject' in options ? options.traceProject : loadLoggingConfig().traceProject;
  // Loaded before the framework builds its app: bodies are read bounded, and Express's own
  // failures get the product's answers too (body-reader.ts).
  installBodyReader({ answerError: (error, req, res) => answerExpressFailure(error, req, res, logger, traceProject) });
  const timeoutSeconds = 'timeoutSeconds' in options ? options.timeoutSeconds : loadRequestTimeoutConfig().timeoutSeconds;
  const fail = (error: unknown) => replyForFailure(error, logger);
  // Inside CORS, so that a browser can read the deadline's answer too.
  const timed = timeoutSeconds === undefined ? handler : withAnswerDeadline(handler, timeoutSeconds, fail);
  const answer = options.cors ? corsAware(timed, options.cors, fail) : timed;
  return async (req: Request, res: Response) => {
    const request = toHttpRequest(req);
    await withLogContext(traceFields(request.headers, traceProject), async () => {
      const reply = await answer(request).catch(fail);
      if (options.logAnswers) logger.info('Request answered', { method: request.method, httpStatus: reply.status, answer: answerCode(reply) });
      send(res, reply);
    });
  };
}

/**
 * What Express ends a request with before our handler has it (a path that does not decode: 400),
 * or a request nothing answered, in the product's error shape.
 */
function answerExpressFailure(error: unknown, req: IncomingMessage, res: ServerResponse, logger: Logger, traceProject: string | undefined): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const status = (error as { status?: unknown } | undefined)?.status;
  const trace = traceFields(toHttpRequest(req as Request).headers, traceProject);
  if (error !== undefined && !(typeof status === 'number' && status >= 400 && status < 500)) {
    send(res as Response, withLogContext(trace, () => replyForFailure(error, logger)));
    return;
  }
  const appError =
    error === undefined
      ? new AppError('not_found', 'Nothing is served here.')
      : status === 413
        ? new AppError('payload_too_large', 'The request body is too large.')
        : status === 415
          ? new AppError('unsupported_media_type', 'The body encoding or charset is not supported.')
          : new AppError('invalid_request', 'The request could not be read.');
  withLogContext(trace, () => logger.info('Request rejected before the function', { errorCode: appError.code }));
  send(res as Response, errorReply(appError));
}

function answerCode(reply: HttpReply): string {
  const code = (reply.body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return reply.status < 400 ? 'ok' : typeof code === 'string' ? code : String(reply.status);
}

export function replyForFailure(error: unknown, logger: Logger): HttpReply {
  if (isAppError(error)) {
    const reply = errorReply(error);
    const fields = { errorCode: error.code, httpStatus: reply.status, ...(error.cause ? { cause: describeError(error.cause) } : {}) };
    if (reply.status < 500) logger.info('Request rejected', fields);
    else if (error.operatorAlerted) logger.warn(error.message, fields);
    else logger.error(error.message, fields);
    return reply;
  }
  logger.error('Unexpected failure', { errorCode: 'internal', ...errorReport(error) });
  return errorReply(new AppError('internal', 'Something went wrong on our side. Try again later.'));
}

function toHttpRequest(req: Request): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const { receivedAt } = req as Request & { receivedAt?: unknown };
  return {
    method: req.method,
    headers,
    rawBody: Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0),
    ...(typeof receivedAt === 'number' ? { receivedAt } : {}),
  };
}
